"""Courses and who must attend, sign-in by the room's code within the window, absences,
hours against the yearly minimum, and the campaign's activities."""

import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from dgov.accounts.models import Department
from dgov.audit.models import AuditEntry
from dgov.training import actions
from dgov.training.models import Attendance, Course, Kind

pytestmark = pytest.mark.django_db

NINE = timezone.make_aware(dt.datetime(2026, 12, 9, 9, 0))


@pytest.fixture(autouse=True)
def _public_address(settings):
    settings.DGOV_PUBLIC_URL = "https://gov.example"


@pytest.fixture
def organiser(make_staff):
    return make_staff("administrator", "organiser", department="ZWFW")


@pytest.fixture
def people(make_staff):
    """Two of the market regulator (SCJG), one clerk of the centre, one unit head of SCJG."""
    return {
        "approver": make_staff("department_approver", "approver"),
        "reviewer": make_staff("reviewer", "reviewer"),
        "clerk": make_staff("window_clerk", "clerk", department="ZWFW"),
        "head": make_staff("unit_head", "head"),
    }


@pytest.fixture
def course(organiser, people, district, clock):
    clock.set(timezone.make_aware(dt.datetime(2026, 12, 1, 10, 0)))
    return actions.do_plan_course(
        by=organiser,
        kind=Kind.COURSE,
        title="优化营商环境专题培训",
        lecturer="省委党校 王教授",
        place="区政府三楼会议室",
        starts_at=NINE,
        ends_at=NINE + dt.timedelta(hours=3),
        hours=Decimal(3),
        units=[Department.objects.get(district=district, code="SCJG")],
        roles=["window_clerk"],
    )


def test_who_must_attend_is_fixed_by_unit_and_role_when_the_course_is_announced(course, people, make_staff):
    expected = set(Attendance.objects.filter(course=course).values_list("person__username", flat=True))
    assert expected == {"approver", "reviewer", "clerk", "head"}  # SCJG's three and the clerks
    make_staff("department_approver", "latecomer")
    assert Attendance.objects.filter(course=course).count() == 4
    assert AuditEntry.objects.filter(verb="training.course.plan", changes__expected=4).exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"units": [], "roles": []}, "who must attend"),
        ({"starts_at": NINE - dt.timedelta(days=30)}, "past"),
        ({"kind": Kind.PARTY_DAY}, "task table"),
        ({"ends_at": NINE}, "end comes after"),
    ],
)
def test_a_course_without_attendees_in_the_past_or_an_activity_without_a_task_is_refused(
    organiser, district, clock, change, message
):
    clock.set(timezone.make_aware(dt.datetime(2026, 12, 1, 10, 0)))
    data = {
        "by": organiser,
        "kind": Kind.COURSE,
        "title": "培训",
        "place": "会议室",
        "starts_at": NINE,
        "ends_at": NINE + dt.timedelta(hours=2),
        "hours": Decimal(2),
        "roles": ["window_clerk"],
        **change,
    }
    with pytest.raises(ValidationError, match=message):
        actions.do_plan_course(**data)
    assert not Course.objects.exists()


def test_the_plan_page_refuses_bad_input_with_a_400_and_writes_nothing(client, organiser, clock):
    clock.set(timezone.make_aware(dt.datetime(2026, 12, 1, 10, 0)))
    client.force_login(organiser)
    data = {
        "kind": Kind.COURSE,
        "title": "培训",
        "place": "会议室",
        "starts_at": "2026-12-09T09:00",
        "ends_at": "2026-12-09T12:00",
        "hours": "3",
    }
    response = client.post(reverse("training:courses"), data)
    assert response.status_code == 400 and "who must attend" in response.content.decode()
    assert not Course.objects.exists()
    response = client.post(reverse("training:courses"), {**data, "roles": ["window_clerk"]})
    assert response.status_code == 302 and Course.objects.count() == 1


