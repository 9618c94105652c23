"""The three evaluation channels, their abuse limits, moderation and the results."""

import datetime as dt
import io
import threading

import pytest
from django.db import connection, connections, transaction
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from dgov.accounts.models import Department
from dgov.applications import actions as application_actions
from dgov.applications.models import Channel as ApplicationChannel
from dgov.audit.models import AuditEntry
from dgov.evaluation import actions
from dgov.evaluation.models import Channel, CommentStatus, Evaluation, Invitation, Scale, Score, Survey
from dgov.lib import clock
from dgov.lib.conflicts import Conflict

pytestmark = pytest.mark.django_db

GOOD = {"m_rectification": "5", "m_attitude": "4", "m_efficiency": "4", "m_conduct": "3"}


def unit_url(campaign, unit):
    return reverse("evaluation:public_unit", args=[campaign.pk, unit.pk])


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


def test_anyone_evaluates_a_unit_on_every_measure(client, campaign, unit):
    response = client.post(unit_url(campaign, unit), {**GOOD, "comment": "整改措施很实在"})
    assert response.status_code == 302
    evaluation = Evaluation.objects.get()
    assert evaluation.channel == Channel.PUBLIC
    assert dict(evaluation.scores.values_list("measure", "value")) == {
        "rectification": 5,
        "attitude": 4,
        "efficiency": 4,
        "conduct": 3,
    }
    assert evaluation.comment_status == CommentStatus.PENDING


def test_it_rejects_a_second_evaluation_of_the_unit_the_same_day_from_the_same_device(client, campaign, unit):
    assert client.post(unit_url(campaign, unit), GOOD).status_code == 302
    second = client.post(unit_url(campaign, unit), GOOD)
    assert second.status_code == 409
    assert "already evaluated this unit today" in second.content.decode()
    assert Evaluation.objects.count() == 1
    assert Score.objects.count() == 4


def test_another_device_may_evaluate_the_same_unit(client, campaign, unit):
    assert client.post(unit_url(campaign, unit), GOOD).status_code == 302
    assert Client().post(unit_url(campaign, unit), GOOD).status_code == 302
    assert Evaluation.objects.count() == 2


def test_the_device_limit_is_kept_in_the_database(campaign, unit, other_unit):
    device = actions.keyed("device")
    actions.do_evaluate_public(
        campaign=campaign, unit=unit, scores={"attitude": 5}, comment="", device=device, address=""
    )
    with pytest.raises(Conflict):
        actions.do_evaluate_public(
            campaign=campaign, unit=unit, scores={"attitude": 1}, comment="", device=device, address=""
        )
    actions.do_evaluate_public(
        campaign=campaign, unit=other_unit, scores={"attitude": 5}, comment="", device=device, address=""
    )
    tomorrow = clock.today() + dt.timedelta(days=1)
    actions.do_evaluate_public(
        campaign=campaign, unit=unit, scores={"attitude": 4}, comment="", device=device, address="", today=tomorrow
    )
    assert Evaluation.objects.count() == 3


def test_too_many_evaluations_from_one_address_are_refused(settings, campaign, unit, other_unit, district):
    settings.EVALUATION_MAX_PER_ADDRESS = 2
    from dgov.accounts.models import Department

    third = Department.objects.get(district=district, code="ZWFW")
    for target in (unit, other_unit):
        assert Client().post(unit_url(campaign, target), GOOD).status_code == 302
    response = Client().post(unit_url(campaign, third), GOOD)
    assert response.status_code == 429
    assert Evaluation.objects.count() == 2


def test_a_missing_score_is_a_form_error_and_writes_nothing(client, campaign, unit):
    response = client.post(unit_url(campaign, unit), {"m_attitude": "9"})
    assert response.status_code == 400
    assert "data-form-errors" in response.content.decode()
    assert not Evaluation.objects.exists()


