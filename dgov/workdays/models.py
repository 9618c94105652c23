"""The working-day calendar (工作日历) and the deadlines counted on it.

Only exceptions are stored: Monday to Friday are working days and Saturday and Sunday
rest days unless a ``CalendarDay`` says otherwise. Calendar rows are national reference
data (the State Council's yearly arrangement) and belong to no district; deadlines do.
"""

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dgov.accounts.models import DistrictScopedQuerySet

if TYPE_CHECKING:
    from dgov.workdays.calendar import Calendar, Due


class Source(models.TextChoices):
    LIBRARY = "library", _("Published data shipped with the platform")
    IMPORTED = "imported", _("Imported from the State Council notice")
    MANUAL = "manual", _("Edited by an administrator")


class CalendarDay(models.Model):
    """One exception to the Monday-to-Friday week: a holiday on a weekday, or a
    make-up working day (调休) on a Saturday or Sunday. National, not district-scoped."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("Holiday")
        WORKDAY = "workday", _("Make-up working day")

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    note = models.CharField(_("note"), max_length=100, blank=True)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.MANUAL)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["date"]
        permissions = [("edit_calendar", "Can edit holidays and make-up working days")]

    def __str__(self) -> str:
        return f"{self.date.isoformat()} {self.kind} {self.note}".strip()


class CalendarYear(models.Model):
    """Whether a year's arrangement is official (seeded or imported from the State
    Council notice) or still estimated from the statutory holidays.

    National reference data: one row per year for every district on the instance.
    """

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    official = models.BooleanField(_("official"), default=False)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.LIBRARY)
    imported_at = models.DateTimeField(_("imported at"), null=True, blank=True)

    class Meta:
        verbose_name = _("calendar year")
        verbose_name_plural = _("calendar years")
        ordering = ["year"]

    def __str__(self) -> str:
        return str(self.year)


class DeadlineQuerySet(DistrictScopedQuerySet):
    def open(self) -> "DeadlineQuerySet":
        return self.filter(closed_at__isnull=True)

    def provisional(self) -> "DeadlineQuerySet":
        """Open deadlines counted on an estimated year (served by a partial index)."""
        return self.filter(closed_at__isnull=True, provisional=True)

    def touching(self, first: dt.date, last: dt.date) -> "DeadlineQuerySet":
        """Deadlines whose counted days (start, due] may include a day in [first, last]."""
        return self.filter(start_date__lte=last, due_date__gte=first)


class Deadline(models.Model):
    """A time limit counted in working days from an acceptance day.

    Other apps attach one to their records (a case, a call-back, a task). ``due_date`` is
    stored so lists can filter and sort on it; it is recomputed whenever the calendar of
    a year it touches changes, and every change is appended to ``DeadlineChange``.
    """

    # No database constraint (PROTECT holds in the ORM): every acceptance inserts two
    # deadlines, and the check would share-lock the district row each time (decision 0011).
    district = models.ForeignKey(
        "accounts.District", on_delete=models.PROTECT, related_name="deadlines", db_constraint=False
    )
    label = models.CharField(_("label"), max_length=200)
    start_date = models.DateField(_("acceptance day"))
    working_days = models.PositiveIntegerField(_("working days"))
    extra_days = models.PositiveIntegerField(_("extension (working days)"), default=0)
    due_date = models.DateField(_("due date"))
    provisional = models.BooleanField(_("provisional"), default=False)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = DeadlineQuerySet.as_manager()

    class Meta:
        verbose_name = _("deadline")
        verbose_name_plural = _("deadlines")
        indexes = [
            # Overdue cards and calendar recomputation read open deadlines by due date.
            models.Index(fields=["due_date"], condition=models.Q(closed_at__isnull=True), name="deadline_open_due_idx"),
            models.Index(
                fields=["due_date"],
                condition=models.Q(closed_at__isnull=True, provisional=True),
                name="deadline_open_prov_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} → {self.due_date.isoformat()}"

    @property
    def total_days(self) -> int:
        return self.working_days + self.extra_days

    def compute_due(self, calendar: "Calendar | None" = None) -> "Due":
        """The due date of start + working_days + extra_days on the (given) calendar."""
        from dgov.workdays.calendar import default_calendar

        return (calendar or default_calendar).add_working_days(self.start_date, self.total_days)

    def apply(self, due: "Due") -> bool:
        """Set due date and provisional flag from ``due``; True if either changed."""
        changed = (self.due_date, self.provisional) != (due.date, due.provisional)
        self.due_date, self.provisional = due.date, due.provisional
        return changed


class DeadlineChange(models.Model):
    """Append-only log of every change of a deadline's due date or provisional flag."""

    deadline = models.ForeignKey(Deadline, on_delete=models.PROTECT, related_name="changes")
    old_due = models.DateField(_("old due date"))
    new_due = models.DateField(_("new due date"))
    old_provisional = models.BooleanField(_("was provisional"))
    new_provisional = models.BooleanField(_("is provisional"))
    reason = models.CharField(_("reason"), max_length=200)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("deadline change")
        verbose_name_plural = _("deadline changes")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.old_due.isoformat()} → {self.new_due.isoformat()}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("DeadlineChange rows are append-only.")
        super().save(*args, **kwargs)
