"""Who may change the catalogue: one predicate (``dgov.lib.rules``) for every write of it,
enforced by ``do_publish_version``, ``do_import_catalogue`` and ``do_set_event_items``."""

from typing import Any

from django.utils.translation import gettext as _

from dgov.accounts.access import is_staff
from dgov.accounts.models import User
from dgov.accounts.roles import MANAGE_CATALOGUE
from dgov.lib.rules import Verdict, allow, hide


def may_manage_catalogue(user: User, district: Any) -> Verdict:
    """An administrator of ``district`` (a district or its id) edits its catalogue."""
    district_id = getattr(district, "pk", district)
    if not is_staff(user) or user.district_id != district_id or not user.has_perm(MANAGE_CATALOGUE):
        return hide(_("Your role does not allow this action."))
    return allow()
