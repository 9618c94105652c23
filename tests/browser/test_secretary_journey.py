"""A project secretary's week in the browser: log a contact with the enterprise, raise the
enterprise's issue to a department, and the department resolves it.

Elements are found by ids, names and ``data-*`` attributes, not by translated text."""

import pytest
from django.utils import timezone

from conftest import PASSWORD
from dgov.accounts.models import Department
from dgov.investment.models import Project, Stage
from dgov.secretaries import actions
from dgov.secretaries.models import Contact, EnterpriseIssue, IssueStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def as_user(browser, live_server):
    contexts = []

    def log_in(username: str):
        context = browser.new_context(base_url=live_server.url, locale="zh-CN")
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.goto("/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", PASSWORD)
        with page.expect_navigation():
            page.click("main form button[type=submit]")
        return page

    yield log_in
    for context in contexts:
        context.close()


def submit(page, name: str) -> None:
    with page.expect_navigation():
        page.click(f"[data-submit={name}]")


def test_a_secretary_logs_a_contact_raises_an_issue_and_the_department_resolves_it(
    as_user, browser, district, make_staff
):
    land = Department.objects.create(district=district, code="ZRZY", name="长春市自然资源局宽城分局")
    Department.objects.get_or_create(district=district, code="TCJ", defaults={"name": "宽城区投资促进局"})
    secretary = make_staff("project_secretary", "secretary", department="TCJ")
    leader = make_staff("district_leader", "leader", department=None)
    make_staff("department_approver", "land", department="ZRZY")
    project = Project.objects.create(
        district=district, name="泰盟智慧化工厂", investor="泰盟科技", stage=Stage.SIGNED, is_key=True
    )
    actions.do_assign(project, secretary=secretary, leader=leader, by=leader)

    # The secretary logs this week's visit; it waits for the enterprise's confirmation.
    page = as_user("secretary")
    page.goto("/secretaries/")
    page.click(f"tr[data-project='{project.name}'] a")
    page.fill("input[name=contact-on]", timezone.localdate().isoformat())
    page.select_option("select[name=contact-method]", "visit")
    page.fill("input[name=contact-people]", "泰盟项目经理 刘总")
    page.fill("textarea[name=contact-discussion]", "查看厂房基础施工，商定供电接入方案。")
    page.fill("textarea[name=contact-issues_raised]", "二期用地征收补偿方案未定")
    submit(page, "contact")
    contact = Contact.objects.get()
    row = page.locator(f"tr[data-contact='{contact.pk}']")
    assert row.get_attribute("data-counts") == "no"

    # The enterprise confirms through the link the secretary sends; now it counts.
    link = row.locator("[data-confirm-link]").input_value()
    enterprise = browser.new_context(locale="zh-CN")  # the enterprise needs no login
    confirm_page = enterprise.new_page()
    confirm_page.goto(link)
    confirm_page.fill("input[name=name]", "刘总")
    submit(confirm_page, "confirm")
    assert confirm_page.locator("[data-confirmed]").count() == 1
    enterprise.close()
    page.reload()
    assert page.locator(f"tr[data-contact='{contact.pk}']").get_attribute("data-counts") == "yes"

    # The secretary raises the land issue to the land department.
    page.select_option("select[name=issue-kind]", "land")
    page.fill("input[name=issue-title]", "二期用地征收补偿方案需尽快确定")
    page.select_option("select[name=issue-department]", str(land.pk))
    submit(page, "issue")
    issue = EnterpriseIssue.objects.get()
    assert page.locator(f"[data-issue='{issue.pk}']").get_attribute("data-status") == IssueStatus.OPEN

    # The land department finds it in its list and resolves it.
    department_page = as_user("land")
    department_page.goto("/secretaries/issues/")
    department_page.click(f"tr[data-issue='{issue.pk}'] a")
    department_page.fill("textarea[name=resolve-resolution]", "已确定补偿方案并完成公示。")
    submit(department_page, "resolve")
    assert department_page.locator("h1 [data-status]").get_attribute("data-status") == IssueStatus.RESOLVED

    page.reload()
    assert page.locator(f"[data-issue='{issue.pk}']").get_attribute("data-status") == IssueStatus.RESOLVED