def test_a_unit_of_another_district_is_not_found(client, campaign, other_district):
    from dgov.accounts.models import Department

    foreign = Department.objects.create(district=other_district, code="X", name="朝阳区某局")
    assert client.get(unit_url(campaign, foreign)).status_code == 404


def test_a_comment_is_shown_only_after_moderation_and_the_moderation_is_audited(client, campaign, unit, inspector):
    client.post(unit_url(campaign, unit), {**GOOD, "comment": "审批快了很多"})
    assert "审批快了很多" not in client.get(unit_url(campaign, unit)).content.decode()
    evaluation = Evaluation.objects.get()

    staff = logged_in(inspector)
    assert "审批快了很多" in staff.get(reverse("evaluation:moderation")).content.decode()
    response = staff.post(reverse("evaluation:moderate", args=[evaluation.pk]), {"decision": "approve"})
    assert response.status_code == 302

    assert "审批快了很多" in Client().get(unit_url(campaign, unit)).content.decode()
    entry = AuditEntry.objects.get(verb="evaluation.moderate")
    assert entry.actor == inspector
    assert entry.changes["comment_status"] == ["pending", "approved"]


def test_a_rejected_comment_stays_hidden_and_cannot_be_moderated_twice(client, campaign, unit, inspector):
    client.post(unit_url(campaign, unit), {**GOOD, "comment": "广告内容"})
    evaluation = Evaluation.objects.get()
    actions.do_moderate(evaluation, by=inspector, approve=False, reason="与评议无关")
    with pytest.raises(Conflict):
        actions.do_moderate(evaluation, by=inspector, approve=True)
    assert "广告内容" not in client.get(unit_url(campaign, unit)).content.decode()
    assert AuditEntry.objects.filter(verb="evaluation.moderate").count() == 1


def test_staff_without_the_permission_cannot_moderate(client, campaign, unit, approver):
    client.post(unit_url(campaign, unit), {**GOOD, "comment": "好"})
    evaluation = Evaluation.objects.get()
    staff = logged_in(approver)
    assert staff.get(reverse("evaluation:moderation")).status_code == 403
    assert staff.post(reverse("evaluation:moderate", args=[evaluation.pk]), {"decision": "approve"}).status_code == 404
    evaluation.refresh_from_db()
    assert evaluation.comment_status == CommentStatus.PENDING


# Those served ---------------------------------------------------------------------------


@pytest.fixture
def application(item, citizen):
    from dgov.accounts.models import Applicant

    application, _ = application_actions.do_submit(
        item=item,
        applicant=Applicant.objects.get(user=citizen),
        by=citizen,
        channel=ApplicationChannel.ONLINE,
        idempotency_key="k1",
    )
    return application


def test_a_clerk_invites_the_person_served_and_the_invitation_is_used_once(client, campaign, application, clerk):
    staff = logged_in(clerk)
    response = staff.post(reverse("evaluation:invite"), {"campaign": campaign.pk, "number": application.number})
    assert response.status_code == 200
    invitation = Invitation.objects.get()
    assert invitation.unit_id == application.department_id
    assert invitation.code in response.content.decode()
    # Asking again for the same case gives the same invitation.
    staff.post(reverse("evaluation:invite"), {"campaign": campaign.pk, "number": application.number})
    assert Invitation.objects.count() == 1

    url = reverse("evaluation:served", args=[invitation.code])
    assert client.post(url, GOOD).status_code == 302
    again = Client().post(url, GOOD)
    assert again.status_code == 409
    assert Evaluation.objects.filter(channel=Channel.SERVED).count() == 1


def test_an_unknown_code_is_not_found_and_guessing_is_limited(client, campaign):
    for _ in range(20):
        assert client.get(reverse("evaluation:served", args=["WRONGCODE2"])).status_code == 404
    assert client.get(reverse("evaluation:served", args=["WRONGCODE3"])).status_code == 429


