"""Trips and events with the enterprises met and what they produced, target lists with
the contact made, follow-ups due, and concentrated starts checked against stage and permits."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from dgov.accounts.demo import demo_credit_code
from dgov.accounts.models import Applicant
from dgov.applications.actions import do_submit
from dgov.applications.models import Application, Channel, Status
from dgov.audit.models import AuditEntry
from dgov.events import actions, reports
from dgov.events.models import ConcentratedStart, EventKind, InvestmentEvent, Meeting, TargetCategory
from dgov.investment.models import Project, Source, Stage, StageChange
from dgov.lib.conflicts import Conflict
from dgov.workdays.testing import CALENDAR_2027

pytestmark = pytest.mark.django_db

CODE = demo_credit_code("91220103MA0YBT7W3")


@pytest.fixture
def officer(make_staff):
    return make_staff("investment_officer", "officer", department="TCJ")


@pytest.fixture
def trip(officer, leader, clock):
    clock.set(dt.date(2026, 11, 20))
    return actions.do_record_event(
        by=officer,
        kind=EventKind.TRIP,
        title="区长带队赴深圳精准对接",
        leader=leader,
        participants=[officer],
        starts_on=dt.date(2026, 11, 10),
        ends_on=dt.date(2026, 11, 12),
        places="深圳",
    )


def test_a_trip_needs_participants_and_a_district_leader_at_its_head(officer, leader, make_staff):
    data = {
        "by": officer,
        "kind": EventKind.TRIP,
        "title": "赴京沪对接",
        "leader": leader,
        "participants": [],
        "starts_on": dt.date(2026, 11, 10),
        "ends_on": dt.date(2026, 11, 12),
        "places": "北京、上海",
    }
    with pytest.raises(ValidationError, match="at least one participant"):
        actions.do_record_event(**data)
    with pytest.raises(ValidationError, match="district leader"):
        actions.do_record_event(**{**data, "participants": [officer], "leader": officer})
    with pytest.raises(ValidationError, match="end comes after"):
        actions.do_record_event(**{**data, "participants": [officer], "ends_on": dt.date(2026, 11, 1)})
    assert not InvestmentEvent.objects.exists()
    # A negotiation event may be led by the officer who runs it.
    actions.do_record_event(**{**data, "kind": EventKind.NEGOTIATION, "participants": [leader], "leader": officer})


def test_the_page_refuses_a_trip_with_no_participants_with_a_400(client, officer, leader):
    client.force_login(officer)
    data = {
        "kind": EventKind.TRIP,
        "title": "赴京沪对接",
        "leader": leader.pk,
        "starts_on": "2026-11-10",
        "ends_on": "2026-11-12",
        "places": "北京、上海",
    }
    response = client.post(reverse("events:events"), data)
    assert response.status_code == 400 and "at least one participant" in response.content.decode()
    assert not InvestmentEvent.objects.exists()
    assert client.post(reverse("events:events"), {**data, "participants": [officer.pk]}).status_code == 302


def test_a_meeting_produces_a_lead_in_the_pipeline_and_a_follow_up_with_its_light(trip, officer, clock):
    target = actions.do_add_target(by=officer, category=TargetCategory.FORTUNE_500, name="比亚迪股份有限公司")
    meeting = actions.do_add_meeting(
        trip,
        by=officer,
        enterprise="",
        target=target,
        met_on=dt.date(2026, 11, 11),
        outcome="有意在宽城布局新能源汽车零部件",
        new_lead=True,
        follow_up="寄送产业园区资料并邀请实地考察",
        follow_up_due=dt.date(2026, 11, 25),
    )
    project = meeting.project
    assert meeting.enterprise == "比亚迪股份有限公司"
    assert project.stage == Stage.LEAD and project.source == Source.LEADER and project.investor == "比亚迪股份有限公司"
    assert StageChange.objects.filter(project=project, to_stage=Stage.LEAD).exists()
    rows = {t.name: t for t in reports.targets(trip.district_id)}
    assert (
        rows["比亚迪股份有限公司"].first_contact == dt.date(2026, 11, 11) and rows["比亚迪股份有限公司"].projects == 1
    )
    assert reports.coverage(trip.district_id)[TargetCategory.FORTUNE_500] == (1, 1)
    clock.set(dt.date(2026, 11, 26))
    (due,) = reports.open_follow_ups(trip.district_id, dt.date(2026, 11, 26))
    assert due.light == "red"
    actions.do_follow_up_done(meeting, by=officer)
    with pytest.raises(Conflict):
        actions.do_follow_up_done(meeting, by=officer)
    assert reports.open_follow_ups(trip.district_id, dt.date(2026, 11, 26)) == []


def test_a_meeting_outside_the_trip_or_a_follow_up_without_a_due_date_is_refused(trip, officer):
    with pytest.raises(ValidationError, match="falls within"):
        actions.do_add_meeting(trip, by=officer, enterprise="华为", met_on=dt.date(2026, 11, 20))
    with pytest.raises(ValidationError, match="due date"):
        actions.do_add_meeting(trip, by=officer, enterprise="华为", met_on=dt.date(2026, 11, 11), follow_up="回访")
    assert not Meeting.objects.exists() and not Project.objects.exists()


def test_staff_who_may_only_look_get_no_form_and_a_403_on_writing(client, trip, make_staff):
    secretary = make_staff("project_secretary", "secretary", department="TCJ")
    client.force_login(secretary)
    page = client.get(reverse("events:event", args=[trip.pk])).content.decode()
    assert 'data-submit="meeting"' not in page
    response = client.post(reverse("events:event", args=[trip.pk]), {"enterprise": "x", "met_on": "2026-11-11"})
    assert response.status_code == 403 and not Meeting.objects.exists()
    clerk = make_staff("window_clerk", "clerk2", department="ZWFW")
    client.force_login(clerk)
    assert client.get(reverse("events:events")).status_code == 403


# Concentrated starts -----------------------------------------------------------------------------------


@pytest.fixture
def permit_item(district, administrator):
    from dgov.hall.tests.conftest import publish

    return publish(district, administrator, "KC-ZJJ-001", "建筑工程施工许可")


@pytest.fixture
def land_project(district):
    return Project.objects.create(
        district=district,
        name="泰盟智慧化工厂",
        investor="泰盟（长春）智能科技有限公司",
        stage=Stage.LAND,
        investor_credit_code=CODE,
    )


def permit(item, district, status, key):
    applicant, _ = Applicant.objects.get_or_create(
        district=district, credit_code=CODE, defaults={"kind": Applicant.Kind.ENTERPRISE, "name": "泰盟"}
    )
    from dgov.accounts.models import User

    clerk = User.objects.get(username="clerk")
    application, _ = do_submit(item=item, applicant=applicant, by=clerk, channel=Channel.WINDOW, idempotency_key=key)
    Application.objects.filter(pk=application.pk).update(status=status)
    return application


def test_a_project_joins_a_start_only_with_land_and_permits_done(
    officer, clerk, district, permit_item, land_project, clock
):
    clock.set(dt.date(2026, 12, 1))
    start = actions.do_plan_start(
        by=officer, title="2026年第四季度重点项目集中开工", held_on=dt.date(2026, 12, 8), place="宽城经济开发区"
    )
    with pytest.raises(ValidationError, match="no permit"):
        actions.do_add_to_start(start, land_project, by=officer)
    first = permit(permit_item, district, Status.REVIEWED, "p1")
    with pytest.raises(ValidationError, match="still being handled"):
        actions.do_add_to_start(start, land_project, by=officer)
    Application.objects.filter(pk=first.pk).update(status=Status.DENIED)
    with pytest.raises(ValidationError, match="not granted"):
        actions.do_add_to_start(start, land_project, by=officer)
    permit(permit_item, district, Status.APPROVED, "p2")  # applied again and granted
    actions.do_add_to_start(start, land_project, by=officer)
    with pytest.raises(ValidationError, match="already in"):
        actions.do_add_to_start(start, land_project, by=officer)

    signed = Project.objects.create(
        district=district, name="上海广奕芯片", investor="广奕", stage=Stage.SIGNED, investor_credit_code=CODE
    )
    with pytest.raises(ValidationError, match="Land granted"):
        actions.do_add_to_start(start, signed, by=officer)


def test_holding_the_start_moves_every_project_to_construction_together(
    officer, clerk, district, permit_item, land_project, clock
):
    clock.set(dt.date(2026, 12, 1))
    permit(permit_item, district, Status.COMPLETED, "p1")
    start = actions.do_plan_start(by=officer, title="集中开工", held_on=dt.date(2026, 12, 8), place="开发区")
    actions.do_add_to_start(start, land_project, by=officer)
    with pytest.raises(PermissionDenied, match="2026-12-08"):
        actions.do_hold_start(start, by=officer)
    clock.set(dt.date(2026, 12, 8))
    actions.do_hold_start(start, by=officer)
    land_project.refresh_from_db()
    start.refresh_from_db()
    assert land_project.stage == Stage.CONSTRUCTION and start.status == ConcentratedStart.Status.HELD
    change = StageChange.objects.get(project=land_project, to_stage=Stage.CONSTRUCTION)
    assert "集中开工" in change.note
    assert start.entries.get().started_at is not None
    assert AuditEntry.objects.filter(verb="events.start.hold").count() == 1
    with pytest.raises(PermissionDenied):
        actions.do_hold_start(start, by=officer)


def test_a_project_that_moved_meanwhile_stops_the_whole_ceremony(
    officer, clerk, district, permit_item, land_project, clock
):
    clock.set(dt.date(2026, 12, 1))
    permit(permit_item, district, Status.APPROVED, "p1")
    other = Project.objects.create(
        district=district, name="南京康尼门系统", investor="康尼", stage=Stage.LAND, investor_credit_code=CODE
    )
    start = actions.do_plan_start(by=officer, title="集中开工", held_on=dt.date(2026, 12, 1), place="开发区")
    actions.do_add_to_start(start, land_project, by=officer)
    actions.do_add_to_start(start, other, by=officer)
    Project.objects.filter(pk=other.pk).update(stage=Stage.CONSTRUCTION)  # started on its own meanwhile
    with pytest.raises(ValidationError, match="南京康尼门系统"):
        actions.do_hold_start(start, by=officer)
    land_project.refresh_from_db()
    start.refresh_from_db()
    assert land_project.stage == Stage.LAND and start.status == ConcentratedStart.Status.PLANNED


def test_the_start_page_shows_why_a_project_cannot_join_and_refuses_it_with_a_400(
    client, officer, district, land_project, clock
):
    clock.set(dt.date(2026, 12, 1))
    start = actions.do_plan_start(by=officer, title="集中开工", held_on=dt.date(2026, 12, 8), place="开发区")
    client.force_login(officer)
    page = client.get(reverse("events:start", args=[start.pk])).content.decode()
    assert "no permit" in page and 'data-reason="hold"' in page
    response = client.post(reverse("events:start", args=[start.pk]), {"project": land_project.pk})
    assert response.status_code == 400 and "no permit" in response.content.decode()
    assert not start.entries.exists()


def test_the_api_gives_target_coverage_and_follow_ups(client, trip, officer, make_staff):
    from dgov.api.actions import do_create_api_token

    target = actions.do_add_target(by=officer, category=TargetCategory.CENTRAL_SOE, name="中国中车股份有限公司")
    actions.do_add_meeting(
        trip,
        by=officer,
        enterprise="",
        target=target,
        met_on=dt.date(2026, 11, 11),
        follow_up="回访",
        follow_up_due=dt.date(2026, 12, 1),
    )
    _token, secret = do_create_api_token(officer, "cockpit")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    coverage = {
        row["list"]: (row["contacted"], row["total"]) for row in client.get("/api/v1/events/targets", **auth).json()
    }
    assert coverage[str(TargetCategory.CENTRAL_SOE.label)] == (1, 1)
    assert [row["enterprise"] for row in client.get("/api/v1/events/follow-ups", **auth).json()] == [
        "中国中车股份有限公司"
    ]
    clerk = make_staff("window_clerk", "clerk3", department="ZWFW")
    _token, other = do_create_api_token(clerk, "x")
    assert client.get("/api/v1/events/targets", HTTP_AUTHORIZATION=f"Bearer {other}").status_code == 403


def test_a_follow_up_due_in_2027_is_provisional_until_the_notice_is_imported_and_then_follows_it(
    client, trip, officer, administrator
):
    """Issue 20.3/20.5: a follow-up set for a rest day falls due on the next working day,
    the date as set kept; in a year without an official calendar it is marked provisional."""
    from dgov.api.actions import do_create_api_token
    from dgov.workdays.actions import do_import_year

    actions.do_add_meeting(
        trip,
        by=officer,
        enterprise="一汽解放",
        met_on=dt.date(2026, 11, 11),
        follow_up="春节前回访",
        follow_up_due=dt.date(2027, 2, 5),  # Fri 5 Feb 2027: 除夕 on the statutory estimate
    )
    _token, secret = do_create_api_token(officer, "cockpit")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    client.force_login(officer)
    page = client.get(reverse("events:follow_ups")).content.decode()
    # Estimated: 5, 8, 9, 10 Feb off, so due on Thu 11 Feb, provisionally; not red on Mon 8 Feb.
    assert 'data-due="2027-02-05"' in page and 'data-due-carried="2027-02-11"' in page
    assert "data-provisional-tag" in page
    assert client.get("/api/v1/events/follow-ups", **auth).json()[0]["due_provisional"] is True
    assert reports.open_follow_ups(trip.district_id, dt.date(2027, 2, 8))[0].light != "red"
    do_import_year(CALENDAR_2027, by=administrator)
    page = client.get(reverse("events:follow_ups")).content.decode()
    # Official: Fri 5 Feb is a working day: due that day, red from Mon 8 Feb.
    assert 'data-due="2027-02-05"' in page and "data-due-carried" not in page
    assert "data-provisional-tag" not in page
    assert client.get("/api/v1/events/follow-ups", **auth).json()[0]["due_provisional"] is False
    assert reports.open_follow_ups(trip.district_id, dt.date(2027, 2, 8))[0].light == "red"


def test_a_meetings_project_is_linked_only_for_those_who_may_open_it(client, trip, officer, inspector):
    meeting = actions.do_add_meeting(
        trip, by=officer, enterprise="长春一汽", met_on=dt.date(2026, 11, 11), outcome="意向", new_lead=True
    )
    project_page = reverse("investment:project", args=[meeting.project_id])
    client.force_login(officer)
    assert f'href="{project_page}"' in client.get(reverse("events:event", args=[trip.pk])).content.decode()
    client.force_login(inspector)
    page = client.get(reverse("events:event", args=[trip.pk])).content.decode()
    assert f'data-project="{meeting.project_id}"' in page and f'href="{project_page}"' not in page
    assert client.get(project_page).status_code == 404
