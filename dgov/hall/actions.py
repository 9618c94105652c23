"""Every act of the hall: one function, one transaction, its audit entry written with it.

Concurrency (rules 1–2 of ``models``):
- Calling claims the next ticket with ``SELECT … FOR UPDATE SKIP LOCKED`` on PostgreSQL
  and a conditional ``UPDATE … WHERE status = 'waiting'`` everywhere: two clerks calling
  at the same instant get two different tickets, and a clerk calling twice at once gets
  one ticket and a ``Conflict`` (the one-ticket-per-window constraint).
- Ticket numbers are the day's next number per item, kept unique by a constraint: two
  tickets taken at once retry, they never share a number (no counter row everyone locks).
- A slot's places are taken by ``UPDATE … SET booked = booked + 1 WHERE booked < capacity``;
  one booked slot per person and item is a partial unique constraint.
"""

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from dgov.accounts.models import ServiceWindow, User
from dgov.audit.trail import record
from dgov.hall import reports, rules
from dgov.hall.models import (
    ACTIVE,
    AT_WINDOW,
    Appointment,
    AppointmentStatus,
    HallItem,
    Priority,
    Slot,
    Source,
    Ticket,
    TicketStatus,
)
from dgov.lib import clock
from dgov.lib.conflicts import Conflict
from dgov.lib.rules import enforce

NUMBER_ATTEMPTS = 20


def _local(moment: dt.datetime) -> dt.datetime:
    return timezone.localtime(moment)


def _seconds(later: dt.datetime, earlier: dt.datetime | None) -> int | None:
    return None if earlier is None else max(0, int((later - earlier).total_seconds()))


# Taking a ticket ------------------------------------------------------------------------------


def green_channel_case(district_id: int, number: str) -> Any:
    """The open green-channel case of application ``number`` in the district, or None."""
    from dgov.applications.models import OPEN_STATUSES
    from dgov.secretaries.models import GreenChannelCase

    number = number.strip()
    if not number:
        return None
    return (
        GreenChannelCase.objects.filter(
            district_id=district_id, application__number=number, application__status__in=OPEN_STATUSES
        )
        .select_related("application")
        .first()
    )


def do_take_ticket(
    hall_item: HallItem,
    *,
    source: str,
    holder: User | None = None,
    priority: str = Priority.NONE,
    appointment: Appointment | None = None,
) -> Ticket:
    """A ticket for ``hall_item`` (the kiosk has no holder; on the phone the holder is the
    person logged in). A person holds one open ticket per item."""
    if not hall_item.active:
        raise ValidationError(_("The hall does not take tickets for this item now."), code="inactive")
    if source not in Source.values or priority not in Priority.values:
        raise ValidationError(_("Unknown kind of ticket."), code="kind")
    if holder is not None:
        _refuse_second_ticket(holder, hall_item)
    now = clock.now()
    local = _local(now)
    for _attempt in range(NUMBER_ATTEMPTS):
        last = Ticket.objects.filter(hall_item=hall_item, day=local.date()).aggregate(n=Max("number"))["n"] or 0
        try:
            with transaction.atomic():
                ticket = Ticket.objects.create(
                    district_id=hall_item.district_id,
                    hall_item=hall_item,
                    day=local.date(),
                    number=last + 1,
                    code=f"{hall_item.prefix}{last + 1:03d}",
                    source=source,
                    priority=priority,
                    priority_rank=1 if priority else 0,
                    holder=holder,
                    taken_at=now,
                    hour=local.hour,
                    appointment=appointment,
                )
                record(
                    "hall.ticket.take",
                    ticket,
                    actor=holder,
                    changes={"code": ticket.code, "source": source, "priority": priority},
                )
                return ticket
        except IntegrityError:
            if holder is not None:
                _refuse_second_ticket(holder, hall_item)
            # Another ticket took the number first: count again.
    raise Conflict(_("Many tickets are being taken at this moment: please try again."))


def _refuse_second_ticket(holder: User, hall_item: HallItem) -> None:
    held = Ticket.objects.filter(holder=holder, hall_item=hall_item, status__in=ACTIVE).first()
    if held is not None:
        raise Conflict(_("You already hold ticket %(code)s for this item.") % {"code": held.code}, obj=held)


