"""Every act of project service and the green channel, tried by every role on objects in
several states: the page shows an enabled button exactly when the act succeeds, and a
disabled button's reason is the 403's message (``dgov/secretaries/rules.py``)."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from dgov.applications import actions as application_actions
from dgov.applications.models import Channel
from dgov.documents.tests import files
from dgov.lib import clock as the_clock
from dgov.lib.testing import walk_pages
from dgov.secretaries import actions
from dgov.secretaries.models import Contact, EnterpriseIssue, Level

pytestmark = pytest.mark.django_db
PDF = files.pdf()  # a whole PDF: the upload check parses it (issue 19 §2)


@pytest.fixture
def people(every_role, secretary, leader, officer, land_staff, planning_staff, departments):
    """Every role in the issue's department (ZRZY), every role in the investment bureau
    (TCJ) beside the project's own secretary, and the project's people."""
    return [
        *every_role("ZRZY").values(),
        *every_role("TCJ").values(),
        secretary,
        leader,
        officer,
        land_staff,
        planning_staff,
    ]


def project_verbs(project, secretary, departments, every_role_leader):
    base = f"/secretaries/projects/{project.pk}/"
    today = the_clock.today()
    contact = Contact.objects.filter(project=project, counted_at__isnull=True).first()
    return {
        "assign": (
            base + "assign/",
            {"assign-secretary": secretary.pk, "assign-leader": every_role_leader.pk, "assign-reason": "分工调整"},
        ),
        "contact": (
            base + "contact/",
            {
                "contact-on": (today - dt.timedelta(days=1)).isoformat(),
                "contact-method": "phone",
                "contact-people": "刘总",
                "contact-discussion": "二期进度",
            },
        ),
        "schedule": (
            base + "schedule/",
            {"schedule-kind": "meeting", "schedule-planned_on": (today + dt.timedelta(days=2)).isoformat()},
        ),
        "issue": (
            base + "issue/",
            {"issue-kind": "land", "issue-title": "用地指标", "issue-department": departments["ZRZY"].pk},
        ),
        "evidence": (
            f"/secretaries/contacts/{contact.pk}/evidence/",
            lambda: {"evidence-evidence": SimpleUploadedFile("photo.pdf", PDF, content_type="application/pdf")},
        ),
    }


def test_on_a_key_project_only_its_secretary_serves_and_only_assigners_assign(
    client, assigned, project, secretary, people, departments
):
    actions.do_log_contact(
        project, by=secretary, on=the_clock.today(), method="phone", people="刘总", discussion="沟通"
    )
    new_leader = next(p for p in people if p.username == "district_leader-tcj")
    verbs = project_verbs(project, secretary, departments, new_leader)
    problems: list[str] = []
    seen: list[tuple[str, str, str]] = []
    for person in people:
        problems += walk_pages(client, person, f"/secretaries/projects/{project.pk}/", verbs, seen=seen)
    assert problems == []
    enabled = {(who, verb) for who, verb, button in seen if button == "enabled"}
    assert {(secretary.username, v) for v in ("contact", "schedule", "issue", "evidence")} <= enabled
    assert ("officer", "assign") in enabled and ("administrator-tcj", "assign") in enabled


def issue_verbs(issue: EnterpriseIssue, departments) -> dict:
    base = f"/secretaries/issues/{issue.pk}/"
    target = issue.next_level or Level.DISTRICT_LEADER
    return {
        "resolve": (base + "resolve/", {"resolve-resolution": "已协调解决"}),
        "decline": (base + "decline/", {"decline-reason": "超出本部门职权"}),
        "escalate": (
            base + "escalate/",
            {"escalate-to_level": target, "escalate-department": departments["FGJ"].pk, "escalate-reason": "上报"},
        ),
    }


def test_up_the_ladder_the_issue_page_and_its_acts_agree(
    clock, assigned, project, secretary, leader, officer, land_staff, people, departments
):
    client = Client()
    issue = actions.do_raise_issue(project, by=secretary, kind="land", title="用地", department=departments["ZRZY"])

    seen: dict[str, set[tuple[str, str, str]]] = {}

    # Every role on the fresh issue; then the people of the ladder through its states.
    ladder = [secretary, leader, officer, land_staff, *(p for p in people if p.username == "unit_head-tcj")]

    def check(state: str, who: list) -> list[str]:
        found = EnterpriseIssue.objects.get(pk=issue.pk)
        met: list[tuple[str, str, str]] = []
        problems = [
            f"{state}: {p}"
            for person in who
            for p in walk_pages(
                client, person, f"/secretaries/issues/{found.pk}/", issue_verbs(found, departments), seen=met
            )
        ]
        seen[state] = set(met)
        return problems

    problems = check("fresh", people)  # the department can still act: escalation is a disabled button
    clock.set(issue.deadline.due_date + dt.timedelta(days=1))
    problems += check("time ran out", ladder)
    clock.set(None)
    actions.do_decline_issue(issue, by=land_staff, reason="需发改牵头")
    problems += check("declined", ladder)
    issue.refresh_from_db()
    actions.do_escalate(issue, by=secretary, to_level=Level.LEAD_DEPARTMENT, department=departments["FGJ"], reason="x")
    issue.refresh_from_db()
    actions.do_escalate(
        issue, by=secretary, to_level=Level.JOINT_MEETING, reason="x", today=issue.deadline.due_date + dt.timedelta(1)
    )
    issue.refresh_from_db()
    actions.do_decline_issue(issue, by=officer, reason="联席会议无法决定")
    issue.refresh_from_db()
    actions.do_escalate(issue, by=leader, to_level=Level.DISTRICT_LEADER, reason="提请区领导")
    problems += check("at the top", ladder)  # nobody declines: the district leader answers
    actions.do_resolve_issue(EnterpriseIssue.objects.get(pk=issue.pk), by=leader, resolution="现场办公解决")
    problems += check("resolved", ladder)
    assert problems == []
    assert {("land", "resolve", "enabled"), ("secretary", "escalate", "disabled")} <= seen["fresh"]
    assert {("secretary", "escalate", "enabled"), ("leader", "escalate", "enabled")} <= seen["time ran out"]
    assert ("leader", "decline", "disabled") in seen["at the top"]
    assert all(button == "none" for _who, _verb, button in seen["resolved"])


def test_the_green_channel_lead_official_is_changed_by_whoever_manages_the_channel(
    item, enterprise_applicant, clerk, project, leader, every_role
):
    application, _ = application_actions.do_submit(
        item=item, applicant=enterprise_applicant, by=clerk, channel=Channel.WINDOW, idempotency_key="g1"
    )
    application_actions.do_accept(application, by=clerk)
    people = list(every_role("ZWFW").values())
    supervisor = next(p for p in people if p.username == "centre_supervisor-zwfw")
    case = actions.do_enter_green_channel(
        application, project=project, lead_official=leader, reason="重大项目领办", by=supervisor
    )
    verbs = {"lead": (f"/secretaries/green/{case.pk}/lead/", {"lead-lead_official": clerk.pk, "lead-reason": "轮岗"})}
    client = Client()
    problems = []
    for person in (*people, leader):
        problems += walk_pages(client, person, f"/secretaries/green/{case.pk}/", verbs)
    assert problems == []


def test_the_enterprise_answers_through_its_links_and_staff_never_do(
    assigned, project, secretary, land_staff, enterprise_user, citizen, departments
):
    issue = actions.do_raise_issue(project, by=secretary, kind="land", title="用地", department=departments["ZRZY"])
    contact = actions.do_log_contact(
        project, by=secretary, on=the_clock.today(), method="phone", people="刘总", discussion="沟通"
    )
    rate_url = f"/secretaries/rate/{actions.rating_token(issue)}/"
    confirm_url = f"/secretaries/confirm/{actions.confirmation_token(contact)}/"
    client = Client()

    def answered(response) -> bool:
        return response.status_code == 200 and b"msg-success" in response.content

    problems: list[str] = []
    seen: list[tuple[str, str, str]] = []
    for state in ("open", "resolved", "rated"):
        if state == "resolved":
            actions.do_resolve_issue(issue, by=land_staff, resolution="已解决")
        if state == "rated":
            actions.do_rate_issue(EnterpriseIssue.objects.get(pk=issue.pk), rating=5)
        for person in (enterprise_user, citizen, secretary, land_staff):
            verbs = {"rate": (rate_url, {"rating": 4})}
            problems += walk_pages(client, person, rate_url, verbs, success=answered, seen=seen)
    for person in (enterprise_user, citizen, secretary):
        verbs = {"confirm": (confirm_url, {"name": "刘总"})}
        problems += walk_pages(client, person, confirm_url, verbs, success=answered, seen=seen)
    assert problems == []
    assert {("enterprise", "rate", "disabled"), ("enterprise", "rate", "enabled")} <= set(seen)
    assert ("secretary", "confirm", "none") in seen and ("enterprise", "confirm", "enabled") in seen
