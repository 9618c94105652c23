"""The rules of project service, with their settings (each a Django setting, default here).

- ``SECRETARY_CONTACT_DAYS`` (7): a project whose last counted contact is more than this
  many days old is overdue (每周至少对接一次). Days of a statutory holiday that fall on a
  weekday are not counted: nobody is expected to visit an enterprise over 国庆 or 春节.
- ``SECRETARY_ISSUE_DAYS``: working days each level of the ladder has to answer
  (department 5, lead department 5, joint meeting 10, district leader 10).
- ``GREEN_CHANNEL_RATIO`` (0.5): the green channel's promised limit as a share of the
  item's promised limit, rounded up, at least 1 working day.
- ``SCORECARD_WEIGHTS``: the secretary's scorecard (see ``scorecard``).
"""

import datetime as dt
import math
from dataclasses import dataclass

from django.conf import settings

from dgov.workdays.calendar import year_calendar

ONE_DAY = dt.timedelta(days=1)

DEFAULT_ISSUE_DAYS = {"department": 5, "lead_department": 5, "joint_meeting": 10, "district_leader": 10}
DEFAULT_WEIGHTS = {"contacts": 40, "issues": 30, "ratings": 20, "advanced": 10}


def contact_days() -> int:
    return int(getattr(settings, "SECRETARY_CONTACT_DAYS", 7))


def issue_days(level: str) -> int:
    table = {**DEFAULT_ISSUE_DAYS, **getattr(settings, "SECRETARY_ISSUE_DAYS", {})}
    return int(table[level])


def green_channel_ratio() -> float:
    return float(getattr(settings, "GREEN_CHANNEL_RATIO", 0.5))


def scorecard_weights() -> dict[str, int]:
    return {**DEFAULT_WEIGHTS, **getattr(settings, "SCORECARD_WEIGHTS", {})}


def is_holiday(day: dt.date) -> bool:
    """A statutory holiday on a weekday (weekends are ordinary days for the contact rule)."""
    return day in year_calendar(day.year).holidays


def counted_days_between(last: dt.date, today: dt.date) -> int:
    """Days after ``last`` up to and including ``today``, statutory weekday holidays left out."""
    count, day = 0, last
    while day < today:
        day += ONE_DAY
        if not is_holiday(day):
            count += 1
    return count


def contact_cutoff(today: dt.date, days: int | None = None) -> dt.date:
    """The earliest last-contact day that is not overdue on ``today``.

    A project is overdue when more than ``days`` counted days have passed since its last
    counted contact, i.e. when ``last < cutoff``: walking back from ``today``, the cutoff
    is the ``days``-th counted day before it (holidays are stepped over). With no holiday
    in the way and 7 days, a contact on Monday keeps the project off the list through the
    next Monday and puts it on it on Tuesday.
    """
    days = contact_days() if days is None else days
    day, counted = today, 0
    while counted < days:
        if not is_holiday(day):
            counted += 1
        day -= ONE_DAY
    return day


def shortened_days(promised: int) -> int:
    return max(1, math.ceil(promised * green_channel_ratio()))


@dataclass(frozen=True)
class Score:
    """A secretary's scorecard; each part is a share in [0, 1] or None when there is
    nothing to measure (its weight then goes to the parts that can be measured)."""

    contacts: float | None
    issues: float | None
    ratings: float | None
    advanced: float | None

    @property
    def total(self) -> float | None:
        weights = scorecard_weights()
        parts = {name: getattr(self, name) for name in weights}
        used = {name: w for name, w in weights.items() if parts[name] is not None}
        if not used:
            return None
        return round(100 * sum(parts[n] * w for n, w in used.items()) / sum(used.values()), 1)  # type: ignore[operator]


def rating_share(average: float | None) -> float | None:
    """Average rating 1..5 → share 0..1 (非常不满意 0, 非常满意 1)."""
    return None if average is None else (average - 1) / 4