def code_url(client, organiser, course):
    """The sign-in address in the code shown in the room (the public address, DGOV_PUBLIC_URL)."""
    client.force_login(organiser)
    svg_page = client.get(reverse("training:course_code", args=[course.pk])).content.decode()
    found = re.search(r'href="https://gov\.example(/training/sign-in/[^"]+/)" data-sign-in-url', svg_page)
    assert found and "<svg" in svg_page
    return found.group(1)


def test_sign_in_by_the_rooms_code_within_the_window(client, course, organiser, people, clock):
    clock.set(NINE - dt.timedelta(minutes=10))
    url = code_url(client, organiser, course)
    client.force_login(people["approver"])
    assert 'data-submit="sign-in"' in client.get(url).content.decode()
    assert client.post(url).status_code == 200
    attendance = Attendance.objects.get(course=course, person=people["approver"])
    assert attendance.signed_in_at == NINE - dt.timedelta(minutes=10)
    again = client.post(url)  # a second tap changes nothing
    assert again.status_code == 200 and "data-signed-in" in again.content.decode()
    assert AuditEntry.objects.filter(verb="training.sign_in").count() == 1


def test_a_sign_in_outside_the_window_is_refused_with_the_window_and_nothing_is_written(
    client, course, organiser, people, clock
):
    clock.set(NINE + dt.timedelta(minutes=45))
    url = code_url(client, organiser, course)
    client.force_login(people["reviewer"])
    response = client.post(url)
    assert response.status_code == 400 and "08:30" in response.content.decode() and "09:30" in response.content.decode()
    assert Attendance.objects.get(course=course, person=people["reviewer"]).signed_in_at is None
    with pytest.raises(PermissionDenied):
        actions.do_sign_in(course, by=people["reviewer"])


def test_a_code_from_a_photo_sent_out_of_the_room_expires(client, course, organiser, people, clock):
    clock.set(NINE - dt.timedelta(minutes=10))
    url = code_url(client, organiser, course)
    clock.set(NINE - dt.timedelta(minutes=5))
    client.force_login(people["reviewer"])
    response = client.post(url)
    assert response.status_code == 400 and "expired" in response.content.decode()
    assert Attendance.objects.signed().count() == 0


def test_a_walk_in_is_recorded_but_not_required(course, make_staff, clock):
    visitor = make_staff("investment_officer", "visitor", department="TCJ")
    clock.set(NINE)
    attendance = actions.do_sign_in(course, by=visitor)
    assert not attendance.required and attendance.signed_in_at == NINE
    with pytest.raises(PermissionDenied, match="signed in at"):
        actions.do_sign_in(course, by=visitor)


def test_absences_with_reasons_and_the_absent_once_the_course_is_over(client, course, people, organiser, clock):
    clock.set(NINE - dt.timedelta(days=1))
    mine = Attendance.objects.get(course=course, person=people["reviewer"])
    client.force_login(people["reviewer"])
    assert client.post(reverse("training:absence", args=[mine.pk]), {"reason": ""}).status_code == 302
    mine.refresh_from_db()
    assert mine.absence_reason == ""
    client.post(reverse("training:absence", args=[mine.pk]), {"reason": "出差（省营商局会议）"})
    mine.refresh_from_db()
    assert mine.absence_reason == "出差（省营商局会议）" and mine.absence_recorded_by == people["reviewer"]
    other = Attendance.objects.get(course=course, person=people["approver"])
    assert client.post(reverse("training:absence", args=[other.pk]), {"reason": "x"}).status_code == 404
    clock.set(NINE + dt.timedelta(hours=4))
    states = {
        a.person.username: a.state(clock.now())
        for a in Attendance.objects.filter(course=course).select_related("course", "person")
    }
    assert states["reviewer"] == "excused" and states["approver"] == "absent"
    client.force_login(organiser)
    page = client.get(reverse("training:course", args=[course.pk])).content.decode()
    assert 'data-count="absent">3' in page and 'data-count="excused">1' in page


