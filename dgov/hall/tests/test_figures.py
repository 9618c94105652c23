"""Waiting and service times per item, window and hour; the one-trip figure from tickets."""

import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from dgov.accounts.models import Applicant
from dgov.applications.actions import do_check_in, do_submit
from dgov.applications.models import Channel
from dgov.hall import actions, reports

pytestmark = pytest.mark.django_db


def serve(hall_item, clerk, clock, start, wait, service):
    """A ticket taken at ``start``, called ``wait`` minutes later, served for ``service``."""
    clock.set(start)
    actions.do_take_ticket(hall_item, source="kiosk")
    clock.set(start + dt.timedelta(minutes=wait))
    ticket = actions.do_call_next(by=clerk)
    actions.do_start(ticket, by=clerk)
    clock.set(start + dt.timedelta(minutes=wait + service))
    actions.do_finish(ticket, by=clerk)
    return ticket


@pytest.fixture
def served(hall_items, clerk_at, morning, clock):
    a, b = hall_items
    serve(a, clerk_at(0), clock, morning, 4, 10)  # 10:00
    serve(a, clerk_at(1), clock, morning + dt.timedelta(hours=1), 8, 20)  # 11:00
    serve(b, clerk_at(1), clock, morning + dt.timedelta(hours=1, minutes=40), 2, 6)  # 11:40
    return morning.date()


def test_figures_per_item_window_and_hour(served, hall_items, windows):
    day = served
    by_item = {r.key: r for r in reports.figures(hall_items[0].district_id, day, day, "item")}
    a = by_item[hall_items[0].pk]
    assert (a.tickets, a.served, a.mean_wait_minutes, a.longest_wait_minutes, a.mean_service_minutes) == (
        2,
        2,
        6.0,
        8.0,
        15.0,
    )
    by_window = {r.key: r for r in reports.figures(hall_items[0].district_id, day, day, "window")}
    assert by_window[windows[1].pk].tickets == 2 and by_window[windows[1].pk].mean_service_minutes == 13.0
    by_hour = {r.key: r for r in reports.figures(hall_items[0].district_id, day, day, "hour")}
    assert by_hour[10].tickets == 1 and by_hour[11].tickets == 2 and by_hour[11].label == "11:00–11:59"


def test_the_estimate_uses_the_items_mean_service_time_once_there_is_one(served, hall_items, clock):
    clock.set(dt.datetime(2026, 12, 2, 14, 0))
    tickets = [actions.do_take_ticket(hall_items[0], source="kiosk") for _ in range(3)]
    # 2 ahead × 15 minutes ÷ 2 windows
    assert actions.position(tickets[-1]).minutes == 15


def test_one_trip_from_tickets(hall_items, clerk_at, citizen, items, morning, clock):
    applicant = Applicant.objects.get(user=citizen)
    clerk = clerk_at(0)
    applications = [
        do_submit(item=items[0], applicant=applicant, by=citizen, channel=Channel.ONLINE, idempotency_key=f"k{n}")[0]
        for n in range(2)
    ]
    for application in applications:
        actions.do_take_ticket(hall_items[0], source="kiosk")
        ticket = actions.do_call_next(by=clerk)
        actions.do_link_application(ticket, application, by=clerk)
        actions.do_finish(ticket, by=clerk)
    do_check_in(applications[1], by=clerk, window=clerk.window)  # a second trip: over its promise of one
    figure = reports.one_trip(hall_items[0].district_id, morning.date(), morning.date())
    assert (figure.applications, figure.within_promise, figure.percent) == (2, 1, 50)


def test_the_figures_page_exports_and_pins_its_queries(client, served, supervisor, hall_items, clerk_at, clock):
    client.force_login(supervisor)
    url = reverse("hall:figures")
    params = {"start": "2026-12-01", "end": "2026-12-02", "by": "item"}
    page = client.get(url, params).content.decode()
    assert 'data-figures="item"' in page and page.count("data-row=") == 2
    with CaptureQueriesContext(connection) as few:
        client.get(url, params)
    serve(hall_items[1], clerk_at(1), clock, dt.datetime(2026, 12, 2, 11, 50), 1, 1)
    client.get(url, params)  # the session notes the moved clock once
    with CaptureQueriesContext(connection) as more:
        client.get(url, params)
    assert len(more) == len(few)
    response = client.get(url, {**params, "format": "xlsx"})
    rows = list(load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.iter_rows(values_only=True))
    assert len(rows) == 3


def test_the_figures_page_refuses_a_reversed_period(client, supervisor):
    client.force_login(supervisor)
    response = client.get(reverse("hall:figures"), {"start": "2026-12-05", "end": "2026-12-01"})
    assert response.status_code == 400 and "start comes before the end" in response.content.decode()


def test_the_api_gives_the_queue_and_the_figures_to_those_who_may_see_them(client, served, supervisor):
    from dgov.api.actions import do_create_api_token

    _token, secret = do_create_api_token(supervisor, "cockpit")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    queue = client.get("/api/v1/hall/queue", **auth)
    assert queue.status_code == 200 and {row["prefix"] for row in queue.json()} == {"A", "B"}
    figures = client.get("/api/v1/hall/figures", {"start": "2026-12-02", "end": "2026-12-02", "by": "hour"}, **auth)
    assert figures.status_code == 200 and [row["key"] for row in figures.json()] == [10, 11]
    reversed_period = client.get("/api/v1/hall/figures", {"start": "2026-12-03", "end": "2026-12-02"}, **auth)
    assert reversed_period.status_code == 400
