"""Who may change the working-day calendar: one predicate (``dgov.lib.rules``), enforced by
``do_import_year``, ``do_set_day`` and ``do_clear_day`` and shown by the calendar pages.

The calendar is the whole platform's (every district counts in the State Council's
arrangement), so the rule is the permission alone. Deadlines (``do_create_deadline``,
``do_extend_deadline``, ``do_close_deadline``) are moved only inside an act of another app
that has enforced its own predicate first.
"""

from django.utils.translation import gettext as _

from dgov.accounts.access import is_staff
from dgov.accounts.models import User
from dgov.accounts.roles import EDIT_CALENDAR
from dgov.lib.rules import Verdict, allow, hide


def may_edit_calendar(user: User) -> Verdict:
    if not is_staff(user) or not user.has_perm(EDIT_CALENDAR):
        return hide(_("Your role does not allow this action."))
    return allow()
