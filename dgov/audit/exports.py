"""The audit trail for auditors, as CSV / .xlsx (``dgov.lib.exports``), with the list's filters;
roles, acts and object types in words, the codes in the last columns."""

from typing import Any

from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from dgov.accounts.access import is_staff
from dgov.accounts.models import User
from dgov.accounts.roles import VIEW_AUDIT
from dgov.audit.forms import EntryFilterForm
from dgov.audit.models import AuditEntry
from dgov.lib.exports import Column, Export
from dgov.lib.rules import Verdict, allow, hide


def may_read(user: User) -> Verdict:
    return allow() if is_staff(user) and user.has_perm(VIEW_AUDIT) else hide(_("Only auditors read the audit trail."))


def rows(user: User, query: QueryDict) -> Any:
    return EntryFilterForm(query).apply(AuditEntry.objects.visible_to(user)).order_by("-id")


EXPORTS = [
    Export(
        "audit.entries",
        _("Audit trail"),
        may_read,
        rows,
        [
            Column(_("Sequence number"), lambda e: e.pk),
            Column(_("Time"), lambda e: e.at),
            Column(_("Actor"), lambda e: e.actor_name),
            Column(_("Role"), lambda e: "、".join(e.role_labels)),
            Column(_("Client address"), lambda e: e.ip),
            Column(_("Act"), lambda e: e.verb_label),
            Column(_("Object type"), lambda e: e.object_type_label),
            Column(_("Object id"), lambda e: e.object_id),
            Column(_("Object"), lambda e: e.object_repr),
            Column(_("Change"), lambda e: e.changes),
            Column(_("Outcome"), lambda e: e.get_outcome_display()),
            Column(_("Request id"), lambda e: e.request_id),
            # The stored codes last, for a reader who filters the trail by them.
            Column(_("Act (code)"), lambda e: e.verb),
            Column(_("Object type (code)"), lambda e: e.object_type),
        ],
    )
]
