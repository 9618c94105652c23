"""Training's settings (each a Django setting, default here) and who may do what.

- ``TRAINING_SIGN_IN_EARLY_MINUTES`` (30) and ``TRAINING_SIGN_IN_LATE_MINUTES`` (30): the
  sign-in window around a course's start.
- ``TRAINING_QR_SECONDS`` (120): how long the code shown in the room stays valid (it is
  redrawn every minute, so a photo sent out of the room soon stops working).
- ``TRAINING_MIN_HOURS`` (90) and ``TRAINING_MIN_HOURS_BY_ROLE`` (district leaders and unit
  heads 110): the yearly minimum of a person is the highest that applies to them.
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from dgov.accounts.access import is_staff
from dgov.lib.rules import Verdict, allow, deny, hide
from dgov.training.models import Attendance, Course
from dgov.training.permissions import MANAGE, VIEW_HOURS

DEFAULT_MIN_BY_ROLE = {"district_leader": 110, "unit_head": 110}


def sign_in_early() -> dt.timedelta:
    return dt.timedelta(minutes=int(getattr(settings, "TRAINING_SIGN_IN_EARLY_MINUTES", 30)))


def sign_in_late() -> dt.timedelta:
    return dt.timedelta(minutes=int(getattr(settings, "TRAINING_SIGN_IN_LATE_MINUTES", 30)))


def qr_seconds() -> int:
    return int(getattr(settings, "TRAINING_QR_SECONDS", 120))


def min_hours(role_codes: list[str]) -> Decimal:
    """The yearly minimum of a person holding ``role_codes``."""
    by_role = {**DEFAULT_MIN_BY_ROLE, **getattr(settings, "TRAINING_MIN_HOURS_BY_ROLE", {})}
    base = int(getattr(settings, "TRAINING_MIN_HOURS", 90))
    return Decimal(max([base, *(by_role[r] for r in role_codes if r in by_role)]))


def sign_in_window(course: Course) -> tuple[dt.datetime, dt.datetime]:
    return course.starts_at - sign_in_early(), min(course.starts_at + sign_in_late(), course.ends_at)


def _hm(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%H:%M")


def may_plan(user: Any) -> Verdict:
    if not is_staff(user) or not user.has_perm(MANAGE):
        return hide(_("Only the training organisers plan courses and activities."))
    return allow()


def may_sign_in(user: Any, course: Course, now: dt.datetime, attendance: Attendance | None = None) -> Verdict:
    """Rule 2: staff of the course's district, within the sign-in window, once."""
    if not is_staff(user) or user.district_id != course.district_id:
        return hide(_("Only staff of the district sign in to its courses."))
    if attendance is not None and attendance.signed_in_at is not None:
        return deny(_("You signed in at %(time)s.") % {"time": _hm(attendance.signed_in_at)})
    opens, closes = sign_in_window(course)
    if not opens <= now <= closes:
        return deny(
            _("Sign-in for this course is open on %(day)s from %(opens)s to %(closes)s.")
            % {"day": timezone.localdate(opens).isoformat(), "opens": _hm(opens), "closes": _hm(closes)}
        )
    return allow()


def may_record_absence(user: Any, attendance: Attendance) -> Verdict:
    """The person states why they stay away, or an organiser records it for them."""
    own = getattr(user, "pk", None) == attendance.person_id
    if not own and not (is_staff(user) and user.has_perm(MANAGE) and user.district_id == attendance.course.district_id):
        return hide(_("Only the person or an organiser records an absence."))
    if attendance.signed_in_at is not None:
        return deny(_("Signed in: there is no absence to explain."))
    if not attendance.required:
        return deny(_("Attendance was not required."))
    return allow()


def may_view_hours(user: Any) -> Verdict:
    if not is_staff(user) or not user.has_perm(VIEW_HOURS):
        return hide(_("Only organisers, leaders and unit heads see everyone's hours."))
    return allow()


def hours_scope(user: Any) -> int | None:
    """The department whose people a unit head sees (None: the whole district)."""
    from dgov.accounts.roles import Role

    if user.has_perm(MANAGE) or user.has_role(Role.DISTRICT_LEADER) or user.has_role(Role.INSPECTOR):
        return None
    return int(user.department_id or 0)
