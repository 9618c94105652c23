"""The deadline light (红黄绿灯): one rule for every kind of deadline on the platform.

1. A due date that falls on a non-working day is due on the next working day (Civil Code
   Art. 203; the platform applies the same to internal tasks), so nothing turns red on a
   holiday because of a date that is still running. The original date stays visible.
2. Red once the (carried) due date has passed while the thing is open.
3. Yellow when ``yellow_days(kind)`` working days or fewer are left.
4. Green otherwise; a stopped clock (Art. 45) shows "stopped" instead of a colour.

``light`` decides one row; ``light_case`` is the same rule as a queryset expression for
lists and boards, computed from two dates so that thousands of rows are one query.
"""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.db.models import Case, Q, Value, When
from django.utils.translation import gettext_lazy as _

from dgov.workdays.calendar import Calendar, default_calendar

DEFAULT_YELLOW_DAYS = 1


class Light(models.TextChoices):
    GREEN = "green", _("On time")
    YELLOW = "yellow", _("Due soon")
    RED = "red", _("Overdue")
    STOPPED = "stopped", _("Clock stopped")


def yellow_days(kind: str) -> int:
    """Working days before the due date when a deadline of ``kind`` turns yellow
    (``DGOV_YELLOW_DAYS`` setting, per kind; 1 when the kind is not named)."""
    table: dict[str, int] = getattr(settings, "DGOV_YELLOW_DAYS", {})
    return int(table.get(kind, table.get("default", DEFAULT_YELLOW_DAYS)))


def light(
    due: dt.date,
    today: dt.date,
    *,
    kind: str,
    stopped: bool = False,
    calendar: Calendar | None = None,
) -> Light:
    """The light of an open deadline due on ``due`` (rules 1–4)."""
    if stopped:
        return Light.STOPPED
    cal = calendar or default_calendar
    effective = cal.roll_forward(due)
    if today > effective:
        return Light.RED
    if cal.working_days_between(today, effective) <= yellow_days(kind):
        return Light.YELLOW
    return Light.GREEN


@dataclass(frozen=True)
class Thresholds:
    """Today's dividing dates: a due date before ``red_before`` is red, one before
    ``yellow_before`` yellow, later green (rules 1–3 turned into two comparisons)."""

    today: dt.date
    red_before: dt.date
    yellow_before: dt.date

    @classmethod
    def on(cls, today: dt.date, kind: str, calendar: Calendar | None = None) -> "Thresholds":
        cal = calendar or default_calendar
        one = dt.timedelta(days=1)
        # red ⇔ roll_forward(due) < today ⇔ due ≤ the last working day before today
        red_before = cal.previous_working_day(today) + one
        # yellow ⇔ working days left ≤ n ⇔ roll_forward(due) < green_from (a working day)
        green_from = cal.add_working_days(today, yellow_days(kind) + 1).date
        yellow_before = cal.previous_working_day(green_from) + one
        return cls(today, red_before, max(yellow_before, red_before))

    def red(self, field: str) -> Q:
        return Q(**{f"{field}__lt": self.red_before})

    def yellow(self, field: str) -> Q:
        return Q(**{f"{field}__gte": self.red_before, f"{field}__lt": self.yellow_before})

    def green(self, field: str) -> Q:
        return Q(**{f"{field}__gte": self.yellow_before})


def light_case(
    field: str,
    today: dt.date,
    *,
    kind: str,
    open: Q | None = None,  # noqa: A002 — the rule's word
    stopped: Q | None = None,
    calendar: Calendar | None = None,
) -> Case:
    """``light`` as an expression over the date column ``field``: annotate a queryset
    with it, or count by it. Rows outside ``open`` get NULL; rows in ``stopped`` get
    "stopped"."""
    t = Thresholds.on(today, kind, calendar)
    whens = [When(**{f"{field}__isnull": True}, then=Value(None, output_field=models.CharField()))]
    if open is not None:
        whens.append(When(~open, then=Value(None, output_field=models.CharField())))
    if stopped is not None:
        whens.append(When(stopped, then=Value(Light.STOPPED.value)))
    whens += [
        When(t.red(field), then=Value(Light.RED.value)),
        When(t.yellow(field), then=Value(Light.YELLOW.value)),
    ]
    return Case(*whens, default=Value(Light.GREEN.value), output_field=models.CharField())
