"""The working-day calendar (工作日历) and the deadlines counted on it.

Only exceptions are stored: Monday to Friday are working days and Saturday and Sunday
rest days unless a ``CalendarDay`` says otherwise. Calendar rows are national reference
data (the State Council's yearly arrangement) and belong to no district; deadlines do.
"""

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from dgov.accounts.models import DistrictScopedQuerySet

if TYPE_CHECKING:
    from dgov.workdays.calendar import Calendar, Due, Stop
    from dgov.workdays.lights import Light


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


class CountedFrom(models.TextChoices):
    """The day a deadline counts from (``dgov.workdays.calendar.STARTS`` names it in the
    derivation)."""

    ACCEPTED = "accepted", _("Acceptance")
    RECEIVED = "received", _("Receipt (deemed accepted)")
    SUPPLEMENTED = "supplemented", _("Supplement complete")
    RATED = "rated", _("Bad rating")
    COMPLETED = "completed", _("Completion")
    DECIDED = "decided", _("Decision")
    ROUTED = "routed", _("Routing to a level")


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
    """A time limit counted in working days from a start day (``counted_from``).

    Other apps attach one to their records (a case, a call-back, a task) and read its date
    from here, never from a copy. ``due_date`` is stored so lists can filter and sort on
    it; it is recomputed whenever the calendar of a year it touches changes, and every
    change is appended to ``DeadlineChange``.

    Due date = start + ``working_days`` + ``extra_days`` (extensions, decided while the
    limit ran) + ``stopped_days`` (working days the clock stood still, Art. 45, from
    ``DeadlineStop``). A deadline that ``follows`` others (a bundle's joint limit follows
    its parts, the green channel's date its application) stops whenever they stop.
    """

    # No database constraint (PROTECT holds in the ORM): every acceptance inserts two
    # deadlines, and the check would share-lock the district row each time (decision 0011).
    district = models.ForeignKey(
        "accounts.District", on_delete=models.PROTECT, related_name="deadlines", db_constraint=False
    )
    label = models.CharField(_("label"), max_length=200)
    start_date = models.DateField(_("acceptance day"))
    counted_from = models.CharField(
        _("counted from"), max_length=12, choices=CountedFrom.choices, default=CountedFrom.ACCEPTED
    )
    working_days = models.PositiveIntegerField(_("working days"))
    extra_days = models.PositiveIntegerField(_("extension (working days)"), default=0)
    stopped_days = models.PositiveIntegerField(_("clock stopped (working days)"), default=0)
    # The first day of a stop still open (the clock stands still now), else None.
    stopped_since = models.DateField(_("clock stopped since"), null=True, blank=True)
    due_date = models.DateField(_("due date"))
    # The due date without extensions (clock stops included): what a promise is held to.
    base_due_date = models.DateField(_("due date without extensions"), null=True, blank=True)
    provisional = models.BooleanField(_("provisional"), default=False)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    follows = models.ManyToManyField("self", symmetrical=False, related_name="followers", blank=True)

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
    def due_text(self) -> str:
        """The due date as a message or a notice writes it: with the provisional mark where
        it was counted on an estimated calendar (issue 20.5), in the active language."""
        if self.provisional:
            return gettext("%(date)s (provisional)") % {"date": self.due_date.isoformat()}
        return self.due_date.isoformat()

    @property
    def total_days(self) -> int:
        return self.working_days + self.extra_days + self.stopped_days

    @property
    def stopped(self) -> bool:
        return self.stopped_since is not None

    def counted_stops(self, stops: "list[DeadlineStop]", calendar: "Calendar") -> "tuple[int, tuple[Stop, ...]]":
        """The working days ``stops`` cover after the start (overlaps once), and each stop
        with its own days, for the derivation."""
        from dgov.workdays.calendar import Stop

        shown = tuple(
            Stop(
                started_on=s.started_on,
                ended_on=s.ended_on,
                reason=s.reason,
                days=calendar.stopped_days([(s.started_on, s.ended_on)], self.start_date) if s.ended_on else 0,
            )
            for s in sorted(stops, key=lambda s: (s.started_on, s.pk or 0))
        )
        closed = [(s.started_on, s.ended_on) for s in stops if s.ended_on is not None]
        return calendar.stopped_days(closed, self.start_date), shown

    def compute_due(self, calendar: "Calendar | None" = None, stops: "list[DeadlineStop] | None" = None) -> "Due":
        """The due date of start + working days + extensions + days stopped, on the (given)
        calendar, with every term in its derivation. The stops are read when the deadline
        has any and none are given; given, they also recount the days stopped."""
        import dataclasses

        from dgov.workdays.calendar import Terms, default_calendar

        cal = calendar or default_calendar
        stopped: int = self.stopped_days
        shown: tuple[Stop, ...] = ()
        if stops is None and self.pk is not None and (self.stopped_days or self.stopped_since):
            stops = list(self.stops.all())
        if stops is not None:
            stopped, shown = self.counted_stops(stops, cal)
        due = cal.add_working_days(self.start_date, self.working_days + self.extra_days + stopped, self.counted_from)
        base = due.date
        if self.extra_days:
            base = cal.add_working_days(self.start_date, self.working_days + stopped).date
        terms = Terms(self.working_days, self.extra_days, stopped, shown, base)
        return dataclasses.replace(due, terms=terms)

    def apply(self, due: "Due") -> bool:
        """Set due date, provisional flag, days stopped and the unextended date from
        ``due``; True if the due date or the flag changed."""
        changed = (self.due_date, self.provisional) != (due.date, due.provisional)
        self.due_date, self.provisional = due.date, due.provisional
        if due.terms is not None:
            changed = changed or (self.stopped_days, self.base_due_date) != (due.terms.stopped, due.terms.base_date)
            self.stopped_days, self.base_due_date = due.terms.stopped, due.terms.base_date
        else:
            self.base_due_date = due.date
        return changed

    def ended(self, today: dt.date, calendar: "Calendar | None" = None) -> bool:
        """The limit has run out: its (carried, Art. 203) due date is past, counted on the
        day the clock stopped while it stands still (a stopped clock runs out no time)."""
        from dgov.workdays.calendar import default_calendar

        due = (calendar or default_calendar).roll_forward(self.due_date)
        return (self.stopped_since or today) > due

    def light(self, today: dt.date, *, kind: str) -> "Light":
        """The platform's deadline light for this deadline (stopped while its clock is)."""
        from dgov.workdays.lights import light

        return light(self.due_date, today, kind=kind, stopped=self.stopped)


class DeadlineStop(models.Model):
    """A clock stop of one deadline (Administrative Licensing Law Art. 45: hearing,
    testing, appraisal, expert review …). ``key`` names the act that stopped it, the same
    on every deadline it stopped (its own and those that follow it), so that resuming the
    act resumes them all."""

    deadline = models.ForeignKey(Deadline, on_delete=models.CASCADE, related_name="stops")
    key = models.CharField(max_length=80)
    reason = models.CharField(_("reason"), max_length=200)
    started_on = models.DateField(_("stopped on"))
    ended_on = models.DateField(_("resumed on"), null=True, blank=True)

    class Meta:
        verbose_name = _("clock stop")
        verbose_name_plural = _("clock stops")
        ordering = ["started_on", "pk"]
        constraints = [models.UniqueConstraint(fields=["deadline", "key"], name="deadline_stop_once")]

    def __str__(self) -> str:
        return f"{self.deadline_id} {self.key}"


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
