"""Who may do what with accounts and applicants: one predicate per act
(``dgov.lib.rules``), enforced by each ``do_*`` of ``actions`` and read by the pages.

Each is staff work within one's own district by a role holding the act's permission.
"""

from typing import Any

from django.utils.translation import gettext as _

from dgov.accounts.access import is_staff
from dgov.accounts.models import User
from dgov.accounts.roles import ADD_APPLICANT, MANAGE_STAFF, REVEAL
from dgov.lib.rules import Verdict, allow, hide


def _in_district(user: User, district: Any, permission: str) -> Verdict:
    district_id = getattr(district, "pk", district)
    if not is_staff(user) or user.district_id != district_id or not user.has_perm(permission):
        return hide(_("Your role does not allow this action."))
    return allow()


def may_manage_staff(user: User, district: Any) -> Verdict:
    """Create staff accounts of ``district`` (a district or its id)."""
    return _in_district(user, district, MANAGE_STAFF)


def may_register_applicant(user: User, district: Any) -> Verdict:
    """Register an applicant of ``district`` at a window."""
    return _in_district(user, district, ADD_APPLICANT)


def may_reveal(user: User, district: Any) -> Verdict:
    """Show an applicant of ``district``'s full ID or phone number (the asking is audited)."""
    return _in_district(user, district, REVEAL)


def may_manage_agents(user: User, enterprise: Any) -> Verdict:
    """Add, change and remove the agents (经办人) of ``enterprise``: its own account, the one
    its legal representative opened."""
    if (
        not getattr(user, "is_authenticated", False)
        or enterprise.kind != "enterprise"
        or enterprise.user_id is None
        or enterprise.user_id != user.pk
    ):
        return hide(_("Only the enterprise's own account manages its agents."))
    return allow()


def acts_for(user: Any, applicant: Any, permission: str) -> bool:
    """Whether ``user`` is ``applicant`` (its account) or one of its agents holding
    ``permission`` (a field of ``Agent.PERMISSIONS``)."""
    from dgov.accounts.models import Agent

    if not getattr(user, "is_authenticated", False) or applicant is None:
        return False
    if applicant.user_id is not None and applicant.user_id == user.pk:
        return True
    if applicant.kind != "enterprise" or user.kind == User.Kind.STAFF:
        return False
    return Agent.objects.for_user(user).filter(enterprise_id=applicant.pk, **{permission: True}).exists()
