"""Public evaluation on a phone, moderation by an inspector, and the results chart.

Elements are found by names and ``data-*`` attributes, not by translated text."""

import datetime as dt

import pytest

from conftest import PASSWORD
from dgov.accounts.models import Department
from dgov.campaigns.models import Campaign

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def campaign(district):
    return Campaign.objects.create(
        district=district,
        theme="解放思想推动宽城高质量发展大讨论",
        starts_on=dt.date(2018, 10, 24),
        ends_on=dt.date(2018, 12, 31),
        publication_deadline=dt.date(2018, 11, 15),
    )


def test_a_resident_evaluates_a_unit_on_a_phone_and_the_comment_shows_after_moderation(
    browser, live_server, campaign, make_staff
):
    inspector = make_staff("inspector", "inspector", department=None)
    unit = Department.objects.get(district=campaign.district, code="SCJG")

    phone = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport=PHONE, is_mobile=True)
    page = phone.new_page()
    page.set_default_timeout(10_000)
    page.goto("/evaluation/")
    with page.expect_navigation():
        page.click(f"[data-unit='{unit.code}']")
    # Nothing is wider than the phone's screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    for measure, level in [("rectification", 5), ("attitude", 4), ("efficiency", 4), ("conduct", 5)]:
        page.check(f"input[name=m_{measure}][value='{level}']")
    page.fill("textarea[name=comment]", "整改措施公开透明，办事快了。")
    with page.expect_navigation():
        page.click("[data-evaluate] button[type=submit]")
    assert page.locator("[data-comment]").count() == 0  # awaiting moderation

    staff = browser.new_context(base_url=live_server.url, locale="zh-CN")
    desk = staff.new_page()
    desk.set_default_timeout(10_000)
    desk.goto("/accounts/login/")
    desk.fill("#id_username", inspector.username)
    desk.fill("#id_password", PASSWORD)
    with desk.expect_navigation():
        desk.click("main form button[type=submit]")
    desk.goto("/evaluation/moderation/")
    desk.select_option("[data-pending] select[name=decision]", "approve")
    with desk.expect_navigation():
        desk.click("[data-pending] button[type=submit]")
    assert desk.locator("[data-pending]").count() == 0

    desk.goto("/evaluation/results/")
    desk.wait_for_selector("[data-chart='results-chart'][data-drawn] canvas")
    assert desk.locator("[data-results] tbody tr").count() == 4

    page.reload()
    assert "整改措施公开透明" in page.locator("[data-comments]").inner_text()
    phone.close()
    staff.close()
