"""Who may do what with policies: one predicate per action (``dgov.lib.rules``).

The pages build their buttons from these verdicts and the actions enforce them, so the
reason a button is disabled is the reason the action refuses.
"""

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _

from dgov.accounts.access import is_staff
from dgov.accounts.models import User
from dgov.lib.rules import Verdict, allow, deny, hide, moved_on
from dgov.policies.models import EnterpriseProfile, Mode, Policy, PolicyStatus
from dgov.policies.permissions import GRANT, MANAGE

__all__ = [
    "is_enterprise_of",
    "may_confirm_facts",
    "may_confirm_list",
    "may_grant_from_application",
    "may_manage_policies",
    "may_publish",
    "may_receive",
    "may_withdraw",
]


def is_enterprise_of(user: Any, profile: EnterpriseProfile) -> bool:
    """``user`` is the enterprise's own login (its applicant profile's user)."""
    return (
        getattr(user, "is_authenticated", False)
        and getattr(user, "kind", "") == User.Kind.ENTERPRISE
        and profile.applicant.user_id == user.pk
    )


def _in_district(user: Any, district_id: int) -> bool:
    return is_staff(user) and user.district_id == district_id


def may_manage_policies(user: Any, district_id: int | None = None) -> Verdict:
    """Write, import and edit policies of the district."""
    if not is_staff(user) or not user.has_perm(MANAGE):
        return hide(_("Only the policy library's editors write policies."))
    if district_id is not None and user.district_id != district_id:
        return hide(_("This belongs to another district."))
    return allow()


def may_edit(user: Any, policy: Policy) -> Verdict:
    verdict = may_manage_policies(user, policy.district_id)
    if not verdict:
        return verdict
    if policy.status != PolicyStatus.DRAFT:
        return deny(_("A published policy is not edited: withdraw it and write a new one."))
    return allow()


def may_publish(user: Any, policy: Policy) -> Verdict:
    verdict = may_manage_policies(user, policy.district_id)
    if not verdict:
        return verdict
    if policy.status != PolicyStatus.DRAFT:
        return moved_on(_("Only a draft is published."))
    return allow()


def may_withdraw(user: Any, policy: Policy) -> Verdict:
    verdict = may_manage_policies(user, policy.district_id)
    if not verdict:
        return verdict
    if policy.status == PolicyStatus.WITHDRAWN:
        return moved_on(_("The policy has been withdrawn."))
    if policy.status != PolicyStatus.PUBLISHED:
        return deny(_("Only a published policy is withdrawn."))
    return allow()


def _grantor(user: Any, policy: Policy) -> Verdict:
    if not _in_district(user, policy.district_id) or not user.has_perm(GRANT):
        return hide(_("Only the granting department's staff grant this policy."))
    if user.department_id != policy.department_id:
        return hide(_("Only %(department)s grants this policy.") % {"department": policy.department})
    return allow()


def _in_force(policy: Policy, today: dt.date) -> Verdict:
    if policy.status != PolicyStatus.PUBLISHED:
        return deny(_("The policy is not published."))
    if today < policy.valid_from:
        return deny(_("The policy is valid from %(day)s.") % {"day": policy.valid_from.isoformat()})
    if today > policy.valid_to:
        return deny(
            _("The policy expired on %(day)s: it matches no one and grants nothing.")
            % {"day": policy.valid_to.isoformat()}
        )
    return allow()


def may_confirm_list(user: Any, policy: Policy, today: dt.date) -> Verdict:
    """免申即享: the granting department confirms the list of matched enterprises."""
    verdict = _grantor(user, policy)
    if not verdict:
        return verdict
    if policy.mode != Mode.AUTOMATIC:
        return deny(_("Only a policy granted without application has a list to confirm."))
    return _in_force(policy, today)


def may_grant_from_application(user: Any, policy: Policy, application: Any, today: dt.date) -> Verdict:
    """An ordinary application for the policy's item was approved: its department grants."""
    from dgov.applications.models import Status

    verdict = _grantor(user, policy)
    if not verdict:
        return verdict
    if policy.mode != Mode.APPLICATION:
        return deny(_("This policy is not received through an ordinary application."))
    if application.district_id != policy.district_id or application.item_id != policy.service_item_id:
        return deny(_("The application is not for this policy's service item."))
    if application.status not in (Status.APPROVED, Status.COMPLETED):
        return deny(_("The application has not been approved."))
    return _in_force(policy, today)


def may_receive(user: Any, policy: Policy, profile: EnterpriseProfile, today: dt.date) -> Verdict:
    """即申即享: the enterprise itself receives the benefit with one click."""
    if not is_enterprise_of(user, profile):
        return hide(_("Only the enterprise itself applies."))
    if policy.district_id != profile.district_id:
        return hide(_("This policy is another district's."))
    if policy.mode != Mode.ONE_CLICK:
        return deny(_("This policy is not received with one click."))
    return _in_force(policy, today)


def may_confirm_facts(user: Any, profile: EnterpriseProfile) -> Verdict:
    if not is_enterprise_of(user, profile):
        return hide(_("Only the enterprise itself confirms its facts."))
    return allow()
