"""The staff queue as CSV / .xlsx (``dgov.lib.exports``), with the page's filters."""

from typing import Any

from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from dgov.accounts.access import is_staff
from dgov.accounts.models import User
from dgov.applications import lists
from dgov.lib import clock
from dgov.lib.exports import Column, Export
from dgov.lib.rules import Verdict, allow, hide


def may_read_queue(user: User) -> Verdict:
    return allow() if is_staff(user) else hide(_("Only staff read the queue."))


def queue_rows(user: User, query: QueryDict) -> Any:
    today = clock.today()
    rows = lists.queue(user, query, today).rows
    return (
        rows.annotate(promised_light=lists.promised_light(today))
        .select_related("item_version", "applicant", "department", "legal_deadline", "promised_deadline", "window")
        .order_by("received_on", "pk")
    )


EXPORTS = [
    Export(
        "applications.queue",
        _("Applications"),
        may_read_queue,
        queue_rows,
        [
            Column(_("Application number"), lambda a: a.number),
            Column(_("Service item"), lambda a: a.item_version.name),
            Column(_("Department"), lambda a: a.department.name),
            Column(_("Applicant"), lambda a: a.applicant.name),
            Column(_("Channel"), lambda a: a.get_channel_display()),
            Column(_("Window"), lambda a: a.window.number if a.window else ""),
            Column(_("Status"), lambda a: a.get_status_display()),
            Column(_("Received on"), lambda a: a.received_on),
            Column(_("Accepted on"), lambda a: a.accepted_on),
            Column(_("Promised due date"), lambda a: a.promised_deadline.due_date if a.promised_deadline else None),
            Column(_("Legal due date"), lambda a: a.legal_deadline.due_date if a.legal_deadline else None),
            Column(_("Promised time limit"), lambda a: a.promised_light or ""),
            Column(_("Decided on"), lambda a: a.decided_on),
            Column(_("Completed on"), lambda a: a.completed_on),
            Column(_("Visits in person"), lambda a: a.visits),
        ],
    )
]