def do_cancel_ticket(ticket: Ticket, *, by: User) -> None:
    enforce(rules.may_cancel_ticket(by, ticket))
    with transaction.atomic():
        if not Ticket.objects.filter(pk=ticket.pk, status=TicketStatus.WAITING).update(status=TicketStatus.CANCELLED):
            raise Conflict(_("Ticket %(code)s was called meanwhile.") % {"code": ticket.code})
        ticket.status = TicketStatus.CANCELLED
        record("hall.ticket.cancel", ticket, actor=by, changes={"status": ["waiting", "cancelled"]})


@dataclass(frozen=True)
class Position:
    """Where a waiting ticket stands: people called before it, and the estimated wait
    (those people × the item's mean service time ÷ the windows serving the item)."""

    ahead: int
    minutes: int


def position(ticket: Ticket) -> Position:
    if ticket.status != TicketStatus.WAITING:
        return Position(0, 0)
    rank, taken = ticket.priority_rank, ticket.taken_at
    ahead = (
        Ticket.objects.filter(hall_item_id=ticket.hall_item_id, day=ticket.day, status=TicketStatus.WAITING)
        .filter(
            Q(priority_rank__gt=rank)
            | Q(priority_rank=rank, taken_at__lt=taken)
            | Q(priority_rank=rank, taken_at=taken, pk__lt=ticket.pk)
        )
        .count()
    )
    windows = max(1, ticket.hall_item.windows.count())
    mean = reports.mean_service_seconds(ticket.hall_item_id, ticket.day) or rules.default_service_minutes() * 60
    return Position(ahead, math.ceil(ahead * mean / 60 / windows))


# At the window -------------------------------------------------------------------------------


def _window_items(by: User) -> list[int]:
    return list(
        HallItem.objects.filter(district_id=by.district_id or 0).served_by(by.window_id).values_list("pk", flat=True)
    )


def do_call_next(*, by: User) -> Ticket | None:
    """Call the next ticket among the items of the clerk's window (rule 1), or None when
    nobody waits."""
    enforce(rules.may_call(by))
    now = clock.now()
    items = _window_items(by)
    with transaction.atomic():
        for _attempt in range(10):
            candidate = (
                Ticket.objects.filter(
                    district_id=by.district_id or 0,
                    day=_local(now).date(),
                    status=TicketStatus.WAITING,
                    hall_item_id__in=items,
                )
                .in_calling_order()
                .select_for_update(skip_locked=True)
                .only("pk", "taken_at")
                .first()
            )
            if candidate is None:
                return None
            try:
                with transaction.atomic():
                    claimed = Ticket.objects.filter(pk=candidate.pk, status=TicketStatus.WAITING).update(
                        status=TicketStatus.CALLED,
                        window_id=by.window_id,
                        clerk=by,
                        called_at=now,
                        last_called_at=now,
                        calls=1,
                        wait_seconds=_seconds(now, candidate.taken_at),
                    )
            except IntegrityError:
                raise Conflict(_("Another ticket was just called to your window.")) from None
            if claimed:
                break
        else:
            raise Conflict(_("Many clerks are calling at this moment: please call again."))
        ticket = Ticket.objects.select_related("hall_item", "window").get(pk=candidate.pk)
        record(
            "hall.ticket.call",
            ticket,
            actor=by,
            changes={"status": ["waiting", "called"], "window": ticket.window.number if ticket.window else ""},
        )
    return ticket


def _move(ticket: Ticket, *, by: User | None, to: str, allowed: tuple[str, ...], verb: str, **fields: Any) -> None:
    """The conditional UPDATE of a ticket's move, with its audit entry."""
    before = ticket.status
    filters: dict[str, Any] = {"pk": ticket.pk, "status__in": allowed}
    if by is not None:
        filters["window_id"] = ticket.window_id
    if not Ticket.objects.filter(**filters).update(status=to, **fields):
        raise Conflict(_("Ticket %(code)s was handled meanwhile.") % {"code": ticket.code}, obj=ticket)
    ticket.status = to
    for name, value in fields.items():
        if not hasattr(value, "resolve_expression"):
            setattr(ticket, name, value)
    record(f"hall.ticket.{verb}", ticket, actor=by, changes={"status": [before, to]})


