"""The open service hall (公开办事大厅): queue tickets, calling, appointments (DOMAIN.md §6).

The 2018 article puts 工商、税务、国土 in one open hall. A citizen takes a ticket for an
item (at the kiosk, on the phone, or by checking in an appointment); a clerk at a window
calls the next ticket among the items the window serves; the hall's screen shows the
numbers called; a ticket nobody answers is skipped after a set time.

1. Order of calling: priority tickets (an appointment, a person aged 65 or over, a case in
   the green channel) before ordinary ones; within each, first come first served.
2. One ticket at a time per window (a constraint): the clerk finishes, or skips a no-show,
   before calling the next.
3. When the clerk takes in the ticket's case the ticket points at the application and the
   visit it counted (``applications.Visit``): the one-trip figure is read from that link.
4. Appointment slots belong to a window and a day, with a capacity; one person holds at
   most one booked slot for the same item (a constraint).
"""

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dgov.accounts.models import DistrictScopedQuerySet

# Settings (defaults): see ``dgov/hall/rules.py``.


class HallItemQuerySet(DistrictScopedQuerySet):
    def served_by(self, window: Any) -> "HallItemQuerySet":
        return self.filter(windows=window, active=True)


class HallItem(models.Model):
    """A service item the hall takes tickets for, its ticket prefix and the windows that serve it."""

    district = models.ForeignKey("accounts.District", on_delete=models.PROTECT, related_name="+")
    item = models.ForeignKey("services.ServiceItem", on_delete=models.PROTECT, related_name="hall_items")
    prefix = models.CharField(_("ticket prefix"), max_length=2)
    windows = models.ManyToManyField("accounts.ServiceWindow", related_name="hall_items", verbose_name=_("windows"))
    active = models.BooleanField(_("tickets can be taken"), default=True)
    order = models.PositiveSmallIntegerField(_("order on the kiosk"), default=0)

    objects = HallItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("hall item")
        verbose_name_plural = _("hall items")
        ordering = ["order", "prefix"]
        permissions = [
            ("call_ticket", "Can call, serve and skip queue tickets at own window"),
            ("manage_hall", "Can set up the hall's items, windows and appointment slots"),
            ("view_hall_figures", "Can see the hall's waiting and service figures"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["district", "item"], name="hall_item_once"),
            models.UniqueConstraint(fields=["district", "prefix"], name="hall_item_prefix_once"),
        ]

    def __str__(self) -> str:
        return f"{self.prefix} {self.name}"

    @property
    def name(self) -> str:
        version = self.item.current_version
        return version.name if version is not None else self.item.code


class Source(models.TextChoices):
    KIOSK = "kiosk", _("Kiosk in the hall")
    PHONE = "phone", _("On the phone")
    APPOINTMENT = "appointment", _("Appointment")


class Priority(models.TextChoices):
    NONE = "", _("In turn")
    APPOINTMENT = "appointment", _("Appointment")
    ELDERLY = "elderly", _("Aged 65 or over")
    GREEN_CHANNEL = "green", _("Green channel")


class TicketStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting")
    CALLED = "called", _("Called")
    SERVING = "serving", _("Being served")
    DONE = "done", _("Done")
    NO_SHOW = "no_show", _("Skipped: did not come")
    CANCELLED = "cancelled", _("Cancelled")


AT_WINDOW = (TicketStatus.CALLED, TicketStatus.SERVING)
ACTIVE = (TicketStatus.WAITING, *AT_WINDOW)


class TicketQuerySet(DistrictScopedQuerySet):
    def waiting(self) -> "TicketQuerySet":
        return self.filter(status=TicketStatus.WAITING)

    def in_calling_order(self) -> "TicketQuerySet":
        return self.order_by("-priority_rank", "taken_at", "pk")


