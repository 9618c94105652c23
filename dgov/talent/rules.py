"""Who may do what with talent: one predicate per action (``dgov.lib.rules``)."""

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _

from dgov.accounts.access import is_staff
from dgov.lib.rules import Verdict, allow, deny, hide
from dgov.talent.models import Programme, Talent
from dgov.talent.permissions import AWARD, KEEP, VIEW


def may_view(user: Any) -> Verdict:
    if is_staff(user) and (user.has_perm(VIEW) or user.has_perm(KEEP) or user.has_perm(AWARD)):
        return allow()
    return hide(_("Only the talent office and the district's leaders see the talent register."))


def may_keep_register(user: Any, district_id: int | None = None) -> Verdict:
    if not is_staff(user) or not user.has_perm(KEEP):
        return hide(_("Only the talent office keeps the register and writes programmes."))
    if district_id is not None and user.district_id != district_id:
        return hide(_("This belongs to another district."))
    return allow()


def may_reveal(user: Any, talent: Talent) -> Verdict:
    """Show a talent's full ID or phone number: who may reveal applicants' numbers, for a
    talent of the register they see (the asking is audited with its reason)."""
    from dgov.accounts.rules import may_reveal as may_reveal_personal_data

    return may_view(user) & may_reveal_personal_data(user, talent.district_id)


def may_award(user: Any, programme: Programme, application: Any, today: dt.date) -> Verdict:
    """The programme's department awards the benefit on an approved application."""
    from dgov.applications.models import Status

    if not is_staff(user) or not user.has_perm(AWARD) or user.district_id != programme.district_id:
        return hide(_("Only the programme's department awards its benefit."))
    if user.department_id != programme.department_id:
        return hide(_("Only %(department)s awards this programme.") % {"department": programme.department})
    if application.item_id != programme.service_item_id or application.district_id != programme.district_id:
        return deny(_("The application is not for this programme's service item."))
    if application.status not in (Status.APPROVED, Status.COMPLETED):
        return deny(_("The application has not been approved."))
    if not programme.in_force_on(today):
        return deny(_("The programme is not in force."))
    return allow()
