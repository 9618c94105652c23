"""The hall's rules: its settings (each a Django setting, default here) and who may do what.

- ``HALL_NO_SHOW_MINUTES`` (5): a called ticket nobody answers is skipped this long after
  its last call (by the clerk, or by the job runner).
- ``HALL_ELDERLY_AGE`` (65): from this age a ticket is called with priority; the kiosk reads
  the age from the ID card number (GB 11643) and keeps only the priority, never the number.
- ``HALL_SERVICE_MINUTES`` (10): the service time an estimate assumes for an item until the
  hall has served it (afterwards the mean of its last 30 days).
- ``HALL_CHECK_IN_EARLY_MINUTES`` (30): an appointment can be checked in this long before
  its slot begins, and until the slot ends.
- ``HALL_DISPLAY_ROWS`` (8): numbers shown on the hall's screen.

Each ``do_*`` of ``actions`` has its ``may_*`` here; the pages build their buttons from the
same predicates (``dgov.lib.rules``).
"""

import datetime as dt
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from dgov.accounts.access import is_staff
from dgov.hall.models import AT_WINDOW, Appointment, AppointmentStatus, HallItem, Ticket, TicketStatus
from dgov.hall.permissions import CALL, MANAGE
from dgov.lib.rules import Verdict, allow, deny, hide


def no_show_minutes() -> int:
    return int(getattr(settings, "HALL_NO_SHOW_MINUTES", 5))


def elderly_age() -> int:
    return int(getattr(settings, "HALL_ELDERLY_AGE", 65))


def default_service_minutes() -> int:
    return int(getattr(settings, "HALL_SERVICE_MINUTES", 10))


def check_in_early() -> dt.timedelta:
    return dt.timedelta(minutes=int(getattr(settings, "HALL_CHECK_IN_EARLY_MINUTES", 30)))


def display_rows() -> int:
    return int(getattr(settings, "HALL_DISPLAY_ROWS", 8))


def age_on(id_number: str, day: dt.date) -> int:
    """Full years of the holder of a valid GB 11643 number on ``day``."""
    born = dt.date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def skippable_from(ticket: Ticket) -> dt.datetime | None:
    if ticket.last_called_at is None:
        return None
    return ticket.last_called_at + dt.timedelta(minutes=no_show_minutes())


# Who may do what ------------------------------------------------------------------------------


def _at_window(user: Any) -> Verdict:
    if not is_staff(user) or not user.has_perm(CALL):
        return hide(_("Only window clerks call tickets."))
    if user.window_id is None:
        return deny(_("You are not assigned to a window: the hall's supervisor assigns one."))
    return allow()


def may_call(user: Any) -> Verdict:
    """Call the next ticket: a clerk at a window that serves hall items, with no ticket at
    the window yet (rule 2)."""
    verdict = _at_window(user)
    if not verdict:
        return verdict
    if not HallItem.objects.filter(district_id=user.district_id).served_by(user.window_id).exists():
        return deny(_("Your window serves no item of the hall."))
    current = Ticket.objects.filter(window_id=user.window_id, status__in=AT_WINDOW).first()
    if current is not None:
        return deny(_("Ticket %(code)s is at your window: finish it or skip it first.") % {"code": current.code})
    return allow()


def _own_ticket(user: Any, ticket: Ticket, *statuses: str) -> Verdict:
    verdict = _at_window(user)
    if not verdict:
        return verdict
    if ticket.district_id != user.district_id or ticket.window_id != user.window_id:
        return hide(_("This ticket is not at your window."))
    if ticket.status not in statuses:
        return deny(_("Ticket %(code)s is %(status)s.") % {"code": ticket.code, "status": ticket.get_status_display()})
    return allow()


def may_recall(user: Any, ticket: Ticket) -> Verdict:
    return _own_ticket(user, ticket, TicketStatus.CALLED)


def may_start(user: Any, ticket: Ticket) -> Verdict:
    return _own_ticket(user, ticket, TicketStatus.CALLED)


def may_link(user: Any, ticket: Ticket) -> Verdict:
    """Take in the ticket's case: count the visit on the application (rule 3)."""
    verdict = _own_ticket(user, ticket, *AT_WINDOW)
    if not verdict:
        return verdict
    if not user.has_perm("applications.accept_application"):
        return hide(_("Your role does not take in cases."))
    if ticket.application_id is not None:
        return deny(_("This ticket is already linked to its case."))
    return allow()


def may_finish(user: Any, ticket: Ticket) -> Verdict:
    return _own_ticket(user, ticket, TicketStatus.SERVING)


def may_skip(user: Any, ticket: Ticket, now: dt.datetime) -> Verdict:
    """Skip a no-show: only once the set minutes have passed since the last call."""
    verdict = _own_ticket(user, ticket, TicketStatus.CALLED)
    if not verdict:
        return verdict
    since = skippable_from(ticket)
    if since is not None and now < since:
        from django.utils import timezone

        return deny(
            _("Wait for the person until %(time)s; call again meanwhile.")
            % {"time": timezone.localtime(since).strftime("%H:%M")}
        )
    return allow()


def may_manage(user: Any) -> Verdict:
    if not is_staff(user) or not user.has_perm(MANAGE):
        return hide(_("Only the hall's supervisor sets up the hall."))
    return allow()


def may_book(user: Any) -> Verdict:
    if not getattr(user, "is_authenticated", False):
        return hide(_("Log in to book an appointment."))
    if is_staff(user):
        return hide(_("Staff do not book appointments for themselves here."))
    return allow()


def may_cancel_appointment(user: Any, appointment: Appointment, now: dt.datetime) -> Verdict:
    if not getattr(user, "is_authenticated", False) or appointment.holder_id != user.pk:
        return hide(_("This is not your appointment."))
    if appointment.status != AppointmentStatus.BOOKED:
        return deny(_("The appointment is %(status)s.") % {"status": appointment.get_status_display()})
    if now >= appointment.slot.start():
        return deny(_("The slot has begun: it can no longer be cancelled."))
    return allow()


def may_check_in(user: Any, appointment: Appointment, now: dt.datetime) -> Verdict:
    """Turn an appointment into a priority ticket, from a little before the slot to its end."""
    if not getattr(user, "is_authenticated", False) or appointment.holder_id != user.pk:
        return hide(_("This is not your appointment."))
    if appointment.status != AppointmentStatus.BOOKED:
        return deny(_("The appointment is %(status)s.") % {"status": appointment.get_status_display()})
    opens = appointment.slot.start() - check_in_early()
    if now < opens:
        from django.utils import timezone

        return deny(
            _("Check-in opens at %(time)s on %(day)s.")
            % {"time": timezone.localtime(opens).strftime("%H:%M"), "day": appointment.slot.day.isoformat()}
        )
    if now >= appointment.slot.end():
        return deny(_("The slot is over: take an ordinary ticket or book again."))
    return allow()


def may_cancel_ticket(user: Any, ticket: Ticket) -> Verdict:
    if not getattr(user, "is_authenticated", False) or ticket.holder_id != user.pk:
        return hide(_("This is not your ticket."))
    if ticket.status != TicketStatus.WAITING:
        return deny(_("Ticket %(code)s is %(status)s.") % {"code": ticket.code, "status": ticket.get_status_display()})
    return allow()
