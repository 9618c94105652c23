"""一月一访 · 一季一会: a month without a visit or a quarter without a meeting is flagged when
it ends, scheduled or not; a quarter's meeting is not overdue before the quarter ends."""

import datetime as dt

import pytest
from django.urls import reverse

from dgov.secretaries import actions, reports
from dgov.secretaries.models import Engagement, Method, Secretaryship

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 12, 2)


@pytest.fixture
def since_august(assigned, clock):
    clock.set(TODAY)
    Secretaryship.objects.filter(pk=assigned.pk).update(assigned_on=dt.date(2026, 8, 1))
    return Secretaryship.objects.all()


def visit(project, secretary, on, method=Method.VISIT):
    contact = actions.do_log_contact(
        project, by=secretary, on=on, method=method, people="刘总", discussion="现场查看", today=TODAY
    )
    actions.do_confirm_contact(contact, name="刘总")
    return contact


def test_a_month_without_a_visit_is_flagged_when_it_ends_though_none_was_scheduled(since_august, project, secretary):
    visit(project, secretary, dt.date(2026, 9, 15))
    visit(project, secretary, dt.date(2026, 11, 3), method=Method.PHONE)  # a call is not a visit
    assert not Engagement.objects.exists()
    found = {(g.kind, g.period_start) for g in reports.gaps(since_august, TODAY)}
    assert {(k, d) for k, d in found if k == "visit"} == {
        ("visit", dt.date(2026, 8, 1)),
        ("visit", dt.date(2026, 10, 1)),
        ("visit", dt.date(2026, 11, 1)),
    }
    # December is still running; the third quarter began before the assignment; the
    # fourth has not ended: no meeting is flagged yet.
    assert not {k for k, _d in found if k == "meeting"}


def test_a_quarter_without_a_meeting_is_flagged_once_it_is_over(since_august, project, secretary, clock):
    visit(project, secretary, dt.date(2026, 11, 20), method=Method.MEETING)
    clock.set(dt.date(2027, 4, 2))
    found = {(g.kind, g.period_start) for g in reports.gaps(Secretaryship.objects.all(), dt.date(2027, 4, 2))}
    assert ("meeting", dt.date(2026, 10, 1)) not in found
    assert ("meeting", dt.date(2027, 1, 1)) in found


def test_a_quarters_meeting_is_not_overdue_before_the_quarter_ends(since_august, project, secretary):
    meeting = actions.do_schedule(
        project, by=secretary, kind=Engagement.Kind.QUARTERLY_MEETING, planned_on=dt.date(2026, 10, 15)
    )
    assert meeting.state(TODAY) == "planned"
    assert not Engagement.objects.late(TODAY).exists()
    assert meeting.state(dt.date(2027, 1, 1)) == "missed"
    monthly = actions.do_schedule(
        project, by=secretary, kind=Engagement.Kind.MONTHLY_VISIT, planned_on=dt.date(2026, 12, 1)
    )
    assert monthly.state(TODAY) == "late"


def test_the_visits_page_shows_the_gaps(client, since_august, project, secretary):
    client.force_login(secretary)
    page = client.get(reverse("secretaries:engagements")).content.decode()
    assert f'data-gap="{project.pk}-visit-2026-11"' in page
