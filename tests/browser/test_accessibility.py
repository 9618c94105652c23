# ruff: noqa: F811 (fixtures imported from the applications app's conftest)
"""axe-core on every public page and each role's home, 0 serious or critical findings;
staff queues read as cards on a phone (issue 13, item 4).

Cheap by design: one browser context and one page for the whole walk; each person's
session is a cookie made in the test (no log-in form per role).
"""

import time

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from dgov.accounts.roles import Role
from dgov.applications import actions
from dgov.applications.models import Channel
from dgov.applications.tests.conftest import citizen_applicant, item  # noqa: F401 (fixtures)
from tests.browser.axe import serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}

PUBLIC = [
    "/",
    "/services/",
    "/services/search/?q=kfd",
    "/services/search/?q=zzzz",
    "/accounts/login/",
    "/accounts/login/code/",
    "/accounts/signup/",
    "/accounts/signup/enterprise/",
    "/accounts/password/forgot/",
    "/applications/lookup/",
    "/certificates/verify/",
    "/policies/",
    "/policies/grants/",
    "/evaluation/",
    "/evaluation/served/",
    "/evaluation/column/",
    "/evaluation/talk-counts/",
    "/ratings/public/",
    "/open-data/",
    "/hall/",
]


def session_cookie(live_server, user) -> dict:
    client = Client()
    client.force_login(user)
    return {
        "name": settings.SESSION_COOKIE_NAME,
        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
        "url": live_server.url,
    }


def test_axe_finds_nothing_serious_on_public_pages_and_role_homes(
    browser,
    live_server,
    make_staff,
    item,
    citizen,
    enterprise_user,  # noqa: F811
):
    people = [make_staff(role.value, f"axe_{role.value}", department="SCJG") for role in Role]
    department = item.current_version.department
    context = browser.new_context(base_url=live_server.url, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    found: list[str] = []
    started = time.monotonic()
    for path in [
        *PUBLIC,
        reverse("services:guide", args=[item.code]),
        reverse("services:department", args=[department.pk]),
    ]:
        response = page.goto(path)
        found += serious_violations(page) if response.ok else [f"{path}: {response.status}"]
    for person in [*people, citizen, enterprise_user]:
        context.clear_cookies()
        context.add_cookies([session_cookie(live_server, person)])
        response = page.goto("/home/")
        found += serious_violations(page) if response.ok else [f"{person.username}: {response.status}"]
    # The walk above would pass with axe silently absent: the same check on a control
    # without a name must find it.
    page.evaluate("document.querySelector('main').insertAdjacentHTML('beforeend', '<input id=unnamed>')")
    assert any(" label " in line and "unnamed" in line for line in serious_violations(page))
    context.close()
    print(f"axe: {len(PUBLIC) + 2} public pages and {len(people) + 2} homes in {time.monotonic() - started:.1f} s")
    assert found == []


def test_the_clerks_queue_is_a_list_of_cards_on_a_phone(
    browser,
    live_server,
    clerk,
    item,
    citizen,
    citizen_applicant,  # noqa: F811
):
    for key in ("q1", "q2"):
        actions.do_submit(
            item=item, applicant=citizen_applicant, by=citizen, channel=Channel.ONLINE, idempotency_key=key
        )
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport=PHONE)
    context.add_cookies([session_cookie(live_server, clerk)])
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(reverse("applications:queue"))
    rows = page.locator("table.cards tbody tr")
    assert rows.count() == 2
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    # A row is a card: its cells stack, each labelled with its column's heading.
    first = rows.first.locator("td").first
    assert first.evaluate("cell => getComputedStyle(cell).display") == "block"
    assert first.get_attribute("data-label")
    assert serious_violations(page) == []
    context.close()
