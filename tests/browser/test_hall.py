"""The hall in the browser: a ticket from the kiosk on a phone, and the hall's screen
showing the number once a clerk calls it, updated in place (no reload) under the CSP.

Elements are found by ``data-*`` attributes, not by translated text."""

import pytest

from dgov.hall import actions
from dgov.hall.models import Ticket
from dgov.hall.tests.conftest import publish

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def hall_item(district, administrator, make_staff):
    from dgov.accounts.models import ServiceWindow

    supervisor = make_staff("centre_supervisor", "supervisor", department="ZWFW")
    window = ServiceWindow.objects.get(district=district, number="01")
    item = publish(district, administrator, "KC-SCJG-101", "个体工商户设立登记")
    return actions.do_set_hall_item(item, prefix="A", windows=[window], by=supervisor)


def test_a_kiosk_ticket_is_called_on_the_hall_screen_without_a_reload(as_user, hall_item, make_staff):
    clerk = make_staff("window_clerk", "clerk1", department="ZWFW")
    clerk.window = hall_item.windows.get()
    clerk.save(update_fields=["window"])

    screen = as_user(None)
    refused: list[str] = []
    screen.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
    screen.goto("/hall/display/")
    assert screen.locator("[data-latest]").count() == 0
    screen.evaluate("window.stillTheSamePage = true")

    phone = as_user(None, viewport={"width": 390, "height": 844})
    phone.goto("/hall/")
    with phone.expect_navigation():
        phone.click("[data-item='A']")
    assert phone.locator("[data-ticket]").get_attribute("data-ticket") == "A001"
    assert phone.locator("[data-ahead]").get_attribute("data-ahead") == "0"

    actions.do_call_next(by=clerk)

    screen.wait_for_selector("[data-latest='A001']", timeout=10_000)
    assert screen.evaluate("window.stillTheSamePage") is True
    assert screen.locator("[data-called-code='A001']").count() == 1
    assert refused == []
    phone.reload()
    assert phone.locator("[data-status]").get_attribute("data-status") == "called"
    assert Ticket.objects.get().window == clerk.window
