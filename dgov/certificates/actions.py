"""Changes to issued certificates: status changes and annotated copies (加注件).

Issuing lives in ``sealing`` (the seal service); verification in ``verify``.
"""

import datetime as dt
import hashlib
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from dgov.accounts.models import User
from dgov.audit.trail import record
from dgov.certificates import pdf, sealing
from dgov.certificates.models import (
    AnnotatedCopy,
    Certificate,
    CertificateStatus,
    CertificateStatusChange,
    SealUsePurpose,
)
from dgov.certificates.rules import may_change_status, may_make_copy
from dgov.certificates.verify import Outcome, judge
from dgov.lib import clock
from dgov.lib.conflicts import Conflict
from dgov.lib.rules import enforce

CHANGE_STATUS = "certificates.change_certificate_status"

# From a status, the statuses a permitted official may move a certificate to. 暂扣 can be
# lifted (back to 有效); 撤销, 注销, 失效, 转出 and 吊销 end the certificate.
TRANSITIONS: dict[str, set[str]] = {
    CertificateStatus.VALID: {
        CertificateStatus.SUSPENDED,
        CertificateStatus.ANNULLED,
        CertificateStatus.CANCELLED,
        CertificateStatus.LAPSED,
        CertificateStatus.TRANSFERRED,
        CertificateStatus.REVOKED,
    },
    CertificateStatus.SUSPENDED: {
        CertificateStatus.VALID,
        CertificateStatus.ANNULLED,
        CertificateStatus.CANCELLED,
        CertificateStatus.REVOKED,
    },
}


def do_change_status(certificate: Certificate, to: str, reason: str, by: User) -> CertificateStatusChange:
    enforce(may_change_status(by, certificate))
    if not reason.strip():
        raise ValidationError(_("A status change states its reason."), code="reason")
    to = CertificateStatus(to)
    before = certificate.status
    if to not in TRANSITIONS.get(before, set()):
        raise ValidationError(
            _("A certificate that is %(from)s cannot become %(to)s.")
            % {"from": CertificateStatus(before).label, "to": to.label},
            code="transition",
        )
    today = clock.today()
    with transaction.atomic():
        changed = Certificate.objects.filter(pk=certificate.pk, status=before).update(
            status=to, status_changed_on=today
        )
        if changed != 1:
            raise Conflict(_("Someone else changed this certificate's status first."))
        certificate.status, certificate.status_changed_on = to, today
        change = CertificateStatusChange.objects.create(
            certificate=certificate, by=by, from_status=before, to_status=to, reason=reason
        )
        record(
            "certificate.status",
            certificate,
            actor=by,
            changes={"status": [before, str(to)], "reason": reason},
        )
    return change


def do_annotated_copy(certificate: Certificate, purpose: str, expires_on: dt.date, by: User) -> AnnotatedCopy:
    """The holder makes a copy bound to one use: it states the purpose and an expiry,
    carries the seal in force (PAdES and its own SM2 seal), and verifies as such until it
    expires."""
    enforce(may_make_copy(by, certificate))
    application = certificate.application
    purpose = purpose.strip()
    if not purpose:
        raise ValidationError(_("State what the copy is for."), code="purpose")
    today = clock.today()
    if expires_on < today:
        raise ValidationError(_("The expiry date has already passed."), code="expired")
    if expires_on > certificate.valid_to:
        raise ValidationError(_("A copy cannot outlive the certificate."), code="too_long")
    if judge(certificate, today).outcome != Outcome.VALID:
        raise ValidationError(_("Only a valid certificate can be copied."), code="not_valid")
    # The copy is sealed with the seal in force today (the certificate's own may have ended).
    seal = sealing.seal_for(application, certificate.certificate_type, today)
    code = secrets.token_hex(12)
    annotation = f"加注件：仅用于{purpose}，{pdf.format_date(expires_on)}前有效（{code}）"
    content = sealing.content_for(certificate, url=sealing.copy_verify_url(code), annotation=annotation, seal=seal)
    layout = certificate.certificate_type.layout
    signed = sealing.pades_sign(pdf.render(content), seal, reason="电子证照加注件", box=pdf.seal_box(layout))
    copy = AnnotatedCopy(
        certificate=certificate,
        code=code,
        purpose=purpose,
        expires_on=expires_on,
        file_sha256=hashlib.sha256(signed).hexdigest(),
        storage_name=secrets.token_hex(16),
        created_by=by,
        seal=seal,
    )
    copy.seal_metadata = sealing.canonical(
        sealing.copy_metadata(copy, sealed_at=clock.now().isoformat(timespec="seconds"))
    ).decode()
    copy.seal_value = sealing.key_store().sign(seal.key_id, copy.seal_metadata.encode()).hex()
    staged = sealing.write_file(copy.storage_name, signed)
    try:
        with transaction.atomic():
            copy.save(force_insert=True)
            sealing.record_seal_use(
                seal=seal,
                document_sha256=copy.file_sha256,
                application=application,
                certificate=certificate,
                annotated_copy=copy,
                by=by,
                purpose=SealUsePurpose.ANNOTATED_COPY,
            )
            record("certificate.annotated_copy", certificate, actor=by, changes={"purpose": purpose})
            staged.place()
    except BaseException:
        staged.discard()
        raise
    return copy
