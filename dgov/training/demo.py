"""Demo of cadre training and the 2018 campaign's activities (idempotent).

The article's campaign had a mobilisation meeting (部署动员), study sessions and themed Party
days; here they hang on rows 1, 1.1 and 1.2 of the demo task table. This year: a course
held a month ago (most signed in, one absence with its reason) and one next week.
Past events are recorded by moving the platform's clock, so they go through the same
actions as live ones; the clock is released at the end whatever happens.
"""

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from dgov.accounts.models import Department, District, User
from dgov.lib import clock
from dgov.training import actions
from dgov.training.models import Attendance, Course, Kind

ALL_ROLES = ["window_clerk", "reviewer", "department_approver", "centre_supervisor", "unit_head", "district_leader"]

# task number, kind, title, place, day, hours, required units
ACTIVITIES = [
    (
        "1",
        Kind.MOBILISATION,
        "解放思想推动宽城高质量发展大讨论动员大会",
        "区政府大礼堂",
        dt.date(2018, 6, 12),
        "2",
        None,
    ),
    (
        "1.1",
        Kind.STUDY_SESSION,
        "“一网、一门、一次”改革专题学习会",
        "政务服务中心会议室",
        dt.date(2018, 7, 5),
        "2",
        ["ZWFW"],
    ),
    ("1.2", Kind.PARTY_DAY, "“解放思想、担当作为”主题党日", "市场监管局党员活动室", dt.date(2018, 8, 1), "0", ["SCJG"]),
]


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def load(district: District) -> None:
    organiser = User.objects.filter(username="inspector", district=district).first()
    if organiser is None or Course.objects.filter(district=district).exists():
        return
    try:
        with transaction.atomic():
            _activities(district, organiser)
            _this_year(district, organiser)
    finally:
        clock.set(None)


def _plan(organiser: User, *, day: dt.date, units: list[str] | None, roles: list[str], **fields: object) -> Course:
    clock.set(_at(day, 9) - dt.timedelta(days=7))
    return actions.do_plan_course(
        by=organiser,
        starts_at=_at(day, 9),
        ends_at=_at(day, 11),
        units=Department.objects.filter(district=organiser.district, code__in=units or []),
        roles=roles,
        **fields,  # type: ignore[arg-type]
    )


def _sign_in_all_but(course: Course, absent: set[str], reasons: dict[str, str]) -> None:
    for username, reason in reasons.items():
        attendance = Attendance.objects.filter(course=course, person__username=username).first()
        if attendance is not None:
            clock.set(course.starts_at - dt.timedelta(days=1))
            actions.do_record_absence(attendance, by=attendance.person, reason=reason)
    clock.set(course.starts_at - dt.timedelta(minutes=5))
    for attendance in Attendance.objects.filter(course=course).select_related("person"):
        if attendance.person.username not in absent and not attendance.absence_reason:
            actions.do_sign_in(course, by=attendance.person)


def _activities(district: District, organiser: User) -> None:
    from dgov.campaigns.models import Task

    for number, kind, title, place, day, hours, units in ACTIVITIES:
        task = Task.objects.filter(campaign__district=district, number=number).order_by("campaign_id").first()
        if task is None:
            continue
        course = _plan(
            organiser,
            day=day,
            units=units,
            roles=[] if units else ["unit_head", "district_leader", "centre_supervisor"],
            kind=kind,
            title=title,
            place=place,
            hours=Decimal(hours),
            task=task,
        )
        _sign_in_all_but(course, absent=set(), reasons={})


def _this_year(district: District, organiser: User) -> None:
    today = timezone.localdate()
    held = _plan(
        organiser,
        day=today - dt.timedelta(days=30),
        units=None,
        roles=ALL_ROLES,
        kind=Kind.COURSE,
        title="优化营商环境条例专题培训",
        lecturer="省委党校 王教授",
        place="区政府三楼会议室",
        hours=Decimal(3),
    )
    _sign_in_all_but(held, absent={"supervisor"}, reasons={"reviewer": "在省市场监管局参加业务会议"})
    _plan(
        organiser,
        day=today + dt.timedelta(days=7),
        units=None,
        roles=ALL_ROLES,
        kind=Kind.COURSE,
        title="政务服务“好差评”制度解读",
        lecturer="区政务服务中心 陈静",
        place="政务服务中心会议室",
        hours=Decimal(2),
    )