class Ticket(models.Model):
    district = models.ForeignKey("accounts.District", on_delete=models.PROTECT, related_name="+")
    hall_item = models.ForeignKey(HallItem, on_delete=models.PROTECT, related_name="tickets")
    day = models.DateField(_("day"))
    number = models.PositiveIntegerField(_("number"))
    code = models.CharField(_("ticket"), max_length=8)
    source = models.CharField(_("taken"), max_length=12, choices=Source.choices)
    priority = models.CharField(_("priority"), max_length=12, choices=Priority.choices, blank=True, default="")
    priority_rank = models.PositiveSmallIntegerField(default=0)
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="hall_tickets"
    )
    status = models.CharField(_("status"), max_length=10, choices=TicketStatus.choices, default=TicketStatus.WAITING)
    taken_at = models.DateTimeField(_("taken at"))
    hour = models.PositiveSmallIntegerField(_("hour taken"))  # local hour, for the figures per hour
    window = models.ForeignKey(
        "accounts.ServiceWindow", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    clerk = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    called_at = models.DateTimeField(_("first called at"), null=True, blank=True)
    last_called_at = models.DateTimeField(_("last called at"), null=True, blank=True)
    calls = models.PositiveSmallIntegerField(_("times called"), default=0)
    served_at = models.DateTimeField(_("service started at"), null=True, blank=True)
    done_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    wait_seconds = models.PositiveIntegerField(null=True, blank=True)
    service_seconds = models.PositiveIntegerField(null=True, blank=True)
    application = models.ForeignKey(
        "applications.Application", null=True, blank=True, on_delete=models.PROTECT, related_name="hall_tickets"
    )
    visit = models.OneToOneField(
        "applications.Visit", null=True, blank=True, on_delete=models.PROTECT, related_name="hall_ticket"
    )
    appointment = models.OneToOneField(
        "Appointment", null=True, blank=True, on_delete=models.PROTECT, related_name="ticket"
    )

    objects = TicketQuerySet.as_manager()

    class Meta:
        verbose_name = _("queue ticket")
        verbose_name_plural = _("queue tickets")
        ordering = ["-taken_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["hall_item", "day", "number"], name="ticket_number_once"),
            # Rule 2: one ticket at a window at a time.
            models.UniqueConstraint(
                fields=["window"], condition=Q(status__in=["called", "serving"]), name="ticket_one_per_window"
            ),
            # A person holds one open ticket per item.
            models.UniqueConstraint(
                fields=["holder", "hall_item"],
                condition=Q(status__in=["waiting", "called", "serving"]) & Q(holder__isnull=False),
                name="ticket_one_open_per_holder",
            ),
        ]
        indexes = [
            models.Index(fields=["district", "day", "status", "-priority_rank", "taken_at"], name="ticket_calling_idx"),
            models.Index(fields=["status", "last_called_at"], name="ticket_no_show_idx"),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def is_open(self) -> bool:
        return self.status in ACTIVE


class Slot(models.Model):
    """An appointment slot of a window on a day (预约时段), with its capacity."""

    district = models.ForeignKey("accounts.District", on_delete=models.PROTECT, related_name="+")
    window = models.ForeignKey("accounts.ServiceWindow", on_delete=models.PROTECT, related_name="hall_slots")
    day = models.DateField(_("day"))
    starts_at = models.TimeField(_("from"))
    ends_at = models.TimeField(_("to"))
    capacity = models.PositiveSmallIntegerField(_("capacity"))
    booked = models.PositiveSmallIntegerField(_("booked"), default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = DistrictScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("appointment slot")
        verbose_name_plural = _("appointment slots")
        ordering = ["day", "starts_at", "window"]
        constraints = [
            models.UniqueConstraint(fields=["window", "day", "starts_at"], name="slot_once"),
            models.CheckConstraint(condition=Q(booked__lte=models.F("capacity")), name="slot_within_capacity"),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="slot_capacity_positive"),
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="slot_ends_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.day.isoformat()} {self.starts_at:%H:%M}–{self.ends_at:%H:%M}"

    @property
    def free(self) -> int:
        return self.capacity - self.booked

    def start(self) -> dt.datetime:
        from django.utils import timezone

        return timezone.make_aware(dt.datetime.combine(self.day, self.starts_at))

    def end(self) -> dt.datetime:
        from django.utils import timezone

        return timezone.make_aware(dt.datetime.combine(self.day, self.ends_at))


class AppointmentStatus(models.TextChoices):
    BOOKED = "booked", _("Booked")
    CHECKED_IN = "checked_in", _("Checked in")
    CANCELLED = "cancelled", _("Cancelled")
    MISSED = "missed", _("Missed")


class Appointment(models.Model):
    district = models.ForeignKey("accounts.District", on_delete=models.PROTECT, related_name="+")
    slot = models.ForeignKey(Slot, on_delete=models.PROTECT, related_name="appointments")
    hall_item = models.ForeignKey(HallItem, on_delete=models.PROTECT, related_name="appointments")
    holder = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="hall_appointments")
    status = models.CharField(
        _("status"), max_length=12, choices=AppointmentStatus.choices, default=AppointmentStatus.BOOKED
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = DistrictScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        ordering = ["slot__day", "slot__starts_at", "pk"]
        constraints = [
            # Rule 4: one booked slot per person and item.
            models.UniqueConstraint(
                fields=["holder", "hall_item"], condition=Q(status="booked"), name="appointment_one_per_item"
            )
        ]

    def __str__(self) -> str:
        return f"{self.slot} {self.hall_item.prefix}"