def do_recall(ticket: Ticket, *, by: User) -> None:
    """Call the same ticket again (the screen shows it on top again)."""
    enforce(rules.may_recall(by, ticket))
    now = clock.now()
    with transaction.atomic():
        _move(
            ticket,
            by=by,
            to=TicketStatus.CALLED,
            allowed=(TicketStatus.CALLED,),
            verb="recall",
            last_called_at=now,
            calls=F("calls") + 1,
        )


def do_start(ticket: Ticket, *, by: User) -> None:
    """The person came to the window."""
    enforce(rules.may_start(by, ticket))
    with transaction.atomic():
        _move(
            ticket, by=by, to=TicketStatus.SERVING, allowed=(TicketStatus.CALLED,), verb="start", served_at=clock.now()
        )


def do_link_application(ticket: Ticket, application: Any, *, by: User) -> Any:
    """Take in the ticket's case (rule 3): the ticket points at the application and at the
    visit it counts toward the one-trip figure. A visit the clerk already recorded for this
    application since the ticket was called (a case registered at the window records one)
    is the same trip and is reused, not counted twice."""
    from dgov.applications.actions import do_check_in
    from dgov.applications.models import Application, Visit

    enforce(rules.may_link(by, ticket))
    if not Application.objects.visible_to(by).filter(pk=application.pk).exists():
        raise ValidationError(_("No application with this number in your district."), code="application")
    now = clock.now()
    with transaction.atomic():
        claimed = Ticket.objects.filter(
            pk=ticket.pk, window_id=by.window_id, status__in=AT_WINDOW, application__isnull=True
        ).update(application=application, status=TicketStatus.SERVING, served_at=ticket.served_at or now)
        if not claimed:
            raise Conflict(_("Ticket %(code)s was handled meanwhile.") % {"code": ticket.code}, obj=ticket)
        since = ticket.called_at or ticket.taken_at
        visit = (
            Visit.objects.filter(application=application, at__gte=since, hall_ticket__isnull=True)
            .order_by("at")
            .first()
        )
        if visit is None:
            visit = do_check_in(application, by=by, window=by.window)
        Ticket.objects.filter(pk=ticket.pk).update(visit=visit)
        before = ticket.status
        ticket.application, ticket.visit, ticket.status = application, visit, TicketStatus.SERVING
        ticket.served_at = ticket.served_at or now
        record(
            "hall.ticket.link",
            ticket,
            actor=by,
            changes={"application": application.number, "visit": visit.pk, "status": [before, ticket.status]},
        )
    return visit


def do_finish(ticket: Ticket, *, by: User) -> None:
    enforce(rules.may_finish(by, ticket))
    now = clock.now()
    with transaction.atomic():
        _move(
            ticket,
            by=by,
            to=TicketStatus.DONE,
            allowed=(TicketStatus.SERVING,),
            verb="finish",
            done_at=now,
            service_seconds=_seconds(now, ticket.served_at),
        )


def do_skip(ticket: Ticket, *, by: User) -> None:
    """Skip a no-show once the set minutes since the last call have passed."""
    now = clock.now()
    enforce(rules.may_skip(by, ticket, now))
    with transaction.atomic():
        _move(ticket, by=by, to=TicketStatus.NO_SHOW, allowed=(TicketStatus.CALLED,), verb="skip", done_at=now)


def skip_no_shows(now: dt.datetime) -> int:
    """Job: skip called tickets nobody answered within the set minutes; close the waiting
    tickets of past days and the booked appointments whose slot is over. Each row is
    claimed by its conditional UPDATE, so two runners never skip the same ticket twice."""
    done = 0
    cutoff = now - dt.timedelta(minutes=rules.no_show_minutes())
    for ticket in Ticket.objects.filter(status=TicketStatus.CALLED, last_called_at__lt=cutoff)[:500]:
        with transaction.atomic():
            if Ticket.objects.filter(pk=ticket.pk, status=TicketStatus.CALLED, last_called_at__lt=cutoff).update(
                status=TicketStatus.NO_SHOW, done_at=now
            ):
                record(
                    "hall.ticket.no_show",
                    ticket,
                    changes={"status": ["called", "no_show"], "why": "no answer"},
                )
                done += 1
    today = _local(now).date()
    for ticket in Ticket.objects.filter(status=TicketStatus.WAITING, day__lt=today)[:500]:
        with transaction.atomic():
            if Ticket.objects.filter(pk=ticket.pk, status=TicketStatus.WAITING).update(status=TicketStatus.CANCELLED):
                record(
                    "hall.ticket.expire",
                    ticket,
                    changes={"status": ["waiting", "cancelled"], "why": "the day is over"},
                )
                done += 1
    done += _miss_appointments(now)
    return done


