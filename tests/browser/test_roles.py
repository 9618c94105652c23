import pytest
from django.utils import translation

from conftest import PASSWORD
from dgov.accounts.roles import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, username):
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()


def test_every_role_logs_in_and_sees_its_own_home(page, make_staff):
    for role in Role:
        make_staff(role.value, f"u_{role.value}", department="SCJG")
    for role in Role:
        log_in(page, f"u_{role.value}")
        heading = page.locator("h1[data-role]")
        assert heading.get_attribute("data-role") == role.value
        with translation.override("zh-hans"):
            assert heading.inner_text() == str(role.label)
        page.get_by_role("button", name="退出").click()
        page.wait_for_url("**/")


def test_a_clerk_reveals_a_masked_number_with_a_reason(page, clerk, citizen):
    log_in(page, "clerk")
    page.goto("/accounts/staff/applicants/")
    row = page.locator("tr", has_text="李华")
    assert "110105********002X" in row.inner_text()
    row.get_by_placeholder("理由（将被记录）").fill("核对身份证原件")
    row.get_by_role("button", name="显示").click()
    assert page.locator("[data-revealed]").inner_text() == "11010519491231002X"


def test_the_portal_is_usable_on_a_phone(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 375, "height": 740}, locale="zh-CN")
    page = context.new_page()
    page.goto("/")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375
    with page.expect_navigation():
        page.get_by_label("语言").select_option("en")
    assert page.locator("html").get_attribute("lang") == "en"
    context.close()
