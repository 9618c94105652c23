"""Per-step clocks: each step after acceptance has its own limit within the promised total.

1. The steps are the window's review (acceptance → review) and the department's decision
   (review → approval or denial).
2. Review has ``DGOV_REVIEW_SHARE`` (0.3) of the item's promised limit, rounded up and at
   least one working day; the decision has the rest, at least one.
3. A step starts on the day the previous one ended (review: the acceptance day) and is due
   that many working days later, counted like every deadline (the start day not counted, a
   rest day carried to the next working day); a clock stop that began in the step, and does
   not count toward the limit, moves its due date by the days it stood still (at most the
   guide's maximum for the procedure).
4. A finished step shows whether it kept its limit; a running one shows the deadline light.
"""

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dgov.applications.models import Application
from dgov.workdays.calendar import Due, add_working_days, working_days_between
from dgov.workdays.lights import light

STEP_KIND = "application_step"  # the kind of deadline for ``DGOV_YELLOW_DAYS``


def review_share() -> float:
    return float(getattr(settings, "DGOV_REVIEW_SHARE", 0.3))


def step_limits(promised: int) -> tuple[int, int]:
    """(review, decision) working days within ``promised`` (rule 2)."""
    review = max(1, math.ceil(promised * review_share()))
    return review, max(1, promised - review)


@dataclass(frozen=True)
class Step:
    name: str
    label: Any
    limit: int
    started_on: dt.date | None
    due: Due | None
    ended_on: dt.date | None
    state: str  # waiting, on_time, late, or the light of a running step

    @property
    def due_date(self) -> dt.date | None:
        return self.due.date if self.due else None


def _stopped_days(stops: list[Any], start: dt.date, end: dt.date | None, today: dt.date) -> int:
    days = 0
    for stop in stops:
        if stop.counts_toward_limit or stop.started_on < start or (end is not None and stop.started_on > end):
            continue
        stood = stop.days_stopped if stop.ended_on else max(working_days_between(stop.started_on, today), 0)
        days += min(stood or 0, getattr(stop, "max_days", None) or stood or 0)
    return days


def steps(application: Application, today: dt.date) -> list[Step]:
    """The review and decision steps of an accepted application (rules 1–4)."""
    if application.accepted_on is None:
        return []
    review_limit, decision_limit = step_limits(application.item_version.promised_limit_days)
    maxima = {p.name: p.max_days for p in application.item_version.procedures.all()}
    stops = list(application.clock_stops.all())
    for stop in stops:
        stop.max_days = maxima.get(stop.procedure)  # type: ignore[attr-defined]
    reviewed_at = application.events.filter(verb="review").order_by("at").values_list("at", flat=True).first()
    reviewed_on = timezone.localdate(reviewed_at) if reviewed_at else None
    decided_on = application.decided_on
    found = []
    for name, label, limit, start, end in (
        ("review", _("Review at the window"), review_limit, application.accepted_on, reviewed_on),
        ("decision", _("Decision of the department"), decision_limit, reviewed_on, decided_on),
    ):
        if start is None:
            found.append(Step(name, label, limit, None, None, None, "waiting"))
            continue
        due = add_working_days(start, limit + _stopped_days(stops, start, end, today))
        if end is not None:
            state = "on_time" if end <= due.date else "late"
        else:
            state = str(light(due.date, today, kind=STEP_KIND, stopped=application.clock_stopped))
        found.append(Step(name, label, limit, start, due, end, state))
    return found