def _miss_appointments(now: dt.datetime, holder: User | None = None) -> int:
    """Booked appointments whose slot is over become missed (the person may book again)."""
    local = _local(now)
    over = Q(slot__day__lt=local.date()) | Q(slot__day=local.date(), slot__ends_at__lte=local.time())
    candidates = Appointment.objects.filter(over, status=AppointmentStatus.BOOKED)
    if holder is not None:
        candidates = candidates.filter(holder=holder)
    missed = 0
    for appointment in candidates[:500]:
        if Appointment.objects.filter(pk=appointment.pk, status=AppointmentStatus.BOOKED).update(
            status=AppointmentStatus.MISSED
        ):
            record(
                "hall.appointment.missed",
                appointment,
                changes={"status": ["booked", "missed"]},
            )
            missed += 1
    return missed


# Setting up the hall --------------------------------------------------------------------------


def do_set_hall_item(
    item: Any, *, prefix: str, windows: list[ServiceWindow], by: User, active: bool = True, order: int = 0
) -> HallItem:
    """Take tickets for ``item`` under ``prefix``, served at ``windows`` (or change them)."""
    enforce(rules.may_manage(by))
    prefix = prefix.strip().upper()
    if not (1 <= len(prefix) <= 2 and prefix.isascii() and prefix.isalpha()):
        raise ValidationError(_("A ticket prefix is one or two Latin letters."), code="prefix")
    if item.district_id != by.district_id or any(w.district_id != by.district_id for w in windows):
        raise ValidationError(_("The item and the windows must be of your district."), code="district")
    if not windows:
        raise ValidationError(_("Choose at least one window that serves the item."), code="windows")
    if item.current_version_id is None:
        raise ValidationError(_("Only a published item can be served in the hall."), code="unpublished")
    try:
        with transaction.atomic():
            hall_item, created = HallItem.objects.update_or_create(
                district_id=item.district_id,
                item=item,
                defaults={"prefix": prefix, "active": active, "order": order},
            )
            hall_item.windows.set(windows)
            record(
                "hall.item.set",
                hall_item,
                actor=by,
                changes={
                    "item": item.code,
                    "prefix": prefix,
                    "windows": sorted(w.number for w in windows),
                    "active": active,
                    "created": created,
                },
            )
    except IntegrityError:
        raise ValidationError(
            _("The prefix %(prefix)s is already used by another item.") % {"prefix": prefix}, code="prefix_taken"
        ) from None
    return hall_item


def do_create_slots(
    window: ServiceWindow,
    *,
    day: dt.date,
    starts: dt.time,
    ends: dt.time,
    minutes: int,
    capacity: int,
    by: User,
) -> list[Slot]:
    """Appointment slots of ``minutes`` each from ``starts`` to ``ends`` on ``day``."""
    enforce(rules.may_manage(by))
    if window.district_id != by.district_id:
        raise ValidationError(_("The window must be of your district."), code="district")
    if capacity < 1 or minutes < 5:
        raise ValidationError(_("A slot lasts at least 5 minutes and takes at least one person."), code="size")
    if ends <= starts:
        raise ValidationError(_("The end comes after the start."), code="order")
    now = clock.now()
    first = timezone.make_aware(dt.datetime.combine(day, starts))
    if first <= now:
        raise ValidationError(_("A slot cannot begin in the past."), code="past")
    slots: list[Slot] = []
    moment = dt.datetime.combine(day, starts)
    last = dt.datetime.combine(day, ends)
    while moment + dt.timedelta(minutes=minutes) <= last:
        end = moment + dt.timedelta(minutes=minutes)
        slots.append(
            Slot(
                district_id=window.district_id,
                window=window,
                day=day,
                starts_at=moment.time(),
                ends_at=end.time(),
                capacity=capacity,
                created_by=by,
            )
        )
        moment = end
    if not slots:
        raise ValidationError(_("The period is shorter than one slot."), code="short")
    taken = set(Slot.objects.filter(window=window, day=day).values_list("starts_at", flat=True))
    clashes = [s for s in slots if s.starts_at in taken]
    if clashes:
        raise ValidationError(
            _("Window %(window)s already has slots on %(day)s from %(times)s.")
            % {
                "window": window.number,
                "day": day.isoformat(),
                "times": ", ".join(f"{s.starts_at:%H:%M}" for s in clashes),
            },
            code="clash",
        )
    try:
        with transaction.atomic():
            Slot.objects.bulk_create(slots)
            record(
                "hall.slots.create",
                window,
                actor=by,
                changes={
                    "day": day.isoformat(),
                    "from": f"{starts:%H:%M}",
                    "to": f"{ends:%H:%M}",
                    "slots": len(slots),
                    "capacity": capacity,
                },
            )
    except IntegrityError:
        raise Conflict(_("Slots were created for this window at the same time: reload the page.")) from None
    return list(Slot.objects.filter(window=window, day=day, starts_at__in=[s.starts_at for s in slots]))


