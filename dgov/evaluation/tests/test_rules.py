"""Every action of evaluation, talks, the column and research reports, tried by every
role on things in several states: the page shows an enabled button exactly when the
action succeeds, and a disabled button's reason is the 403's message
(``dgov/evaluation/rules.py``)."""

import datetime as dt

import pytest
from django.test import Client

from dgov.accounts.models import Applicant
from dgov.applications import actions as application_actions
from dgov.applications.models import Channel
from dgov.evaluation import actions
from dgov.evaluation.models import Evaluation, Scale
from dgov.lib import clock as the_clock
from dgov.lib.testing import walk_pages

pytestmark = pytest.mark.django_db

PARTS = {
    "title": "用数据跑路",
    "task_goals": "九成",
    "basic_ideas": "一网",
    "key_measures": "托管",
    "guarantees": "绿色",
}
GOOD = {"m_rectification": "5", "m_attitude": "4", "m_efficiency": "4", "m_conduct": "3"}


@pytest.fixture
def people(every_role, head, other_head, inspector, leader, administrator):
    return [*every_role("SCJG").values(), head, other_head, inspector, leader, administrator]


def check(people, page, verbs, **kwargs) -> list[str]:
    client = Client()
    return [p for person in people for p in walk_pages(client, person, page, verbs, **kwargs)]


def test_moderation_invitations_and_surveys_are_for_whoever_holds_the_role(people, campaign, unit, item, citizen):
    Client().post(f"/evaluation/c/{campaign.pk}/unit/{unit.pk}/", {**GOOD, "comment": "好"})
    evaluation = Evaluation.objects.get()
    application, _ = application_actions.do_submit(
        item=item,
        applicant=Applicant.objects.get(user=citizen),
        by=citizen,
        channel=Channel.ONLINE,
        idempotency_key="k",
    )
    today = the_clock.today()
    survey_data = {
        "campaign": campaign.pk,
        "title": "群众满意度测评",
        "opens_on": today.isoformat(),
        "closes_on": (today + dt.timedelta(days=7)).isoformat(),
        "units": [unit.pk],
        "q-TOTAL_FORMS": "1",
        "q-INITIAL_FORMS": "0",
        "q-0-text": "服务态度",
        "q-0-scale": "five",
    }
    seen: list[tuple[str, str, str]] = []
    problems = check(
        people,
        "/evaluation/moderation/",
        {"moderate": (f"/evaluation/moderation/{evaluation.pk}/", {"decision": "approve", "reason": ""})},
        seen=seen,
    )
    problems += check(
        people,
        "/evaluation/invite/",
        {"invite": ("/evaluation/invite/", {"campaign": campaign.pk, "number": application.number})},
        success=lambda r: r.status_code == 200 and b"data-invitation" in r.content,
        seen=seen,
    )
    problems += check(
        people, "/evaluation/surveys/", {"create_survey": ("/evaluation/surveys/", survey_data)}, seen=seen
    )
    assert problems == []
    enabled = {(who, verb) for who, verb, button in seen if button == "enabled"}
    assert {("inspector", "moderate"), ("window_clerk-scjg", "invite"), ("admin", "create_survey")} <= enabled


def test_the_public_evaluates_once_per_invitation_and_answers_a_survey_only_while_open(
    campaign, unit, clerk, item, citizen, administrator, clock
):
    application, _ = application_actions.do_submit(
        item=item,
        applicant=Applicant.objects.get(user=citizen),
        by=citizen,
        channel=Channel.ONLINE,
        idempotency_key="k",
    )
    invitation, _ = actions.do_invite(campaign=campaign, by=clerk, application=application)
    today = the_clock.today()
    survey = actions.do_create_survey(
        campaign=campaign,
        by=administrator,
        data={"title": "测评", "introduction": "", "opens_on": today, "closes_on": today + dt.timedelta(days=7)},
        units=[unit],
        questions=[("服务态度", Scale.FIVE_LEVELS)],
    )
    served = f"/evaluation/served/{invitation.code}/"
    survey_url = f"/evaluation/survey/{survey.pk}/"
    answer = {"unit": unit.pk, f"q_{survey.questions.get().pk}": "4"}
    seen: list[tuple[str, str, str]] = []
    problems = check([citizen], served, {"evaluate": (served, GOOD)}, seen=seen)
    problems += check([citizen], survey_url, {"answer": (survey_url, answer)}, seen=seen)
    actions.do_evaluate_served(invitation=invitation, scores={"attitude": 5}, comment="")
    clock.set(today + dt.timedelta(days=8))  # the survey has closed
    problems += check([citizen], served, {"evaluate": (served, GOOD)}, seen=seen)
    problems += check([citizen], survey_url, {"answer": (survey_url, answer)}, seen=seen)
    assert problems == []
    assert ("citizen", "answer", "disabled") in seen and ("citizen", "evaluate", "none") in seen


