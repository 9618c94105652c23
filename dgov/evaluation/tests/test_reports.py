"""Research reports: a length limit, a per-unit count, review."""

import pytest
from django.test import Client
from django.urls import reverse

from dgov.evaluation import actions
from dgov.evaluation.models import ReportStatus, ResearchReport

pytestmark = pytest.mark.django_db


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


def data(campaign, body="一、基本情况……"):
    return {"campaign": campaign.pk, "title": "融资难调研", "contradiction": "中小企业融资难、融资贵", "body": body}


def test_a_unit_submits_a_report_and_an_inspector_accepts_it(campaign, head, inspector):
    assert logged_in(head).post(reverse("evaluation:report_new"), data(campaign)).status_code == 302
    report = ResearchReport.objects.get()
    assert report.unit_id == head.department_id
    url = reverse("evaluation:report", args=[report.pk])
    assert logged_in(inspector).post(url, {"decision": "accept"}).status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.ACCEPTED


def test_a_report_over_the_length_limit_is_refused(settings, campaign, head):
    settings.EVALUATION_REPORT_MAX_CHARS = 20
    response = logged_in(head).post(reverse("evaluation:report_new"), data(campaign, body="字" * 21))
    assert response.status_code == 400
    assert "at most 20 characters; this one has 21" in response.content.decode()
    assert not ResearchReport.objects.exists()


def test_a_unit_cannot_pass_its_report_count(settings, campaign, head):
    settings.EVALUATION_REPORTS_MAX_PER_UNIT = 2
    staff = logged_in(head)
    for _ in range(2):
        assert staff.post(reverse("evaluation:report_new"), data(campaign)).status_code == 302
    page = staff.get(reverse("evaluation:report_new"), {"campaign": campaign.pk}).content.decode()
    assert 'data-disabled-action="submit_report"' in page and "the most allowed" in page
    third = staff.post(reverse("evaluation:report_new"), data(campaign))
    assert third.status_code == 403
    assert "the most allowed" in third.content.decode()
    assert ResearchReport.objects.count() == 2


def test_a_returned_report_frees_its_place(settings, campaign, head, inspector):
    settings.EVALUATION_REPORTS_MAX_PER_UNIT = 1
    report = actions.do_submit_report(campaign=campaign, by=head, title="t", contradiction="c", body="b")
    actions.do_review_report(report, by=inspector, accept=False, note="数据不足")
    actions.do_submit_report(campaign=campaign, by=head, title="t2", contradiction="c", body="b")
    assert ResearchReport.objects.count() == 2


def test_another_unit_does_not_see_the_report_and_short_units_are_flagged(campaign, head, other_head, inspector):
    report = actions.do_submit_report(campaign=campaign, by=head, title="t", contradiction="c", body="b")
    assert logged_in(other_head).get(reverse("evaluation:report", args=[report.pk])).status_code == 404
    page = logged_in(inspector).get(reverse("evaluation:reports"))
    assert 'data-short="WJJ"' in page.content.decode()
    assert 'data-short="SCJG"' not in page.content.decode()