def test_a_case_of_another_district_cannot_be_invited(campaign, application, make_staff, other_district):
    foreign_clerk = make_staff("window_clerk", "foreign", department=None, in_district=other_district)
    staff = logged_in(foreign_clerk)
    response = staff.post(reverse("evaluation:invite"), {"campaign": campaign.pk, "number": application.number})
    assert response.status_code == 400
    assert not Invitation.objects.exists()


# Surveys --------------------------------------------------------------------------------


@pytest.fixture
def survey(campaign, administrator, unit):
    today = clock.today()
    return actions.do_create_survey(
        campaign=campaign,
        by=administrator,
        data={
            "title": "窗口满意度测评",
            "introduction": "",
            "opens_on": today,
            "closes_on": today + dt.timedelta(days=7),
        },
        units=[unit],
        questions=[("服务态度", Scale.FIVE_LEVELS), ("最多跑一次？", Scale.YES_NO), ("打分", Scale.TEN_POINTS)],
    )


def answers(survey, values):
    return {f"q_{q.pk}": str(v) for q, v in zip(survey.questions.all(), values, strict=True)}


def test_an_administrator_defines_a_survey_with_questions_scales_and_period(administrator, campaign, unit):
    staff = logged_in(administrator)
    data = {
        "campaign": campaign.pk,
        "title": "群众满意度测评",
        "opens_on": "2026-01-01",
        "closes_on": "2026-01-31",
        "units": [unit.pk],
        "q-TOTAL_FORMS": "2",
        "q-INITIAL_FORMS": "0",
        "q-0-text": "服务态度",
        "q-0-scale": "five",
        "q-1-text": "打分",
        "q-1-scale": "ten",
    }
    assert staff.post(reverse("evaluation:surveys"), data).status_code == 302
    survey = Survey.objects.get()
    assert [(q.text, q.scale) for q in survey.questions.all()] == [("服务态度", "five"), ("打分", "ten")]
    assert AuditEntry.objects.filter(verb="evaluation.survey_create").count() == 1

    backwards = {**data, "title": "倒置", "opens_on": "2026-02-01", "closes_on": "2026-01-01"}
    assert staff.post(reverse("evaluation:surveys"), backwards).status_code == 400
    assert Survey.objects.count() == 1


def test_a_survey_is_answered_once_per_unit_and_device_while_open(client, survey, unit):
    url = reverse("evaluation:survey", args=[survey.pk])
    data = {"unit": unit.pk, **answers(survey, [4, 1, 9])}
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 409
    response = Evaluation.objects.get(channel=Channel.SURVEY)
    assert sorted(response.scores.values_list("value", flat=True)) == [1, 4, 9]


def test_an_answer_outside_its_scale_is_refused(client, survey, unit):
    url = reverse("evaluation:survey", args=[survey.pk])
    assert client.post(url, {"unit": unit.pk, **answers(survey, [4, 1, 11])}).status_code == 400
    assert not Evaluation.objects.exists()


def test_a_closed_survey_takes_no_answers(client, survey, unit):
    yesterday = clock.today() - dt.timedelta(days=1)
    Survey.objects.filter(pk=survey.pk).update(opens_on=yesterday - dt.timedelta(days=7), closes_on=yesterday)
    url = reverse("evaluation:survey", args=[survey.pk])
    assert client.post(url, {"unit": unit.pk, **answers(survey, [4, 1, 9])}).status_code == 403
    assert not Evaluation.objects.exists()


# Results --------------------------------------------------------------------------------