def test_talks_are_recorded_by_leaders_and_followed_up_by_their_two_people(people, head, approver, campaign):
    today = the_clock.today().isoformat()
    record = {"counterpart": approver.pk, "held_on": today, "topic": "提振信心", "content": "谈话", "campaign": ""}
    problems = check(people, "/evaluation/talks/new/", {"record_talk": ("/evaluation/talks/new/", record)})
    talk = actions.do_record_talk(by=head, counterpart=approver, held_on=the_clock.today(), topic="t", content="c")
    page = f"/evaluation/talks/{talk.pk}/"
    problems += check([*people, approver], page, {"follow_up": (page, {"follow_up": "已落实"})})
    assert problems == []


def test_the_column_through_its_states(people, head, inspector, campaign):
    release = (the_clock.today() + dt.timedelta(days=3)).isoformat()
    batch_data = {"campaign": campaign.pk, "number": 2, "release_on": release}
    seen: list[tuple[str, str, str]] = []
    problems = check(people, "/evaluation/columns/", {"create_batch": ("/evaluation/columns/", batch_data)}, seen=seen)
    problems += check(
        people,
        "/evaluation/columns/new/",
        {"save_article": ("/evaluation/columns/new/", {**PARTS, "campaign": campaign.pk})},
        seen=seen,
    )
    batch = actions.do_create_batch(campaign=campaign, by=inspector, number=1, release_on=the_clock.today())
    article = actions.do_save_article(None, by=head, campaign=campaign, data=PARTS)
    page = f"/evaluation/columns/{article.pk}/"
    verbs = {
        "submit_article": (page, {"act": "submit"}),
        "review_article": (page, {"act": "review", "decision": "approve", "batch": batch.pk, "note": ""}),
    }
    for state in ("draft", "submitted", "approved"):
        if state == "submitted":
            actions.do_submit_article(article, by=head)
        if state == "approved":
            actions.do_review_article(article, by=inspector, approve=True, batch=batch)
        problems += [f"{state}: {p}" for p in check(people, page, verbs, seen=seen)]
    assert problems == []
    enabled = {(who, verb) for who, verb, button in seen if button == "enabled"}
    assert {("head", "submit_article"), ("inspector", "review_article"), ("leader", "create_batch")} <= enabled


def test_reports_are_submitted_up_to_the_limit_and_reviewed_once(settings, people, head, inspector, campaign):
    settings.EVALUATION_REPORTS_MAX_PER_UNIT = 1
    new = "/evaluation/reports/new/"
    data = {"campaign": campaign.pk, "title": "融资难调研", "contradiction": "融资贵", "body": "一、基本情况"}
    seen: list[tuple[str, str, str]] = []
    problems = check(people, new, {"submit_report": (new, data)}, seen=seen)
    report = actions.do_submit_report(campaign=campaign, by=head, title="t", contradiction="c", body="b")
    problems += check([head], new, {"submit_report": (new, data)}, seen=seen)  # the unit is at its limit
    page = f"/evaluation/reports/{report.pk}/"
    problems += check(people, page, {"review_report": (page, {"decision": "accept", "note": ""})})
    actions.do_review_report(report, by=inspector, accept=True)
    problems += check(people, page, {"review_report": (page, {"decision": "accept", "note": ""})})
    assert problems == []
    assert {("head", "submit_report", "enabled"), ("head", "submit_report", "disabled")} <= set(seen)
