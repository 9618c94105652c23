from typing import Any

from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from dgov.accounts.models import User
from dgov.cockpit.permissions import VIEW_COCKPIT
from dgov.lib import clock
from dgov.lib.exports import Column, Export
from dgov.lib.rules import Verdict, allow, hide


def may_read(user: User) -> Verdict:
    return allow() if user.has_perm(VIEW_COCKPIT) else hide(_("Your role does not see the cockpit's figures."))


def cases(user: User, query: QueryDict) -> Any:
    from dgov.cockpit.access import drilled, own_unit
    from dgov.cockpit.forms import DrillForm

    form = DrillForm(query, district_id=user.district_id or 0, today=clock.today(), fixed_department=own_unit(user))
    if not form.is_valid():
        raise ValidationError([str(e) for errors in form.errors.values() for e in errors])
    return (
        drilled(user, form)
        .select_related("item_version", "department", "promised_deadline")
        .order_by("received_on", "pk")
    )


EXPORTS = [
    Export(
        "cockpit.cases",
        _("Cases behind a figure"),
        may_read,
        cases,
        [
            Column(_("Application number"), lambda a: a.number),
            Column(_("Item"), lambda a: a.item_version.name),
            Column(_("Department"), lambda a: a.department.name),
            Column(_("Status"), lambda a: a.get_status_display()),
            Column(_("Received on"), lambda a: a.received_on),
            Column(_("Accepted on"), lambda a: a.accepted_on),
            Column(_("Promised due date"), lambda a: a.promised_deadline.due_date if a.promised_deadline else None),
            Column(_("Decided on"), lambda a: a.decided_on),
            Column(_("Completed on"), lambda a: a.completed_on),
            Column(_("Visits in person"), lambda a: a.visits),
        ],
    )
]