def test_results_by_unit_and_measure_are_charted_and_exported(campaign, unit, other_unit, inspector):
    for n, value in enumerate([5, 1, 3]):
        actions.do_evaluate_public(
            campaign=campaign, unit=unit, scores={"attitude": value}, comment="", device=f"d{n}", address=""
        )
    actions.do_evaluate_public(
        campaign=campaign, unit=other_unit, scores={"attitude": 4}, comment="", device="d9", address=""
    )
    staff = logged_in(inspector)
    page = staff.get(reverse("evaluation:results"), {"campaign": campaign.pk})
    html = page.content.decode()
    assert 'data-chart="results-chart"' in html
    assert 'id="results-chart"' in html
    table = {(r.unit, r.measure): r for r in page.context["table"]}
    row = table[(unit.name, "Service attitude")]
    assert (row.count, row.average, row.bad) == (3, 3.0, 1)

    export = staff.get(reverse("evaluation:results_export"), {"campaign": campaign.pk})
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(export.getvalue())).active
    rows = [tuple(r) for r in sheet.iter_rows(min_row=3, values_only=True)]
    assert (unit.name, "Public evaluation", "Service attitude", 3, 3.0, 1) in rows
    assert (other_unit.name, "Public evaluation", "Service attitude", 1, 4.0, 0) in rows


def test_results_need_the_permission(approver):
    assert logged_in(approver).get(reverse("evaluation:results")).status_code == 403


def test_phone_and_id_numbers_typed_into_a_comment_are_masked(client, campaign, unit):
    client.post(unit_url(campaign, unit), {**GOOD, "comment": "请回电13812345678，身份证11010519491231002X"})
    comment = Evaluation.objects.get().comment
    assert "13812345678" not in comment
    assert "11010519491231002X" not in comment
    assert "138****5678" in comment


def test_an_invitation_takes_one_evaluation_even_when_two_arrive_together(campaign, application, clerk):
    invitation, _ = actions.do_invite(campaign=campaign, by=clerk, application=application)
    actions.do_evaluate_served(invitation=invitation, scores={"attitude": 5}, comment="")
    with pytest.raises(Conflict):
        actions.do_evaluate_served(invitation=invitation, scores={"attitude": 1}, comment="")
    assert Evaluation.objects.filter(invitation=invitation).count() == 1
    assert Score.objects.filter(evaluation__invitation=invitation).get().value == 5


def test_a_visit_in_person_gets_its_own_invitation(campaign, application, clerk):
    from dgov.applications.models import Visit

    Visit.objects.create(application=application, clerk=clerk)
    visit = Visit.objects.create(application=application, clerk=clerk)
    staff = logged_in(clerk)
    data = {"campaign": campaign.pk, "number": application.number}
    staff.post(reverse("evaluation:invite"), data)
    staff.post(reverse("evaluation:invite"), {**data, "per_visit": "on"})
    assert Invitation.objects.filter(application=application).count() == 1
    assert Invitation.objects.get(visit__isnull=False).visit == visit


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_a_parallel_evaluation_from_the_same_address_waits_and_is_counted(settings, campaign, unit, other_unit):
    settings.EVALUATION_MAX_PER_ADDRESS = 1
    address = actions.keyed("203.0.113.7")
    outcome: list[object] = []

    def second() -> None:
        try:
            actions.do_evaluate_public(
                campaign=campaign, unit=other_unit, scores={"attitude": 4}, comment="", device="b", address=address
            )
            outcome.append("saved")
        except actions.TooMany:
            outcome.append(429)
        finally:
            connections.close_all()

    thread = threading.Thread(target=second)
    with transaction.atomic():  # the first request, not yet committed
        actions.do_evaluate_public(
            campaign=campaign, unit=unit, scores={"attitude": 5}, comment="", device="a", address=address
        )
        thread.start()
        thread.join(1)
        assert thread.is_alive(), "the second request must wait for the first one's count and insert"
    thread.join(10)
    assert outcome == [429]
    assert Evaluation.objects.count() == 1


def test_a_unit_name_that_looks_like_a_formula_is_exported_as_text(client, campaign, unit, inspector):
    Department.objects.filter(pk=unit.pk).update(name="=1+1")
    client.post(unit_url(campaign, unit), GOOD)
    export = logged_in(inspector).get(reverse("evaluation:results_export"), {"campaign": campaign.pk})
    cell = load_workbook(io.BytesIO(export.getvalue())).active["A3"]
    assert (cell.data_type, cell.value) == ("s", "'=1+1")
