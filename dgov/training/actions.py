"""Every act of training: one function, one transaction, its audit entry written with it.

A sign-in is claimed by ``UPDATE … WHERE signed_in_at IS NULL`` (or one insert kept unique
by a constraint), so a double tap or two devices never count a person twice.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from dgov.accounts.models import Department, User
from dgov.accounts.roles import Role
from dgov.audit.trail import record
from dgov.lib import clock
from dgov.lib.conflicts import Conflict
from dgov.lib.rules import enforce
from dgov.lib.signing import LinkExpired, LinkInvalid, link_token, read_link_token
from dgov.training import rules
from dgov.training.models import ACTIVITY_KINDS, Attendance, Course, Kind

SIGN_IN_LINK = "training.sign_in"


def do_plan_course(
    *,
    by: User,
    kind: str,
    title: str,
    place: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    hours: Decimal,
    units: Iterable[Department] = (),
    roles: Iterable[str] = (),
    lecturer: str = "",
    task: Any = None,
) -> Course:
    """Announce a course or a campaign activity; everyone it requires gets an attendance
    row now (rule 1)."""
    enforce(rules.may_plan(by))
    assert by.district_id is not None  # staff, said may_plan
    units, roles = list(units), sorted(set(roles))
    problems = []
    if kind not in Kind.values:
        problems.append(_("Choose the kind of course or activity."))
    if ends_at <= starts_at:
        problems.append(_("The end comes after the start."))
    if starts_at < clock.now():
        problems.append(_("A course cannot be planned in the past."))
    if hours < 0:
        problems.append(_("Hours cannot be negative."))
    if not units and not roles:
        problems.append(_("Say who must attend: units, roles or both."))
    if any(r not in Role.values for r in roles):
        problems.append(_("Unknown role."))
    if any(u.district_id != by.district_id for u in units):
        problems.append(_("The units must be of your district."))
    if kind in ACTIVITY_KINDS and task is None:
        problems.append(_("A campaign activity belongs to a task of the campaign's task table."))
    if task is not None and task.campaign.district_id != by.district_id:
        problems.append(_("The task belongs to another district's campaign."))
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        course = Course.objects.create(
            district_id=by.district_id,
            kind=kind,
            title=title,
            lecturer=lecturer,
            place=place,
            starts_at=starts_at,
            ends_at=ends_at,
            year=timezone.localdate(starts_at).year,
            hours=hours,
            required_roles=roles,
            task=task,
            created_by=by,
        )
        course.required_units.set(units)
        people = User.objects.filter(kind=User.Kind.STAFF, district_id=by.district_id, is_active=True).filter(
            Q(department__in=units) | Q(groups__name__in=roles)
        )
        expected = sorted(set(people.values_list("pk", flat=True)))
        Attendance.objects.bulk_create([Attendance(course=course, person_id=pk, required=True) for pk in expected])
        record(
            "training.course.plan",
            course,
            actor=by,
            changes={
                "kind": kind,
                "starts_at": timezone.localtime(starts_at).isoformat(),
                "hours": str(hours),
                "units": [u.code for u in units],
                "roles": roles,
                "expected": len(expected),
                **({"task": task.number} if task is not None else {}),
            },
        )
    return course


def sign_in_token(course: Course) -> str:
    return link_token(SIGN_IN_LINK, {"course": course.pk, "at": int(clock.now().timestamp())})


def course_from_token(token: str) -> Course:
    """The course of a code scanned in the room; a code older than ``TRAINING_QR_SECONDS``
    is refused (``ValidationError``), a forged one is not found."""
    from django.http import Http404

    expired = ValidationError(_("This code has expired: scan the code shown in the room again."), code="expired")
    try:
        value = read_link_token(SIGN_IN_LINK, token, max_age=rules.qr_seconds())
    except LinkExpired:
        raise expired from None
    except LinkInvalid:
        raise Http404 from None
    # The code's own time is the platform's clock (the signature's is the machine's).
    if clock.now().timestamp() - int(value.get("at", 0)) > rules.qr_seconds():
        raise expired
    found = Course.objects.filter(pk=value.get("course")).first()
    if found is None:
        raise Http404
    return found


def do_sign_in(course: Course, *, by: User) -> Attendance:
    """Sign ``by`` in to ``course`` within its window (rule 2); someone not required who
    comes is recorded as a walk-in."""
    now = clock.now()
    attendance = Attendance.objects.filter(course=course, person=by).first()
    enforce(rules.may_sign_in(by, course, now, attendance))
    with transaction.atomic():
        if attendance is not None:
            if not Attendance.objects.filter(pk=attendance.pk, signed_in_at__isnull=True).update(signed_in_at=now):
                raise Conflict(_("You are already signed in."))
            attendance.signed_in_at = now
        else:
            try:
                with transaction.atomic():
                    attendance = Attendance.objects.create(course=course, person=by, required=False, signed_in_at=now)
            except IntegrityError:
                raise Conflict(_("You are already signed in.")) from None
        record(
            "training.sign_in",
            course,
            actor=by,
            changes={"person": by.pk, "required": attendance.required, "at": timezone.localtime(now).isoformat()},
        )
    return attendance


def do_record_absence(attendance: Attendance, *, by: User, reason: str) -> None:
    enforce(rules.may_record_absence(by, attendance))
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("State the reason for the absence."), code="reason")
    with transaction.atomic():
        if not Attendance.objects.filter(pk=attendance.pk, signed_in_at__isnull=True).update(
            absence_reason=reason[:300], absence_recorded_by=by, absence_recorded_at=clock.now()
        ):
            raise Conflict(_("The person signed in meanwhile."))
        attendance.absence_reason = reason[:300]
        record(
            "training.absence",
            attendance.course,
            actor=by,
            changes={"person": attendance.person_id, "reason": reason[:300]},
        )


# Hours -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Hours:
    person: User
    hours: Decimal
    minimum: Decimal

    @property
    def below(self) -> bool:
        return self.hours < self.minimum

    @property
    def missing(self) -> Decimal:
        return max(Decimal(0), self.minimum - self.hours)


def hours_of(district_id: int, year: int, department_id: int | None = None) -> list[Hours]:
    """Every active staff member's hours in ``year`` against their minimum (rule 4), the
    lowest first: two queries, whatever the number of people."""
    people = (
        User.objects.filter(kind=User.Kind.STAFF, district_id=district_id, is_active=True)
        .prefetch_related("groups")
        .select_related("department")
        .order_by("username")
    )
    if department_id is not None:
        people = people.filter(department_id=department_id)
    sums = dict(
        Attendance.objects.signed()
        .filter(course__district_id=district_id, course__year=year)
        .values("person_id")
        .annotate(total=Sum("course__hours"))
        .values_list("person_id", "total")
    )
    rows = []
    for person in people:
        roles = [g.name for g in person.groups.all()]
        rows.append(Hours(person, Decimal(sums.get(person.pk) or 0), rules.min_hours(roles)))
    rows.sort(key=lambda r: (r.hours - r.minimum, r.person.username))
    return rows


def hours_of_person(person: User, year: int) -> Hours:
    total = (
        Attendance.objects.signed()
        .filter(person=person, course__year=year)
        .aggregate(total=Sum("course__hours"))["total"]
    )
    return Hours(person, Decimal(total or 0), rules.min_hours(person.role_codes))
