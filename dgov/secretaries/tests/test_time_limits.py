"""Issue 20: the green channel's date and an issue's step dates live in the deadline
mechanism: they follow the application's clock stops (Art. 45) and a calendar import, and
are marked provisional while a year they touch has no official arrangement."""

import datetime as dt

import pytest
from django.urls import reverse

from dgov.api.actions import do_create_api_token
from dgov.applications import actions as application_actions
from dgov.applications.models import Channel
from dgov.secretaries import actions, reports
from dgov.secretaries.models import IssueStep
from dgov.workdays import actions as workday_actions
from dgov.workdays.testing import agrees, shown_due

pytestmark = pytest.mark.django_db

D = dt.date

CALENDAR_2027 = """\
# 2027 arrangement (a test file, not the real notice)
2027-01-01,holiday,元旦
2027-01-04,holiday,元旦补休
"""


@pytest.fixture
def supervisor(make_staff):
    return make_staff("centre_supervisor", "supervisor", department="ZWFW")


def in_green_channel(clock, day, item, applicant, clerk, project, leader, supervisor, key):
    clock.set(day)
    application, _ = application_actions.do_submit(
        item=item, applicant=applicant, by=clerk, channel=Channel.WINDOW, idempotency_key=key
    )
    application_actions.do_accept(application, by=clerk)
    application.refresh_from_db()
    case = actions.do_enter_green_channel(
        application, project=project, lead_official=leader, reason="领办", by=supervisor
    )
    return application, case


def test_the_green_channels_date_stops_and_moves_with_the_applications_clock(
    client, clock, item, enterprise_applicant, clerk, reviewer, project, leader, supervisor
):
    application, case = in_green_channel(
        clock, D(2026, 9, 28), item, enterprise_applicant, clerk, project, leader, supervisor, "stop"
    )
    # 5 working days after Mon 28 Sep 2026: 29, 30 Sep, 8, 9, Sat 10 Oct (make-up).
    assert case.deadline.due_date == D(2026, 10, 10)
    clock.set(D(2026, 9, 30))
    application_actions.do_stop_clock(
        application, by=reviewer, procedure="专家评审", expected_days=3, notice="需专家评审，预计3个工作日"
    )
    case.deadline.refresh_from_db()
    card = reports.green_card(case, D(2026, 10, 12))  # past the old date: stopped, not red
    assert card["light"] == "stopped"
    application.refresh_from_db()
    # Resumed Fri 9 Oct: 8, 9 Oct stopped = 2 working days; 10 Oct + 2: Mon 12, Tue 13 Oct.
    application_actions.do_resume_clock(application, by=reviewer, today=D(2026, 10, 9))
    case.deadline.refresh_from_db()
    assert (case.deadline.due_date, case.deadline.stopped_days) == (D(2026, 10, 13), 2)
    assert reports.green_card(case, D(2026, 10, 12))["light"] != "red"
    client.force_login(clerk)
    page = client.get(reverse("applications:case", args=[application.pk])).content.decode()
    assert 'data-green-due="2026-10-13"' in page


def test_a_2027_date_is_provisional_on_the_card_and_follows_the_import(
    client, clock, item, enterprise_applicant, clerk, project, leader, supervisor, administrator
):
    application, case = in_green_channel(
        clock, D(2026, 12, 28), item, enterprise_applicant, clerk, project, leader, supervisor, "2027"
    )
    # Estimated 2027: Jan 1 off; 29, 30, 31 Dec, Mon 4, Tue 5 Jan.
    assert (case.deadline.due_date, case.deadline.provisional) == (D(2027, 1, 5), True)
    client.force_login(clerk)
    url = reverse("applications:case", args=[application.pk])
    card = client.get(url).content.decode().split("data-green-card")[1].split("</section>")[0]
    assert 'data-green-due="2027-01-05"' in card and "data-provisional-tag" in card
    assert agrees(shown_due(card, "data-green-due=")), shown_due(card, "data-green-due=")
    _token, secret = do_create_api_token(supervisor, "card")
    api = f"/api/v1/secretaries/green/{application.number}"
    data = client.get(api, HTTP_AUTHORIZATION=f"Bearer {secret}").json()
    assert (data["green_due"], data["green_provisional"]) == ("2027-01-05", True)
    workday_actions.do_import_year(CALENDAR_2027, by=administrator)
    case.deadline.refresh_from_db()
    # Official 2027: Mon 4 Jan off too: 29, 30, 31 Dec, 5, 6 Jan.
    assert (case.deadline.due_date, case.deadline.provisional) == (D(2027, 1, 6), False)
    card = client.get(url).content.decode().split("data-green-card")[1].split("</section>")[0]
    assert 'data-green-due="2027-01-06"' in card and "data-provisional-tag" not in card
    assert agrees(shown_due(card, "data-green-due=")), shown_due(card, "data-green-due=")
    data = client.get(api, HTTP_AUTHORIZATION=f"Bearer {secret}").json()
    assert (data["green_due"], data["green_provisional"]) == ("2027-01-06", False)


def test_an_issue_page_shows_one_date_provisional_before_and_recomputed_after_an_import(
    client, clock, assigned, project, secretary, departments, administrator
):
    clock.set(D(2026, 12, 29))
    issue = actions.do_raise_issue(project, by=secretary, kind="land", title="用地", department=departments["ZRZY"])
    step = IssueStep.objects.get(issue=issue)
    assert step.deadline_id == issue.deadline_id
    # 5 working days after Tue 29 Dec 2026, 2027 estimated: 30, 31 Dec, 4, 5, 6 Jan.
    assert (issue.deadline.due_date, issue.deadline.provisional) == (D(2027, 1, 6), True)
    client.force_login(secretary)
    url = reverse("secretaries:issue", args=[issue.pk])
    page = client.get(url).content.decode()
    assert page.count('data-due-date="2027-01-06"') == 2 and "data-provisional-tag" in page
    # The issue's date and its step's date each agree with the derivation shown under it.
    assert agrees(shown_due(page, 'data-due="')) and agrees(shown_due(page, "data-step=")), page
    workday_actions.do_import_year(CALENDAR_2027, by=administrator)
    page = client.get(url).content.decode()
    # Official: Mon 4 Jan off: 30, 31 Dec, 5, 6, 7 Jan; the step and the issue agree.
    assert page.count('data-due-date="2027-01-07"') == 2
    assert agrees(shown_due(page, 'data-due="')) and agrees(shown_due(page, "data-step=")), page
    assert "2027-01-06" not in page and "data-provisional-tag" not in page
