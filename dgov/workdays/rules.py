"""Who may change the working-day calendar: one predicate (``dgov.lib.rules``), enforced by
``do_import_year``, ``do_set_day`` and ``do_clear_day`` and shown by the calendar pages.

The calendar is the whole platform's (every district counts in the State Council's
arrangement), so the rule is the permission alone. Deadlines (``do_create_deadline``,
``do_extend_deadline``, ``do_close_deadline``) are moved only inside an act of another app
that has enforced its own predicate first; ``may_extend_deadline`` is the part of those
predicates that belongs to the deadline itself (an extension only while the limit runs).
"""

import datetime as dt

from django.utils.translation import gettext as _

from dgov.accounts.access import is_staff
from dgov.accounts.models import User
from dgov.accounts.roles import EDIT_CALENDAR
from dgov.lib.rules import Verdict, allow, deny, hide
from dgov.workdays.models import Deadline


def may_edit_calendar(user: User) -> Verdict:
    if not is_staff(user) or not user.has_perm(EDIT_CALENDAR):
        return hide(_("Your role does not allow this action."))
    return allow()


def may_extend_deadline(deadline: Deadline | None, today: dt.date) -> Verdict:
    """An extension (Administrative Licensing Law Art. 42: 10 working days; a bundle's 15)
    is decided while the limit runs. Once it has ended the case is overdue and stays so: an
    extension then would turn a late case green after the fact."""
    if deadline is None or deadline.closed_at is not None:
        return deny(_("There is no running time limit to extend."))
    if deadline.ended(today):
        return deny(
            _(
                "The time limit ended on %(date)s: an extension must be decided before the limit ends, "
                "and the case stays overdue."
            )
            % {"date": deadline.due_text}
        )
    return allow()
