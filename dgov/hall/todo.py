"""The appointments booked at a person's window, for the staff home's to-do
(``dgov.lib.todo``): a booking whose day has passed and is still "booked" is red
(not yet marked missed)."""

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from dgov.hall.models import Appointment, AppointmentStatus
from dgov.hall.permissions import CALL
from dgov.lib.todo import Entry, Queue, measure


def queues(user: Any, today: dt.date) -> list[Queue]:
    if not user.has_perm(CALL) or getattr(user, "window_id", None) is None:
        return []
    url = reverse("hall:window")

    def entry(appointment: Appointment) -> Entry:
        return Entry(name=str(appointment), url=url, due=appointment.slot.day, since=appointment.slot.day)

    rows = (
        Appointment.objects.visible_to(user)
        .filter(slot__window_id=user.window_id, status=AppointmentStatus.BOOKED)
        .select_related("slot", "hall_item")
    )
    return [
        measure(
            _("Appointments at my window"),
            url,
            rows,
            today=today,
            since="slot__day",
            entry=entry,
            due="slot__day",
            kind="hall",
        )
    ]