# Appointments ------------------------------------------------------------------------------------


def do_book(slot: Slot, hall_item: HallItem, *, by: User) -> Appointment:
    """Book a place in ``slot`` for ``hall_item`` (rule 4: one booked slot per item)."""
    enforce(rules.may_book(by))
    now = clock.now()
    if slot.district_id != hall_item.district_id or not hall_item.active:
        raise ValidationError(_("The hall does not take appointments for this item."), code="item")
    if not hall_item.windows.filter(pk=slot.window_id).exists():
        raise ValidationError(_("This window does not serve the item: choose another slot."), code="window")
    if slot.start() <= now:
        raise ValidationError(_("This slot is in the past: choose a later one."), code="past")
    _miss_appointments(now, holder=by)
    held = Appointment.objects.filter(holder=by, hall_item=hall_item, status=AppointmentStatus.BOOKED).first()
    if held is not None:
        raise ValidationError(_("You already hold a slot for this item: %(slot)s.") % {"slot": held.slot}, code="held")
    with transaction.atomic():
        if not Slot.objects.filter(pk=slot.pk, booked__lt=F("capacity")).update(booked=F("booked") + 1):
            raise Conflict(_("This slot has just been filled: choose another."))
        try:
            with transaction.atomic():
                appointment = Appointment.objects.create(
                    district_id=slot.district_id, slot=slot, hall_item=hall_item, holder=by
                )
        except IntegrityError:
            raise Conflict(_("You already hold a slot for this item.")) from None
        record(
            "hall.appointment.book",
            appointment,
            actor=by,
            changes={"slot": str(slot), "window": slot.window_id, "item": hall_item.prefix},
        )
    return appointment


def do_cancel_appointment(appointment: Appointment, *, by: User) -> None:
    enforce(rules.may_cancel_appointment(by, appointment, clock.now()))
    with transaction.atomic():
        if not Appointment.objects.filter(pk=appointment.pk, status=AppointmentStatus.BOOKED).update(
            status=AppointmentStatus.CANCELLED
        ):
            raise Conflict(_("The appointment was changed meanwhile."))
        Slot.objects.filter(pk=appointment.slot_id, booked__gt=0).update(booked=F("booked") - 1)
        appointment.status = AppointmentStatus.CANCELLED
        record(
            "hall.appointment.cancel",
            appointment,
            actor=by,
            changes={"status": ["booked", "cancelled"]},
        )


def do_check_in_appointment(appointment: Appointment, *, by: User) -> Ticket:
    """On the day: the appointment becomes a priority ticket."""
    enforce(rules.may_check_in(by, appointment, clock.now()))
    with transaction.atomic():
        if not Appointment.objects.filter(pk=appointment.pk, status=AppointmentStatus.BOOKED).update(
            status=AppointmentStatus.CHECKED_IN
        ):
            raise Conflict(_("The appointment was checked in already."))
        appointment.status = AppointmentStatus.CHECKED_IN
        ticket = do_take_ticket(
            appointment.hall_item,
            source=Source.APPOINTMENT,
            holder=by,
            priority=Priority.APPOINTMENT,
            appointment=appointment,
        )
        record(
            "hall.appointment.check_in",
            appointment,
            actor=by,
            changes={"status": ["booked", "checked_in"], "ticket": ticket.code},
        )
    return ticket
