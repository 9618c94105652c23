"""The district's certificates and the seal ledger as CSV / .xlsx (``dgov.lib.exports``).
Holder codes (ID numbers) are masked, as on the pages."""

from typing import Any

from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from dgov.accounts.access import is_staff
from dgov.accounts.models import User
from dgov.accounts.roles import CHANGE_CERTIFICATE_STATUS, ISSUE_CERTIFICATE
from dgov.certificates.models import Certificate, SealUse
from dgov.certificates.rules import may_see_ledger
from dgov.lib.exports import Column, Export
from dgov.lib.personal import mask_id_number
from dgov.lib.rules import Verdict, allow, hide


def may_read_certificates(user: User) -> Verdict:
    if is_staff(user) and (user.has_perm(ISSUE_CERTIFICATE) or user.has_perm(CHANGE_CERTIFICATE_STATUS)):
        return allow()
    return hide(_("Only those who issue or change certificates read their list."))


def certificates(user: User, query: QueryDict) -> Any:
    return (
        Certificate.objects.filter(district_id=user.district_id or 0)
        .select_related("certificate_type", "seal")
        .order_by("-issued_on", "-pk")
    )


def seal_uses(user: User, query: QueryDict) -> Any:
    return (
        SealUse.objects.filter(district_id=user.district_id or 0)
        .select_related("seal", "application", "certificate", "by")
        .order_by("-at", "-pk")
    )


EXPORTS = [
    Export(
        "certificates.issued",
        _("Certificates"),
        may_read_certificates,
        certificates,
        [
            Column(_("Certificate number"), lambda c: c.number),
            Column(_("Certificate type"), lambda c: c.certificate_type.name),
            Column(_("Service item"), lambda c: c.item_name),
            Column(_("Holder"), lambda c: c.holder_name),
            Column(
                _("Holder code"),
                lambda c: mask_id_number(c.holder_code) if c.holder_code_kind == "id_number" else c.holder_code,
            ),
            Column(_("Issued on"), lambda c: c.issued_on),
            Column(_("Valid to"), lambda c: c.valid_to),
            Column(_("Status"), lambda c: c.get_status_display()),
            Column(_("Seal"), lambda c: c.seal.name if c.seal else ""),
        ],
    ),
    Export(
        "certificates.seal_ledger",
        _("Seal ledger"),
        lambda user: may_see_ledger(user) if is_staff(user) else hide(),
        seal_uses,
        [
            Column(_("Time"), lambda u: u.at),
            Column(_("Seal"), lambda u: u.seal.name),
            Column(_("Purpose"), lambda u: u.get_purpose_display()),
            Column(_("Application number"), lambda u: u.application.number if u.application else ""),
            Column(_("Certificate number"), lambda u: u.certificate.number if u.certificate else ""),
            Column(_("Document hash (SHA-256)"), lambda u: u.document_sha256),
            Column(_("By"), lambda u: u.by.username),
            Column(_("Note"), lambda u: u.note),
        ],
    ),
]
