"""Enterprise issues (困难诉求) on the ladder: department → lead department → joint meeting
→ district leader, one rung at a time, only when the rung below declines or runs out."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from dgov.audit.models import AuditEntry
from dgov.lib import clock
from dgov.secretaries import actions
from dgov.secretaries.models import EnterpriseIssue, IssueStatus, IssueStep, Level
from dgov.workdays.calendar import add_working_days

pytestmark = pytest.mark.django_db

TODAY = clock.today()


@pytest.fixture
def issue(assigned, project, secretary, departments):
    return actions.do_raise_issue(
        project, by=secretary, kind="land", title="二期用地征收补偿", department=departments["ZRZY"]
    )


def test_an_issue_goes_to_its_department_with_a_deadline_in_working_days(issue):
    assert issue.level == Level.DEPARTMENT
    assert issue.deadline.due_date == add_working_days(TODAY, 5).date
    assert AuditEntry.objects.filter(verb="secretaries.issue.raise", object_id=str(issue.pk)).exists()


def test_a_skipped_level_is_refused(issue, secretary, land_staff):
    actions.do_decline_issue(issue, by=land_staff, reason="超出本部门职权")
    issue.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        actions.do_escalate(issue, by=secretary, to_level=Level.JOINT_MEETING, reason="跳级")
    assert refused.value.code == "skipped"
    issue.refresh_from_db()
    assert issue.level == Level.DEPARTMENT


def test_escalation_waits_while_the_department_can_still_act(issue, secretary, departments):
    with pytest.raises(PermissionDenied, match="The present level can still act until"):
        actions.do_escalate(
            issue, by=secretary, to_level=Level.LEAD_DEPARTMENT, department=departments["FGJ"], reason="着急"
        )


def test_a_declined_issue_climbs_to_the_lead_department_and_the_trail_shows_both_rungs(
    issue, secretary, land_staff, planning_staff, departments
):
    actions.do_decline_issue(issue, by=land_staff, reason="需发改牵头")
    issue.refresh_from_db()
    actions.do_escalate(
        issue, by=secretary, to_level=Level.LEAD_DEPARTMENT, department=departments["FGJ"], reason="部门无法解决"
    )
    issue.refresh_from_db()
    assert (issue.level, issue.status, issue.department.code) == (Level.LEAD_DEPARTMENT, IssueStatus.OPEN, "FGJ")
    steps = list(issue.steps.values_list("level", "outcome"))
    assert steps == [(Level.DEPARTMENT, IssueStep.Outcome.DECLINED), (Level.LEAD_DEPARTMENT, IssueStep.Outcome.PENDING)]
    # The land department no longer answers; the lead department does.
    with pytest.raises(PermissionDenied):
        actions.do_resolve_issue(issue, by=land_staff, resolution="x")
    actions.do_resolve_issue(issue, by=planning_staff, resolution="发改牵头协调完成")
    issue.refresh_from_db()
    assert issue.status == IssueStatus.RESOLVED and issue.resolved_on_time


def test_time_running_out_opens_the_next_rung_and_the_ladder_ends_with_the_district_leader(
    issue, secretary, leader, officer, departments
):
    late = issue.deadline.due_date + dt.timedelta(days=1)
    actions.do_escalate(
        issue, by=secretary, to_level=Level.LEAD_DEPARTMENT, department=departments["FGJ"], reason="逾期", today=late
    )
    issue.refresh_from_db()
    assert issue.steps.first().outcome == IssueStep.Outcome.EXPIRED
    later = issue.deadline.due_date + dt.timedelta(days=1)
    actions.do_escalate(issue, by=secretary, to_level=Level.JOINT_MEETING, reason="逾期", today=later)
    issue.refresh_from_db()
    assert issue.department is None
    actions.do_decline_issue(issue, by=officer, reason="联席会议无法决定")  # the joint meeting's chair
    issue.refresh_from_db()
    actions.do_escalate(issue, by=leader, to_level=Level.DISTRICT_LEADER, reason="提请区领导")
    issue.refresh_from_db()
    with pytest.raises(PermissionDenied, match="top of the ladder"):
        actions.do_decline_issue(issue, by=leader, reason="不")
    actions.do_resolve_issue(issue, by=leader, resolution="区长现场办公解决", today=late)
    issue.refresh_from_db()
    assert issue.level == Level.DISTRICT_LEADER and issue.status == IssueStatus.RESOLVED
    assert AuditEntry.objects.filter(verb="secretaries.issue.escalate", object_id=str(issue.pk)).count() == 3


def test_a_resolution_after_the_deadline_is_marked_late(issue, land_staff):
    actions.do_resolve_issue(
        issue, by=land_staff, resolution="已解决", today=issue.deadline.due_date + dt.timedelta(days=1)
    )
    issue.refresh_from_db()
    assert issue.resolved_on_time is False


def test_the_enterprise_rates_a_resolved_issue_once_through_its_link(client, issue, land_staff):
    url = reverse("secretaries:rate", args=[actions.rating_token(issue)])
    assert client.post(url, {"rating": 5}).status_code == 403
    issue.refresh_from_db()
    assert issue.rating is None  # not resolved yet: nothing to rate
    actions.do_resolve_issue(issue, by=land_staff, resolution="已解决")
    assert client.post(url, {"rating": 9}).status_code == 400
    assert client.post(url, {"rating": 4, "comment": "很及时"}).status_code == 200
    assert client.post(url, {"rating": 1}).status_code == 409
    issue.refresh_from_db()
    assert (issue.rating, issue.rating_comment) == (4, "很及时")


def test_staff_of_another_department_cannot_resolve_through_the_page(client, issue, make_staff, land_staff):
    outsider = make_staff("department_approver", "market", department="SCJG")
    client.force_login(outsider)
    url = reverse("secretaries:issue_act", args=[issue.pk, "resolve"])
    assert client.post(url, {"resolve-resolution": "x"}).status_code == 404  # not even visible
    client.force_login(land_staff)
    assert client.get(reverse("secretaries:issues")).status_code == 200
    assert client.post(url, {"resolve-resolution": ""}).status_code == 400
    assert client.post(url, {"resolve-resolution": "已办结"}).status_code == 302
    assert EnterpriseIssue.objects.get().status == IssueStatus.RESOLVED
    assert client.post(url, {"resolve-resolution": "again"}).status_code in (403, 409)


def test_a_skipped_level_through_the_page_is_a_400(client, issue, secretary, land_staff):
    actions.do_decline_issue(issue, by=land_staff, reason="无法解决")
    client.force_login(secretary)
    response = client.post(
        reverse("secretaries:issue_act", args=[issue.pk, "escalate"]),
        {"escalate-to_level": Level.DISTRICT_LEADER, "escalate-reason": "直接找区长"},
    )
    assert response.status_code == 400
    assert EnterpriseIssue.objects.get().level == Level.DEPARTMENT


def test_staff_cannot_rate_an_issue_through_the_enterprises_link(client, issue, secretary, land_staff):
    actions.do_resolve_issue(issue, by=land_staff, resolution="已解决")
    url = reverse("secretaries:rate", args=[actions.rating_token(issue)])
    for person in (secretary, land_staff):
        client.force_login(person)
        assert client.post(url, {"rating": 5}).status_code == 403
    issue.refresh_from_db()
    assert issue.rating is None
    client.logout()
    assert client.post(url, {"rating": 4}).status_code == 200


def test_an_issues_due_dates_show_how_they_are_counted_on_every_page(client, issue, secretary, project):
    client.force_login(secretary)
    pages = [
        reverse("secretaries:issue", args=[issue.pk]),
        reverse("secretaries:issues"),
        reverse("secretaries:project", args=[project.pk]),
    ]
    for url in pages:
        page = client.get(url).content.decode()
        assert "data-derivation" in page and "Civil Code Art. 201" in page, url


def test_the_issue_and_project_pages_name_every_control_once(client, issue, secretary, land_staff, leader, project):
    # Several forms on one page (raise, contact, assign, resolve, escalate …) each render
    # their own ids, and every input has a label (issue 13, item 4).
    from dgov.lib.pagecheck import problems

    for person in (secretary, land_staff, leader):
        client.force_login(person)
        for url in (reverse("secretaries:issue", args=[issue.pk]), reverse("secretaries:project", args=[project.pk])):
            response = client.get(url)
            if response.status_code == 200:
                assert problems(response.content.decode()) == [], (person, url)
