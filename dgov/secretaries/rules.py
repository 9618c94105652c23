"""The rules of project service, with their settings (each a Django setting, default here).

- ``SECRETARY_CONTACT_DAYS`` (7): a project whose last counted contact is more than this
  many days old is overdue (每周至少对接一次). Days of a statutory holiday that fall on a
  weekday are not counted: nobody is expected to visit an enterprise over 国庆 or 春节.
- ``SECRETARY_ISSUE_DAYS``: working days each level of the ladder has to answer
  (department 5, lead department 5, joint meeting 10, district leader 10).
- ``GREEN_CHANNEL_RATIO`` (0.5): the green channel's promised limit as a share of the
  item's promised limit, rounded up, at least 1 working day.
- ``SCORECARD_WEIGHTS``: the secretary's scorecard (see ``scorecard``).

Who may do what (``may_*``, one per action of ``actions``; the pages build their buttons
from them and each ``do_*`` enforces its own first) is at the end of this module.
"""

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from dgov.accounts.access import is_staff
from dgov.accounts.models import User
from dgov.accounts.roles import Role
from dgov.lib.rules import Verdict, allow, deny, hide, moved_on
from dgov.secretaries.permissions import (
    ASSIGN,
    CHAIR_JOINT_MEETING,
    HANDLE_ISSUE,
    LOG_CONTACT,
    MANAGE_GREEN,
    VIEW_SERVICE,
)
from dgov.workdays.calendar import year_calendar
from dgov.workdays.lights import Light

ONE_DAY = dt.timedelta(days=1)

DEFAULT_ISSUE_DAYS = {"department": 5, "lead_department": 5, "joint_meeting": 10, "district_leader": 10}
DEFAULT_WEIGHTS = {"contacts": 40, "issues": 30, "ratings": 20, "advanced": 10}


def contact_days() -> int:
    return int(getattr(settings, "SECRETARY_CONTACT_DAYS", 7))


def issue_days(level: str) -> int:
    table = {**DEFAULT_ISSUE_DAYS, **getattr(settings, "SECRETARY_ISSUE_DAYS", {})}
    return int(table[level])


def green_channel_ratio() -> float:
    return float(getattr(settings, "GREEN_CHANNEL_RATIO", 0.5))


def scorecard_weights() -> dict[str, int]:
    return {**DEFAULT_WEIGHTS, **getattr(settings, "SCORECARD_WEIGHTS", {})}


def is_holiday(day: dt.date) -> bool:
    """A statutory holiday on a weekday (weekends are ordinary days for the contact rule)."""
    return day in year_calendar(day.year).holidays


def counted_days_between(last: dt.date, today: dt.date) -> int:
    """Days after ``last`` up to and including ``today``, statutory weekday holidays left out."""
    count, day = 0, last
    while day < today:
        day += ONE_DAY
        if not is_holiday(day):
            count += 1
    return count


def contact_cutoff(today: dt.date, days: int | None = None) -> dt.date:
    """The earliest last-contact day that is not overdue on ``today``.

    A project is overdue when more than ``days`` counted days have passed since its last
    counted contact, i.e. when ``last < cutoff``: walking back from ``today``, the cutoff
    is the ``days``-th counted day before it (holidays are stepped over). With no holiday
    in the way and 7 days, a contact on Monday keeps the project off the list through the
    next Monday and puts it on it on Tuesday.
    """
    days = contact_days() if days is None else days
    day, counted = today, 0
    while counted < days:
        if not is_holiday(day):
            counted += 1
        day -= ONE_DAY
    return day


def shortened_days(promised: int) -> int:
    return max(1, math.ceil(promised * green_channel_ratio()))


@dataclass(frozen=True)
class Score:
    """A secretary's scorecard; each part is a share in [0, 1] or None when there is
    nothing to measure (its weight then goes to the parts that can be measured)."""

    contacts: float | None
    issues: float | None
    ratings: float | None
    advanced: float | None

    @property
    def total(self) -> float | None:
        weights = scorecard_weights()
        parts = {name: getattr(self, name) for name in weights}
        used = {name: w for name, w in weights.items() if parts[name] is not None}
        if not used:
            return None
        return round(100 * sum(parts[n] * w for n, w in used.items()) / sum(used.values()), 1)  # type: ignore[operator]


def rating_share(average: float | None) -> float | None:
    """Average rating 1..5 → share 0..1 (非常不满意 0, 非常满意 1)."""
    return None if average is None else (average - 1) / 4


# Who may do what ---------------------------------------------------------------------------


def _staff_of(user: Any, district_id: int) -> bool:
    return is_staff(user) and user.district_id == district_id


def may_assign(user: Any, project: Any) -> Verdict:
    """Name a key project's secretary and responsible leader, or reassign them."""
    if not (_staff_of(user, project.district_id) and user.has_perm(ASSIGN)):
        return hide(_("Your role does not allow this action."))
    if not project.is_key:
        return deny(_("Only a project on the key-project list gets a secretary."))
    return allow()


def may_serve(user: Any, project: Any) -> Verdict:
    """The project's own secretary logs contacts and evidence, plans visits and meetings,
    and raises the enterprise's issues."""
    from dgov.secretaries.models import Secretaryship

    current = Secretaryship.of(project)
    if not (
        _staff_of(user, project.district_id)
        and user.has_perm(LOG_CONTACT)
        and current is not None
        and current.secretary_id == user.pk
    ):
        return hide(_("Only the project's own secretary can do this."))
    return allow()


