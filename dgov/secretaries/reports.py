"""What the green channel's pages show: the tracking card of a case (also on the
application's own page, through the ``green_channel_card`` tag), and the channel's effect
on the ordinary queue: waiting times (acceptance → decision, in working days) of ordinary
applications in weeks with and without green-channel load, so the fast lane cannot
silently starve everyone else."""

import datetime as dt
import statistics
from dataclasses import dataclass, field
from typing import Any

from dgov.applications.models import Application
from dgov.secretaries.models import GreenChannelCase
from dgov.secretaries.rules import green_due
from dgov.workdays.calendar import working_days_between
from dgov.workdays.lights import light

ONE_WEEK = dt.timedelta(days=7)


def green_card(case: GreenChannelCase, today: dt.date) -> dict[str, Any]:
    """The tracking card: the shortened promised due date with the platform's deadline
    light (kind "green_channel") while undecided, "done" or "late" once decided, beside
    the application's own promised and legal due dates."""
    application = case.application
    due = case.promised_due_on or green_due(application, case.promised_days)
    decided = application.decided_on
    shown = ""
    if due is not None:
        if decided is not None:
            shown = "done" if decided <= due else "late"
        else:
            shown = light(due, today, kind="green_channel").value
    return {"case": case, "application": application, "due": due, "light": shown}


@dataclass
class Week:
    monday: dt.date
    waits: list[int] = field(default_factory=list)
    green_load: int = 0

    @property
    def decided(self) -> int:
        return len(self.waits)

    @property
    def mean(self) -> float | None:
        return round(statistics.fmean(self.waits), 1) if self.waits else None

    @property
    def median(self) -> float | None:
        return statistics.median(self.waits) if self.waits else None


@dataclass
class Group:
    weeks: int
    decided: int
    mean: float | None
    median: float | None


def _group(weeks: list[Week]) -> Group:
    waits = [w for week in weeks for w in week.waits]
    return Group(
        weeks=len(weeks),
        decided=len(waits),
        mean=round(statistics.fmean(waits), 1) if waits else None,
        median=statistics.median(waits) if waits else None,
    )


def monday_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def queue_impact(district_id: int, start: dt.date, end: dt.date) -> dict[str, Any]:
    """Weeks of [start, end] (by the ordinary decision's week) with the ordinary queue's
    waits and the number of green-channel cases open in the week; then the two groups."""
    weeks: dict[dt.date, Week] = {}
    monday = monday_of(start)
    while monday <= end:
        weeks[monday] = Week(monday)
        monday += ONE_WEEK
    ordinary = Application.objects.filter(
        district_id=district_id,
        green_channel__isnull=True,
        accepted_on__isnull=False,
        decided_on__gte=start,
        decided_on__lte=end,
    ).values_list("accepted_on", "decided_on")
    for accepted_on, decided_on in ordinary.iterator():
        weeks[monday_of(decided_on)].waits.append(max(working_days_between(accepted_on, decided_on), 0))
    cases = GreenChannelCase.objects.filter(district_id=district_id, entered_on__lte=end).values_list(
        "entered_on", "application__decided_on"
    )
    for entered_on, decided_on in cases:
        for week in weeks.values():
            week_end = week.monday + dt.timedelta(days=6)
            if entered_on <= week_end and (decided_on is None or decided_on >= week.monday):
                week.green_load += 1
    ordered = sorted(weeks.values(), key=lambda w: w.monday)
    loaded = _group([w for w in ordered if w.green_load > 0])
    quiet = _group([w for w in ordered if w.green_load == 0])
    difference = None
    if loaded.mean is not None and quiet.mean is not None:
        difference = round(loaded.mean - quiet.mean, 1)
    return {"weeks": ordered, "loaded": loaded, "quiet": quiet, "difference": difference}


def chart_options(weeks: list[Week], wait_label: str, load_label: str) -> dict[str, Any]:
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"data": [wait_label, load_label]},
        "xAxis": {"type": "category", "data": [w.monday.isoformat() for w in weeks]},
        "yAxis": [{"type": "value", "name": wait_label}, {"type": "value", "name": load_label}],
        "series": [
            {"name": wait_label, "type": "bar", "data": [w.mean for w in weeks]},
            {"name": load_label, "type": "line", "yAxisIndex": 1, "data": [w.green_load for w in weeks]},
        ],
    }
