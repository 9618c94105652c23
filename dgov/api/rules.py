"""Who may issue and revoke API tokens (``dgov.lib.rules``), enforced by ``do_*`` of
``actions``: a person for themselves, or an administrator of the district for its staff
(a department system's account). The console's commands act as the platform itself."""

from django.utils.translation import gettext as _

from dgov.accounts.access import is_staff
from dgov.accounts.models import User
from dgov.accounts.roles import MANAGE_STAFF
from dgov.lib.rules import Verdict, allow, hide


def may_manage_token(by: User, owner: User) -> Verdict:
    if by.pk == owner.pk and by.is_active:
        return allow()
    if is_staff(by) and by.has_perm(MANAGE_STAFF) and owner.district_id == by.district_id:
        return allow()
    return hide(_("Your role does not allow this action."))