def answers_for(user: Any, project: Any) -> bool:
    """The project's secretary or responsible leader."""
    from dgov.secretaries.models import Secretaryship

    current = Secretaryship.of(project)
    return (
        _staff_of(user, project.district_id)
        and current is not None
        and user.pk
        in (
            current.secretary_id,
            current.leader_id,
        )
    )


def _answers_at_level(user: Any, issue: Any) -> bool:
    """Who answers at the issue's present level: the department's staff (department and
    lead department), the joint meeting's chair, or a district leader."""
    from dgov.secretaries.models import Level

    if not _staff_of(user, issue.district_id):
        return False
    if issue.level in (Level.DEPARTMENT, Level.LEAD_DEPARTMENT):
        return bool(user.department_id == issue.department_id and user.has_perm(HANDLE_ISSUE))
    if issue.level == Level.JOINT_MEETING:
        return bool(user.has_perm(CHAIR_JOINT_MEETING))
    return bool(user.has_role(Role.DISTRICT_LEADER))


def may_resolve_issue(user: Any, issue: Any) -> Verdict:
    from dgov.secretaries.models import IssueStatus

    if not _answers_at_level(user, issue):
        return hide(_("This issue is not for you to answer at its present level."))
    if issue.status != IssueStatus.OPEN:
        return moved_on(_("This was already handled by someone else."))
    return allow()


def may_decline_issue(user: Any, issue: Any) -> Verdict:
    """The present level says it cannot solve the issue; the top of the ladder answers."""
    verdict = may_resolve_issue(user, issue)
    if verdict and issue.next_level is None:
        return deny(_("The district leader is the top of the ladder and answers."))
    return verdict


def may_escalate(user: Any, issue: Any, today: dt.date) -> Verdict:
    """The project's secretary or responsible leader carries an issue one rung up, once the
    present level declined or its time ran out (a level may not be skipped while it can
    still act)."""
    from dgov.secretaries.models import IssueStatus

    if not answers_for(user, issue.project):
        return hide(_("Only the project's secretary or responsible leader escalates its issues."))
    if issue.status == IssueStatus.RESOLVED:
        return moved_on(_("A resolved issue is not escalated."))
    if issue.next_level is None:
        return deny(_("The district leader is the top of the ladder and answers."))
    if issue.status != IssueStatus.DECLINED and issue.light(today) != Light.RED:
        return deny(
            _("The present level can still act until %(due)s; escalate when it declines or its time runs out.")
            % {"due": issue.deadline.due_text}
        )
    return allow()


def enterprise_may_answer(user: Any, project: Any) -> bool:
    """An enterprise user answers for a project whose investor's credit code is theirs."""
    if not getattr(user, "is_authenticated", False) or user.kind != User.Kind.ENTERPRISE:
        return False
    if not project.investor_credit_code:
        return False
    return bool(
        user.applicant_profiles.filter(
            district_id=project.district_id, credit_code=project.investor_credit_code
        ).exists()
    )


def _answers_for_enterprise(user: Any) -> Verdict:
    """The enterprise answers through the signed link (``user`` None or anyone holding
    it) or as its own user; staff never, not even with the link the secretary holds."""
    if is_staff(user):
        return hide(_("Staff cannot answer for the enterprise."))
    return allow()


def may_confirm_contact(user: Any, contact: Any) -> Verdict:
    """A contact confirmed before stays confirmed: confirming again changes nothing."""
    return _answers_for_enterprise(user)


def may_rate_issue(user: Any, issue: Any) -> Verdict:
    from dgov.secretaries.models import IssueStatus

    verdict = _answers_for_enterprise(user)
    if verdict and issue.status != IssueStatus.RESOLVED:
        return deny(_("The issue can be rated once it is resolved."))
    if verdict and issue.rating is not None:
        return moved_on(_("This issue has already been rated."))
    return verdict


def may_manage_green(user: Any, district_id: int) -> Verdict:
    """Put applications into the green channel and name their lead officials."""
    if not (_staff_of(user, district_id) and user.has_perm(MANAGE_GREEN)):
        return hide(_("Your role does not allow this action."))
    return allow()


def may_enter_green_channel(user: Any, application: Any) -> Verdict:
    from dgov.applications.models import OPEN_STATUSES

    verdict = may_manage_green(user, application.district_id)
    if verdict and application.status not in OPEN_STATUSES:
        return deny(_("Only an open application can enter the green channel."))
    return verdict


def may_change_lead_official(user: Any, case: Any) -> Verdict:
    return may_manage_green(user, case.district_id)


def issues_for(user: User) -> Any:
    """Issues a person may see: the whole district's with the service view; a department's
    staff those routed to their department now or before."""
    from django.db.models import Q

    from dgov.secretaries.models import EnterpriseIssue, IssueStep

    issues = EnterpriseIssue.objects.visible_to(user)
    if user.has_perm(VIEW_SERVICE):
        return issues
    if user.has_perm(HANDLE_ISSUE) and user.department_id:
        # A subquery rather than a join and DISTINCT: the rows stay countable in one
        # aggregate (the home's to-do, ``dgov.lib.todo``).
        routed = IssueStep.objects.filter(department_id=user.department_id).values("issue_id")
        return issues.filter(Q(department_id=user.department_id) | Q(pk__in=routed))
    return issues.none()