def test_hours_per_person_and_year_against_the_minimum(client, course, people, organiser, district, clock, settings):
    settings.TRAINING_MIN_HOURS = 2
    clock.set(NINE)
    for name in ("approver", "head"):
        actions.do_sign_in(course, by=people[name])
    rows = {r.person.username: r for r in actions.hours_of(district.pk, 2026)}
    assert rows["approver"].hours == 3 and not rows["approver"].below
    assert rows["head"].minimum == 110 and rows["head"].below  # unit heads: 110
    assert rows["reviewer"].hours == 0 and rows["reviewer"].below
    assert actions.hours_of(district.pk, 2027)[0].hours == 0

    client.force_login(people["head"])  # a unit head sees their own unit
    page = client.get(reverse("training:hours"), {"year": 2026, "below": "on"}).content.decode()
    assert 'data-person="reviewer"' in page and 'data-person="head"' in page and 'data-person="clerk"' not in page
    assert 'data-person="approver"' not in page
    client.force_login(organiser)
    response = client.get(reverse("training:hours"), {"year": 2026, "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert sheet.max_row == 1 + 5  # organiser, approver, reviewer, clerk, head
    assert client.get(reverse("training:hours"), {"year": "x"}).status_code == 400
    client.force_login(people["clerk"])
    assert client.get(reverse("training:hours")).status_code == 403
    assert 'data-my-hours="0"' in client.get(reverse("training:mine")).content.decode()


def test_campaign_activities_belong_to_a_task_and_take_attendance(client, organiser, people, district, clock):
    from dgov.campaigns.models import Campaign, Task

    clock.set(timezone.make_aware(dt.datetime(2026, 12, 1, 10, 0)))
    campaign = Campaign.objects.create(
        district=district,
        theme="解放思想推动宽城高质量发展大讨论",
        starts_on=dt.date(2026, 11, 1),
        ends_on=dt.date(2027, 1, 31),
    )
    task = Task.objects.create(
        campaign=campaign,
        number="2",
        form="宣讲",
        content="深入开展解放思想大讨论宣讲",
        due_on=dt.date(2026, 12, 31),
        original_due_on=dt.date(2026, 12, 31),
        lead_unit=Department.objects.get(district=district, code="SCJG"),
    )
    party_day = actions.do_plan_course(
        by=organiser,
        kind=Kind.PARTY_DAY,
        title="“解放思想、担当作为”主题党日",
        place="市场监管局党员活动室",
        starts_at=NINE,
        ends_at=NINE + dt.timedelta(hours=2),
        hours=Decimal(0),
        units=[Department.objects.get(district=district, code="SCJG")],
        task=task,
    )
    clock.set(NINE)
    actions.do_sign_in(party_day, by=people["approver"])
    client.force_login(organiser)
    page = client.get(reverse("training:activities")).content.decode()
    assert f'data-activity="{party_day.pk}" data-task="2"' in page and 'data-signed="1"' in page
    assert list(task.activities.all()) == [party_day]


def test_the_api_lists_those_below_the_minimum_to_those_who_may_see_hours(client, course, people, organiser, clock):
    from dgov.api.actions import do_create_api_token

    clock.set(NINE)
    actions.do_sign_in(course, by=people["approver"])
    _token, secret = do_create_api_token(organiser, "cockpit")
    response = client.get(
        "/api/v1/training/hours", {"year": 2026, "below": "true"}, HTTP_AUTHORIZATION=f"Bearer {secret}"
    )
    assert response.status_code == 200
    assert "approver" in {r["username"] for r in response.json()}  # 3 of 90 hours
    _token, clerks = do_create_api_token(people["clerk"], "mine")
    assert client.get("/api/v1/training/hours", HTTP_AUTHORIZATION=f"Bearer {clerks}").status_code == 403
