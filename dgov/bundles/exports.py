"""The window's list of bundle applications as CSV / .xlsx (``dgov.lib.exports``)."""

from typing import Any

from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from dgov.accounts.access import is_staff
from dgov.accounts.models import User
from dgov.bundles.forms import IntakeForm
from dgov.bundles.models import OPEN_STATUSES, BundleApplication
from dgov.lib.exports import Column, Export
from dgov.lib.rules import Verdict, allow, hide


def may_read(user: User) -> Verdict:
    return allow() if is_staff(user) else hide(_("Only staff read the bundle list."))


def rows(user: User, query: QueryDict) -> Any:
    form = IntakeForm(query)
    if not form.is_valid():
        raise ValidationError([str(e) for errors in form.errors.values() for e in errors])
    chosen = form.cleaned_data["status"]
    found = BundleApplication.objects.visible_to(user).select_related("bundle", "applicant", "joint_deadline")
    found = found.filter(status=chosen) if chosen else found.filter(status__in=OPEN_STATUSES)
    return found.order_by("received_on", "pk")


EXPORTS = [
    Export(
        "bundles.intake",
        _("Bundle applications"),
        may_read,
        rows,
        [
            Column(_("Bundle application number"), lambda b: b.number),
            Column(_("Bundle"), lambda b: b.bundle.name),
            Column(_("Applicant"), lambda b: b.applicant.name),
            Column(_("Status"), lambda b: b.get_status_display()),
            Column(_("Received on"), lambda b: b.received_on),
            Column(_("Accepted on"), lambda b: b.accepted_on),
            Column(_("Joint due date"), lambda b: b.joint_deadline.due_date if b.joint_deadline else None),
            Column(_("Certificates issued on"), lambda b: b.issued_on),
            Column(_("Completed on"), lambda b: b.completed_on),
        ],
    )
]
