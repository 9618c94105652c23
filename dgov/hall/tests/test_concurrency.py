"""Clerks calling at the same instant, tickets taken at once, the last place of a slot:
parallel requests on PostgreSQL (SQLite serialises every writer, so it cannot race)."""

import datetime as dt
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from dgov.accounts.models import ServiceWindow, User
from dgov.hall import actions
from dgov.hall.models import Appointment, Slot, Ticket, TicketStatus

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]


def at_once(work: list[Callable[[], Any]]) -> list[Any]:
    """Run the callables in threads released together; their results (or exceptions)."""
    barrier = threading.Barrier(len(work))
    results: list[Any] = [None] * len(work)

    def run(i: int) -> None:
        try:
            barrier.wait()
            results[i] = work[i]()
        except Exception as error:  # the outcome is what the test looks at
            results[i] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(work))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.fixture
def four_clerks(district, hall_items, make_staff, windows):
    centre = windows[0].service_centre
    clerks = []
    for n in range(4):
        window, _ = ServiceWindow.objects.get_or_create(
            district=district, number=f"1{n}", defaults={"service_centre": centre, "name": f"综合窗口{n}"}
        )
        hall_items[0].windows.add(window)
        clerk = make_staff("window_clerk", f"caller{n}", department="ZWFW")
        clerk.window = window
        clerk.save(update_fields=["window"])
        clerks.append(clerk)
    return clerks


def test_clerks_calling_at_the_same_instant_never_get_the_same_ticket_nor_one_clerk_two(four_clerks, hall_items):
    for _round in range(3):
        for _ in range(4):
            actions.do_take_ticket(hall_items[0], source="kiosk")

        def call(clerk: User) -> int:
            client = Client()
            client.force_login(clerk)
            return client.post(reverse("hall:call_next")).status_code

        assert at_once([lambda c=c: call(c) for c in four_clerks]) == [302] * 4
        called = list(Ticket.objects.filter(status=TicketStatus.CALLED).values_list("pk", "window_id"))
        assert len(called) == 4
        assert len({pk for pk, _w in called}) == 4 and len({w for _pk, w in called}) == 4
        for clerk in four_clerks:
            current = Ticket.objects.get(window=clerk.window, status=TicketStatus.CALLED)
            actions.do_start(current, by=clerk)
            actions.do_finish(current, by=clerk)
    assert Ticket.objects.filter(status=TicketStatus.DONE).count() == 12

    # One clerk calling twice at once (a double click) gets one ticket.
    for _ in range(3):
        actions.do_take_ticket(hall_items[0], source="kiosk")
    clerk = User.objects.get(pk=four_clerks[0].pk)
    outcomes = at_once([lambda: actions.do_call_next(by=clerk), lambda: actions.do_call_next(by=clerk)])
    assert sum(isinstance(o, Ticket) for o in outcomes) == 1
    assert Ticket.objects.filter(status=TicketStatus.CALLED).count() == 1
    assert Ticket.objects.filter(status=TicketStatus.WAITING).count() == 2


def test_tickets_taken_at_once_get_different_numbers(hall_items):
    outcomes = at_once([lambda: actions.do_take_ticket(hall_items[0], source="kiosk") for _ in range(6)])
    assert all(isinstance(o, Ticket) for o in outcomes), outcomes
    assert sorted(Ticket.objects.values_list("number", flat=True)) == [1, 2, 3, 4, 5, 6]


def test_the_last_place_of_a_slot_goes_to_one_person_and_a_person_holds_one_slot_per_item(
    hall_items, windows, supervisor, citizen, clock
):
    clock.set(dt.datetime(2026, 12, 2, 10, 0))
    slot = actions.do_create_slots(
        windows[1],
        day=dt.date(2026, 12, 3),
        starts=dt.time(9, 0),
        ends=dt.time(9, 30),
        minutes=30,
        capacity=1,
        by=supervisor,
    )[0]
    people = [User.objects.create_user(f"booker{n}", password="x", kind=User.Kind.CITIZEN) for n in range(3)]
    outcomes = at_once([lambda p=p: actions.do_book(Slot.objects.get(pk=slot.pk), hall_items[0], by=p) for p in people])
    assert sum(isinstance(o, Appointment) for o in outcomes) == 1
    slot.refresh_from_db()
    assert slot.booked == 1 and Appointment.objects.count() == 1

    # One person booking two slots of the same item at once holds one.
    slots = actions.do_create_slots(
        windows[1],
        day=dt.date(2026, 12, 4),
        starts=dt.time(9, 0),
        ends=dt.time(10, 0),
        minutes=30,
        capacity=3,
        by=supervisor,
    )
    person = User.objects.get(pk=citizen.pk)
    outcomes = at_once(
        [lambda s=s: actions.do_book(Slot.objects.get(pk=s.pk), hall_items[0], by=person) for s in slots]
    )
    assert sum(isinstance(o, Appointment) for o in outcomes) == 1
    assert Appointment.objects.filter(holder=citizen).count() == 1
    assert sum(Slot.objects.filter(day=dt.date(2026, 12, 4)).values_list("booked", flat=True)) == 1
