"""Tickets and calling: the order, one ticket per window, the visit counted from the link,
no-shows skipped, and the kiosk's bad input."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from dgov.applications.actions import do_submit
from dgov.applications.models import Application, Channel, Visit
from dgov.audit.models import AuditEntry
from dgov.hall import actions
from dgov.hall.models import Priority, Source, Ticket, TicketStatus
from dgov.lib.conflicts import Conflict

pytestmark = pytest.mark.django_db

ELDERLY_ID = "11010519491231002X"  # born 1949: 76 in 2026


def take(hall_item, **kwargs):
    return actions.do_take_ticket(hall_item, source=kwargs.pop("source", Source.KIOSK), **kwargs)


def test_tickets_are_numbered_per_item_and_day(hall_items, morning, clock):
    a, b = hall_items
    codes = [take(a).code, take(a).code, take(b).code]
    assert codes == ["A001", "A002", "B001"]
    clock.set(morning + dt.timedelta(days=1))
    assert take(a).code == "A001"


def test_priority_tickets_are_called_first_then_in_turn(hall_items, clerk_at, morning, clock):
    a, _b = hall_items
    first = take(a)
    clock.set(morning + dt.timedelta(minutes=1))
    second = take(a)
    clock.set(morning + dt.timedelta(minutes=2))
    elderly = take(a, priority=Priority.ELDERLY)
    clerk = clerk_at(0)
    order = []
    for _ in range(3):
        ticket = actions.do_call_next(by=clerk)
        order.append(ticket.code)
        actions.do_start(ticket, by=clerk)
        actions.do_finish(ticket, by=clerk)
    assert order == [elderly.code, first.code, second.code]
    assert actions.do_call_next(by=clerk) is None


def test_a_clerk_calls_only_the_items_of_their_window(hall_items, clerk_at, morning):
    _a, b = hall_items
    take(b)
    assert actions.do_call_next(by=clerk_at(0)) is None  # window 01 does not serve B
    assert actions.do_call_next(by=clerk_at(1)).code == "B001"


def test_one_ticket_at_a_window_at_a_time(hall_items, clerk_at, morning):
    a, _b = hall_items
    take(a)
    take(a)
    clerk = clerk_at(0)
    called = actions.do_call_next(by=clerk)
    with pytest.raises(PermissionDenied, match="A001"):
        actions.do_call_next(by=clerk)
    assert Ticket.objects.get(pk=called.pk).status == TicketStatus.CALLED
    assert Ticket.objects.filter(status=TicketStatus.WAITING).count() == 1


def test_waiting_and_service_seconds_are_written_as_the_ticket_moves(hall_items, clerk_at, morning, clock):
    take(hall_items[0])
    clerk = clerk_at(0)
    clock.set(morning + dt.timedelta(minutes=7))
    ticket = actions.do_call_next(by=clerk)
    clock.set(morning + dt.timedelta(minutes=8))
    actions.do_start(ticket, by=clerk)
    clock.set(morning + dt.timedelta(minutes=20))
    actions.do_finish(ticket, by=clerk)
    ticket.refresh_from_db()
    assert (ticket.wait_seconds, ticket.service_seconds, ticket.status) == (420, 720, TicketStatus.DONE)
    assert list(
        AuditEntry.objects.filter(object_id=str(ticket.pk), verb__startswith="hall.ticket")
        .values_list("verb", flat=True)
        .order_by("pk")
    ) == [
        "hall.ticket.take",
        "hall.ticket.call",
        "hall.ticket.start",
        "hall.ticket.finish",
    ]


def test_position_and_estimated_wait(hall_items, morning):
    a, _b = hall_items
    tickets = [take(a) for _ in range(4)]
    last = actions.position(tickets[-1])
    # 3 ahead × 10 minutes (no history yet) ÷ 2 windows serving A
    assert (last.ahead, last.minutes) == (3, 15)
    assert actions.position(tickets[0]).ahead == 0


def test_a_no_show_is_skipped_after_the_set_time_and_not_before(hall_items, clerk_at, morning, clock, settings):
    settings.HALL_NO_SHOW_MINUTES = 5
    ticket = take(hall_items[0])
    clerk = clerk_at(0)
    actions.do_call_next(by=clerk)
    ticket.refresh_from_db()
    clock.set(morning + dt.timedelta(minutes=3))
    with pytest.raises(PermissionDenied, match="10:05"):
        actions.do_skip(ticket, by=clerk)
    assert actions.skip_no_shows(clock.now()) == 0
    actions.do_recall(ticket, by=clerk)  # called again at 10:03: five more minutes
    ticket.refresh_from_db()
    assert ticket.calls == 2
    clock.set(morning + dt.timedelta(minutes=7))
    assert actions.skip_no_shows(clock.now()) == 0
    clock.set(morning + dt.timedelta(minutes=9))
    assert actions.skip_no_shows(clock.now()) == 1
    assert Ticket.objects.get(pk=ticket.pk).status == TicketStatus.NO_SHOW
    assert actions.skip_no_shows(clock.now()) == 0
    # The window is free again.
    take(hall_items[0])
    assert actions.do_call_next(by=clerk) is not None


def test_yesterdays_waiting_tickets_are_closed_and_not_called_today(hall_items, clerk_at, morning, clock):
    old = take(hall_items[0])
    clock.set(morning + dt.timedelta(days=1))
    assert actions.do_call_next(by=clerk_at(0)) is None
    assert actions.skip_no_shows(clock.now()) == 1
    assert Ticket.objects.get(pk=old.pk).status == TicketStatus.CANCELLED


def test_a_person_holds_one_open_ticket_per_item(hall_items, citizen, morning):
    take(hall_items[0], holder=citizen, source=Source.PHONE)
    with pytest.raises(Conflict, match="A001"):
        take(hall_items[0], holder=citizen, source=Source.PHONE)
    assert take(hall_items[1], holder=citizen, source=Source.PHONE).code == "B001"


# The link to the case -------------------------------------------------------------------------------


@pytest.fixture
def application(items, citizen, clerk_at, district):
    from dgov.accounts.models import Applicant

    application, _created = do_submit(
        item=items[0],
        applicant=Applicant.objects.get(user=citizen),
        by=citizen,
        channel=Channel.ONLINE,
        idempotency_key="hall-1",
    )
    return application


def test_linking_the_case_counts_one_visit_from_the_ticket(hall_items, clerk_at, application, morning):
    ticket = take(hall_items[0])
    clerk = clerk_at(0)
    actions.do_call_next(by=clerk)
    ticket.refresh_from_db()
    visit = actions.do_link_application(ticket, application, by=clerk)
    ticket.refresh_from_db()
    application.refresh_from_db()
    assert ticket.application == application and ticket.visit == visit
    assert ticket.status == TicketStatus.SERVING and ticket.served_at is not None
    assert application.visits == 1 and visit.window == clerk.window
    with pytest.raises(PermissionDenied, match="already linked"):
        actions.do_link_application(ticket, application, by=clerk)
    assert Visit.objects.filter(application=application).count() == 1


def test_a_visit_recorded_at_the_window_for_the_same_trip_is_not_counted_twice(
    hall_items, clerk_at, application, morning
):
    from dgov.applications.actions import do_check_in

    ticket = take(hall_items[0])
    clerk = clerk_at(0)
    actions.do_call_next(by=clerk)
    ticket.refresh_from_db()
    already = do_check_in(application, by=clerk, window=clerk.window)
    assert actions.do_link_application(ticket, application, by=clerk) == already
    application.refresh_from_db()
    assert application.visits == 1


def test_another_districts_application_is_not_linked(hall_items, clerk_at, application, morning, other_district):
    Application.objects.filter(pk=application.pk).update(district=other_district)
    application.refresh_from_db()
    ticket = take(hall_items[0])
    clerk = clerk_at(0)
    actions.do_call_next(by=clerk)
    ticket.refresh_from_db()
    with pytest.raises(ValidationError):
        actions.do_link_application(ticket, application, by=clerk)
    ticket.refresh_from_db()
    assert ticket.application is None and not Visit.objects.exists()


# Pages ------------------------------------------------------------------------------------------------


def test_the_kiosk_gives_a_ticket_with_the_people_ahead(client, hall_items, morning):
    take(hall_items[0])
    response = client.post(reverse("hall:kiosk"), {"item": hall_items[0].pk})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert 'data-ticket="A002"' in page and 'data-ahead="1"' in page
    assert Ticket.objects.get(code="A002").source == Source.KIOSK


def test_the_kiosk_refuses_an_item_the_hall_does_not_serve(client, hall_items, morning):
    from dgov.hall.models import HallItem

    HallItem.objects.filter(pk=hall_items[1].pk).update(active=False)
    for value in (hall_items[1].pk, 999999, "x"):
        response = client.post(reverse("hall:kiosk"), {"item": value})
        assert response.status_code == 400
        assert "The hall does not take tickets for this item." in response.content.decode()
    assert not Ticket.objects.exists()


def test_the_kiosk_reads_the_age_from_the_id_number_and_keeps_only_the_priority(client, hall_items, morning):
    response = client.post(reverse("hall:kiosk"), {"item": hall_items[0].pk, "id_number": ELDERLY_ID})
    assert response.status_code == 302
    ticket = Ticket.objects.get()
    assert ticket.priority == Priority.ELDERLY
    assert ELDERLY_ID not in str(list(AuditEntry.objects.values_list("changes", flat=True)))
    bad = client.post(reverse("hall:kiosk"), {"item": hall_items[0].pk, "id_number": ELDERLY_ID[:-1] + "1"})
    assert bad.status_code == 400 and "check character" in bad.content.decode()
    assert Ticket.objects.count() == 1


def test_a_green_channel_number_must_be_an_open_green_case(client, hall_items, morning):
    response = client.post(reverse("hall:kiosk"), {"item": hall_items[0].pk, "green_number": "220103-X"})
    assert response.status_code == 400 and "green channel" in response.content.decode()
    assert not Ticket.objects.exists()


def test_on_the_phone_the_ticket_is_the_persons_and_a_second_is_refused_with_409(client, hall_items, citizen, morning):
    client.force_login(citizen)
    assert client.post(reverse("hall:kiosk"), {"item": hall_items[0].pk}).status_code == 302
    again = client.post(reverse("hall:kiosk"), {"item": hall_items[0].pk})
    assert again.status_code == 409 and "A001" in again.content.decode()
    assert Ticket.objects.get().holder == citizen


def test_the_clerks_window_page_calls_and_shows_reasons_for_refused_buttons(client, hall_items, clerk_at, morning):
    take(hall_items[0])
    clerk = clerk_at(0)
    client.force_login(clerk)
    assert client.post(reverse("hall:call_next")).status_code == 302
    page = client.get(reverse("hall:window")).content.decode()
    assert 'data-ticket="A001"' in page
    assert 'data-reason="call"' in page  # call is refused while A001 is at the window
    assert 'data-reason="skip"' in page  # skipping waits for the set minutes
    assert client.post(reverse("hall:call_next")).status_code == 403


def test_a_clerk_cannot_act_on_a_ticket_at_another_window(client, hall_items, clerk_at, morning):
    ticket = take(hall_items[0])
    actions.do_call_next(by=clerk_at(0))
    client.force_login(clerk_at(1))
    assert client.post(reverse("hall:ticket_act", args=[ticket.pk, "finish"])).status_code == 403
    assert Ticket.objects.get(pk=ticket.pk).status == TicketStatus.CALLED


def test_the_link_form_refuses_an_unknown_number_and_writes_nothing(client, hall_items, clerk_at, morning):
    ticket = take(hall_items[0])
    clerk = clerk_at(0)
    actions.do_call_next(by=clerk)
    client.force_login(clerk)
    response = client.post(reverse("hall:ticket_act", args=[ticket.pk, "link"]), {"number": "NOPE"})
    assert response.status_code == 400 and "NOPE" in response.content.decode()
    assert Ticket.objects.get(pk=ticket.pk).application is None


def test_the_display_shows_the_called_numbers_and_its_board_polls(client, hall_items, clerk_at, morning):
    take(hall_items[0])
    actions.do_call_next(by=clerk_at(0))
    page = client.get(reverse("hall:display")).content.decode()
    assert 'data-latest="A001"' in page and 'hx-trigger="every 3s"' in page
    board = client.get(reverse("hall:display_board")).content.decode()
    assert board.lstrip().startswith('<div id="board"') and 'data-called-code="A001"' in board
    assert "<script" not in board


def test_citizens_and_other_staff_are_kept_from_the_staff_pages(client, hall_items, citizen, approver):
    for user in (citizen, approver):
        client.force_login(user)
        for name in ("hall:window", "hall:setup", "hall:figures"):
            assert client.get(reverse(name)).status_code == 403


def test_the_job_runner_finds_the_no_show_sweep_and_the_shared_data_fetch(db):
    from dgov.lib.jobs import all_jobs

    names = {job.name for job in all_jobs()}
    assert {"hall_no_shows", "fetch_shared_materials"} <= names


def test_the_kiosk_offers_booking_to_applicants_not_to_staff(client, hall_items, morning, citizen, supervisor):
    booking = f'href="{reverse("hall:appointments")}"'
    client.force_login(citizen)
    assert booking in client.get(reverse("hall:kiosk")).content.decode()
    client.force_login(supervisor)
    assert booking not in client.get(reverse("hall:kiosk")).content.decode()
    assert client.get(reverse("hall:appointments")).status_code == 403
