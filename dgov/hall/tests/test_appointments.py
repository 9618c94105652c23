"""Appointment slots: capacity, one slot per person and item, slots in the past, check-in."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from dgov.accounts.models import User
from dgov.hall import actions
from dgov.hall.models import Appointment, AppointmentStatus, Priority, Slot, Ticket
from dgov.lib.conflicts import Conflict

pytestmark = pytest.mark.django_db

TOMORROW = dt.date(2026, 12, 3)


@pytest.fixture
def slots(windows, supervisor, morning):
    return actions.do_create_slots(
        windows[1], day=TOMORROW, starts=dt.time(9, 0), ends=dt.time(10, 0), minutes=30, capacity=2, by=supervisor
    )


@pytest.fixture
def another_citizen(district):
    user = User.objects.create_user("citizen2", password="x", kind=User.Kind.CITIZEN, full_name="王芳")
    return user


def test_slots_are_cut_from_the_period_and_refuse_the_past_and_clashes(windows, supervisor, slots, morning):
    assert [(s.starts_at, s.ends_at, s.capacity) for s in slots] == [
        (dt.time(9, 0), dt.time(9, 30), 2),
        (dt.time(9, 30), dt.time(10, 0), 2),
    ]
    with pytest.raises(ValidationError, match="already has slots"):
        actions.do_create_slots(
            windows[1], day=TOMORROW, starts=dt.time(9, 30), ends=dt.time(11, 0), minutes=30, capacity=1, by=supervisor
        )
    with pytest.raises(ValidationError, match="past"):
        actions.do_create_slots(
            windows[1],
            day=morning.date(),
            starts=dt.time(9, 0),
            ends=dt.time(11, 0),
            minutes=30,
            capacity=1,
            by=supervisor,
        )
    assert Slot.objects.count() == 2


def test_a_slot_takes_no_more_than_its_capacity(hall_items, slots, citizen, another_citizen, make_staff, morning):
    first = slots[0]
    actions.do_book(first, hall_items[0], by=citizen)
    actions.do_book(first, hall_items[0], by=another_citizen)
    third = User.objects.create_user("citizen3", password="x", kind=User.Kind.CITIZEN)
    with pytest.raises(Conflict, match="filled"):
        actions.do_book(first, hall_items[0], by=third)
    first.refresh_from_db()
    assert first.booked == 2 and Appointment.objects.count() == 2


def test_one_person_holds_one_slot_per_item(hall_items, slots, citizen, morning):
    actions.do_book(slots[0], hall_items[0], by=citizen)
    with pytest.raises(ValidationError, match="already hold"):
        actions.do_book(slots[1], hall_items[0], by=citizen)
    # Another item at the same window is a different matter.
    actions.do_book(slots[1], hall_items[1], by=citizen)
    slots[1].refresh_from_db()
    assert slots[1].booked == 1


def test_the_database_refuses_a_second_booked_slot_for_the_same_item(hall_items, slots, citizen, morning):
    from django.db import IntegrityError, transaction

    actions.do_book(slots[0], hall_items[0], by=citizen)
    with pytest.raises(IntegrityError), transaction.atomic():
        Appointment.objects.create(district=slots[1].district, slot=slots[1], hall_item=hall_items[0], holder=citizen)


def test_a_window_that_does_not_serve_the_item_is_refused(hall_items, windows, supervisor, citizen, morning):
    other = actions.do_create_slots(
        windows[0], day=TOMORROW, starts=dt.time(9, 0), ends=dt.time(9, 30), minutes=30, capacity=1, by=supervisor
    )[0]
    with pytest.raises(ValidationError, match="does not serve"):
        actions.do_book(other, hall_items[1], by=citizen)  # B is served at window 02 only


def test_a_slot_that_has_begun_is_refused_and_nothing_is_written(hall_items, slots, citizen, clock):
    clock.set(dt.datetime(2026, 12, 3, 9, 10))
    with pytest.raises(ValidationError, match="past"):
        actions.do_book(slots[0], hall_items[0], by=citizen)
    slots[0].refresh_from_db()
    assert slots[0].booked == 0 and not Appointment.objects.exists()


def test_a_missed_appointment_frees_the_person_to_book_again(hall_items, slots, citizen, supervisor, windows, clock):
    actions.do_book(slots[0], hall_items[0], by=citizen)
    clock.set(dt.datetime(2026, 12, 3, 12, 0))
    later = actions.do_create_slots(
        windows[1],
        day=dt.date(2026, 12, 4),
        starts=dt.time(9, 0),
        ends=dt.time(9, 30),
        minutes=30,
        capacity=1,
        by=supervisor,
    )[0]
    actions.do_book(later, hall_items[0], by=citizen)
    assert list(Appointment.objects.order_by("pk").values_list("status", flat=True)) == [
        AppointmentStatus.MISSED,
        AppointmentStatus.BOOKED,
    ]


def test_check_in_opens_before_the_slot_and_gives_a_priority_ticket(hall_items, slots, citizen, clock):
    appointment = actions.do_book(slots[0], hall_items[0], by=citizen)
    clock.set(dt.datetime(2026, 12, 3, 8, 0))
    with pytest.raises(PermissionDenied, match="08:30"):
        actions.do_check_in_appointment(appointment, by=citizen)
    clock.set(dt.datetime(2026, 12, 3, 8, 40))
    walk_in = actions.do_take_ticket(hall_items[0], source="kiosk")
    ticket = actions.do_check_in_appointment(appointment, by=citizen)
    assert ticket.priority == Priority.APPOINTMENT and ticket.appointment == appointment
    assert actions.position(ticket).ahead == 0 and actions.position(walk_in).ahead == 1
    with pytest.raises(PermissionDenied):
        actions.do_check_in_appointment(appointment, by=citizen)
    assert Ticket.objects.count() == 2


def test_cancelling_frees_the_place(hall_items, slots, citizen, another_citizen, morning):
    appointment = actions.do_book(slots[0], hall_items[0], by=citizen)
    with pytest.raises(PermissionDenied):
        actions.do_cancel_appointment(appointment, by=another_citizen)
    actions.do_cancel_appointment(appointment, by=citizen)
    slots[0].refresh_from_db()
    assert slots[0].booked == 0
    actions.do_book(slots[0], hall_items[0], by=citizen)


# Pages --------------------------------------------------------------------------------------------


def test_booking_through_the_page(client, hall_items, slots, citizen, morning):
    client.force_login(citizen)
    page = client.get(reverse("hall:appointments"), {"item": hall_items[0].pk}).content.decode()
    assert page.count('name="slot"') == 2
    response = client.post(reverse("hall:appointments"), {"item": hall_items[0].pk, "slot": slots[0].pk})
    assert response.status_code == 302
    again = client.post(reverse("hall:appointments"), {"item": hall_items[0].pk, "slot": slots[1].pk})
    assert again.status_code == 400 and "already hold" in again.content.decode()
    assert Appointment.objects.count() == 1


def test_a_slot_in_the_past_is_a_400_with_a_message(client, hall_items, windows, citizen, district, supervisor, clock):
    yesterday = Slot.objects.create(
        district=district,
        window=windows[1],
        day=dt.date(2026, 12, 1),
        starts_at=dt.time(9, 0),
        ends_at=dt.time(9, 30),
        capacity=1,
        created_by=supervisor,
    )
    clock.set(dt.datetime(2026, 12, 2, 10, 0))
    client.force_login(citizen)
    response = client.post(reverse("hall:appointments"), {"item": hall_items[0].pk, "slot": yesterday.pk})
    assert response.status_code == 400 and "in the past" in response.content.decode()
    assert not Appointment.objects.exists()


def test_the_supervisor_opens_slots_and_a_day_in_the_past_is_refused(client, windows, supervisor, morning):
    client.force_login(supervisor)
    data = {
        "form": "slots",
        "slots-window": windows[0].pk,
        "slots-day": "2026-12-01",
        "slots-starts": "09:00",
        "slots-ends": "10:00",
        "slots-minutes": 30,
        "slots-capacity": 2,
    }
    response = client.post(reverse("hall:setup"), data)
    assert response.status_code == 400 and "past" in response.content.decode()
    assert not Slot.objects.exists()
    data["slots-day"] = "2026-12-03"
    assert client.post(reverse("hall:setup"), data).status_code == 302
    assert Slot.objects.count() == 2


def test_the_supervisor_serves_an_item_and_a_bad_prefix_is_refused(client, items, windows, supervisor):
    client.force_login(supervisor)
    data = {
        "form": "item",
        "item-item": items[0].pk,
        "item-ticket_prefix": "1",
        "item-windows": [windows[0].pk],
        "item-active": "on",
        "item-order": 0,
    }
    response = client.post(reverse("hall:setup"), data)
    assert response.status_code == 400 and "Latin letters" in response.content.decode()
    data["item-ticket_prefix"] = "C"
    assert client.post(reverse("hall:setup"), data).status_code == 302
    assert 'data-hall-item="C"' in client.get(reverse("hall:setup")).content.decode()


def test_staff_do_not_book(client, supervisor):
    client.force_login(supervisor)
    assert client.get(reverse("hall:appointments")).status_code == 403
