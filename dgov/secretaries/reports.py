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
from dgov.workdays.calendar import working_days_between

ONE_WEEK = dt.timedelta(days=7)


def green_card(case: GreenChannelCase, today: dt.date) -> dict[str, Any]:
    """The tracking card: the shortened promised due date (its own deadline, following the
    application's clock stops) with the platform's deadline light (kind "green_channel",
    "stopped" while the clock stands still) while undecided, "done" or "late" once
    decided, beside the application's own promised and legal due dates."""
    application = case.application
    deadline = case.deadline
    due = deadline.due_date if deadline is not None else None
    decided = application.decided_on
    shown = ""
    if deadline is not None and due is not None:
        if decided is not None:
            shown = "done" if decided <= due else "late"
        else:
            shown = deadline.light(today, kind="green_channel").value
    return {
        "case": case,
        "application": application,
        "deadline": deadline,
        "due": due,
        "light": shown,
        # How each due date is counted, shown beside it (read from the deadlines themselves).
        "derivation": deadline.compute_due() if deadline is not None else None,
        "ordinary_derivation": application.promised_deadline.compute_due() if application.promised_deadline else None,
    }


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


# 一月一访 · 一季一会 ---------------------------------------------------------------------


@dataclass(frozen=True)
class Gap:
    """A month without a counted visit, or a quarter without a counted meeting, of a key
    project, whether or not a visit or meeting had been scheduled."""

    secretaryship: Any
    kind: str  # "visit" or "meeting"
    period_start: dt.date
    period_end: dt.date


GAP_WINDOW_MONTHS = 12


def _next_period(kind: str, start: dt.date) -> dt.date:
    months = 1 if kind == "visit" else 3
    year, month = divmod(start.month - 1 + months, 12)
    return dt.date(start.year + year, month + 1, 1)


def _first_full_period(kind: str, day: dt.date) -> dt.date:
    """The first month (quarter) that begins on or after ``day``."""
    start = day.replace(day=1) if kind == "visit" else dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    return start if start == day else _next_period(kind, start)


def gaps(secretaryships: Any, today: dt.date) -> list[Gap]:
    """The ended months and quarters of the last 12 months in which a key project had no
    counted visit (meeting), for the given secretaryships: flagged when the period ends,
    whether or not one was scheduled. A period counts from the first whole one after the
    secretary was assigned. Two queries, whatever the number of projects."""
    from dgov.secretaries.models import Contact, Method

    held = list(secretaryships.select_related("project", "secretary"))
    if not held:
        return []
    window = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    for _ in range(GAP_WINDOW_MONTHS - 1):
        window = (window - dt.timedelta(days=1)).replace(day=1)
    met: set[tuple[int, str, dt.date]] = set()
    for project_id, method, on in (
        Contact.objects.counted()
        .filter(project_id__in=[s.project_id for s in held], method__in=[Method.VISIT, Method.MEETING], on__gte=window)
        .values_list("project_id", "method", "on")
    ):
        kind = "visit" if method == Method.VISIT else "meeting"
        start = on.replace(day=1) if kind == "visit" else dt.date(on.year, 3 * ((on.month - 1) // 3) + 1, 1)
        met.add((project_id, kind, start))
    found = []
    for s in held:
        for kind in ("visit", "meeting"):
            start = max(_first_full_period(kind, s.assigned_on), _first_full_period(kind, window))
            while True:
                end = _next_period(kind, start) - dt.timedelta(days=1)
                if end >= today:
                    break
                if (s.project_id, kind, start) not in met:
                    found.append(Gap(s, kind, start, end))
                start = _next_period(kind, start)
    found.sort(key=lambda g: (-g.period_start.toordinal(), g.secretaryship.project.name, g.kind))
    return found
