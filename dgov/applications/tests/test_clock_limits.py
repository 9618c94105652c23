"""Clock stops within the guide's maximum for the special procedure (Art. 45), and the
clock of each step within the promised total, shown on the case page."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from dgov.accounts.models import Department
from dgov.applications import actions
from dgov.applications.models import ApplicationEvent, Channel, ClockStop
from dgov.applications.steps import step_limits, steps
from dgov.services.actions import do_publish_version
from dgov.services.models import Audience, Material, OnlineLevel, Trips
from dgov.workdays.calendar import add_working_days
from dgov.workdays.testing import agrees, shown_due

pytestmark = pytest.mark.django_db


@pytest.fixture
def inspected_item(district, administrator):
    data = {
        "name": "特种设备使用登记",
        "kind": Audience.ENTERPRISE,
        "department": Department.objects.get(district=district, code="SCJG"),
        "legal_basis": "《中华人民共和国特种设备安全法》第三十三条",
        "conditions": "",
        "legal_limit_days": 20,
        "promised_limit_days": 10,
        "max_trips": Trips.ONE,
        "online_level": OnlineLevel.FULL,
        "fees": "",
        "fee_basis": "",
        "keywords": "",
    }
    materials = [{"name": "申请书", "source": Material.Source.APPLICANT, "legal_basis": "同上", "required": True}]
    procedures = [{"name": "检验检测", "counts_toward_limit": False, "max_days": 10}]
    return do_publish_version(None, {"code": "KC-SCJG-012", **data}, materials, procedures, by=administrator)


@pytest.fixture
def accepted(inspected_item, citizen, citizen_applicant, clerk, clock):
    clock.set(dt.date(2026, 11, 2))
    application, _ = actions.do_submit(
        item=inspected_item, applicant=citizen_applicant, by=citizen, channel=Channel.ONLINE, idempotency_key="s1"
    )
    actions.do_accept(application, by=clerk)
    application.refresh_from_db()
    return application


def test_a_stop_longer_than_the_guides_maximum_is_refused(accepted, reviewer):
    with pytest.raises(ValidationError, match="at most 10 working days"):
        actions.do_stop_clock(
            accepted, by=reviewer, procedure="检验检测", expected_days=30, notice="送检，预计30个工作日"
        )
    with pytest.raises(ValidationError, match="检验检测"):
        actions.do_stop_clock(accepted, by=reviewer, procedure="专家评审", expected_days=5, notice="专家评审")
    assert not ClockStop.objects.exists()


def test_a_stop_that_runs_over_the_maximum_moves_the_due_dates_by_the_maximum_only(accepted, reviewer, clock):
    legal_before = accepted.legal_deadline.due_date
    actions.do_stop_clock(accepted, by=reviewer, procedure="检验检测", expected_days=10, notice="送检，预计10个工作日")
    stop = actions.do_resume_clock(accepted, by=reviewer, today=add_working_days(dt.date(2026, 11, 2), 15).date)
    assert stop.days_stopped == 15
    accepted.refresh_from_db()
    assert accepted.legal_deadline.due_date == add_working_days(legal_before, 10).date


def test_each_step_has_its_own_clock_within_the_total(accepted, reviewer, clock):
    assert step_limits(10) == (3, 7)
    review, decision = steps(accepted, dt.date(2026, 11, 2))
    assert review.due_date == add_working_days(dt.date(2026, 11, 2), 3).date and review.state == "green"
    assert decision.state == "waiting"
    clock.set(dt.date(2026, 11, 10))  # six working days later: the review took too long
    actions.do_review(accepted, by=reviewer)
    # Timeline events are stamped with the machine's time, not the test's clock.
    ApplicationEvent.objects.filter(application=accepted, verb="review").update(at=clock.now())
    review, decision = steps(accepted, dt.date(2026, 11, 10))
    assert review.state == "late" and review.ended_on == dt.date(2026, 11, 10)
    assert decision.started_on == dt.date(2026, 11, 10)
    assert decision.due_date == add_working_days(dt.date(2026, 11, 10), 7).date


def test_the_case_page_shows_the_clock_of_each_step(client, accepted, reviewer, clock):
    clock.set(dt.date(2026, 11, 2))
    client.force_login(reviewer)
    page = client.get(reverse("applications:case", args=[accepted.pk])).content.decode()
    due = add_working_days(dt.date(2026, 11, 2), 3).date.isoformat()
    assert f'data-step="review" data-step-due="{due}"' in page
    shown = shown_due(page, 'data-step="review"')  # the date shown agrees with its derivation
    assert shown.date == due and agrees(shown), shown
    assert 'data-step="decision" data-step-due="" data-step-state="waiting"' in page
