"""Verification: what the public page, the QR link and ``verify_certificate`` say.

A file is judged by its bytes: the SHA-256 must be that of a certificate (or annotated
copy) this platform issued, and its PAdES signature must validate against the district
CA; the certificate's SM2 seal must match its metadata. A file that names one of our
identifiers but has other bytes was altered; anything else was not issued here.
"""

import datetime as dt
import hashlib
import io
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dgov.certificates import sm2
from dgov.certificates.identifiers import SEARCH_PATTERN, is_well_formed
from dgov.certificates.models import AnnotatedCopy, Certificate, CertificateStatus
from dgov.certificates.sealing import run_async


class Outcome(models.TextChoices):
    VALID = "valid", _("Valid")
    ALTERED = "altered", _("Altered")
    SUSPENDED = "suspended", _("Suspended")
    REVOKED = "revoked", _("Revoked")
    WITHDRAWN = "withdrawn", _("No longer in force")
    EXPIRED = "expired", _("Expired")
    NOT_ISSUED_HERE = "not_issued_here", _("Not issued by this platform")


# 暂扣 → suspended; 撤销, 吊销 → revoked; 注销, 失效, 转出 → no longer in force.
_STATUS_OUTCOMES = {
    CertificateStatus.SUSPENDED: Outcome.SUSPENDED,
    CertificateStatus.ANNULLED: Outcome.REVOKED,
    CertificateStatus.REVOKED: Outcome.REVOKED,
    CertificateStatus.CANCELLED: Outcome.WITHDRAWN,
    CertificateStatus.LAPSED: Outcome.WITHDRAWN,
    CertificateStatus.TRANSFERRED: Outcome.WITHDRAWN,
}


@dataclass(frozen=True)
class Verdict:
    outcome: Outcome
    certificate: Certificate | None = None
    copy: AnnotatedCopy | None = None
    date: dt.date | None = None  # of the suspension, revocation or expiry

    @property
    def is_valid(self) -> bool:
        return self.outcome == Outcome.VALID


def _certificates() -> Any:
    return Certificate.objects.select_related("certificate_type", "seal")


def judge(certificate: Certificate, today: dt.date | None = None, copy: AnnotatedCopy | None = None) -> Verdict:
    """The certificate's standing today, from its status and validity (and the copy's expiry)."""
    today = today or timezone.localdate()
    outcome = _STATUS_OUTCOMES.get(CertificateStatus(certificate.status))
    if outcome is not None:
        return Verdict(outcome, certificate, copy, certificate.status_changed_on)
    if today > certificate.valid_to:
        return Verdict(Outcome.EXPIRED, certificate, copy, certificate.valid_to)
    if copy is not None and today > copy.expires_on:
        return Verdict(Outcome.EXPIRED, certificate, copy, copy.expires_on)
    return Verdict(Outcome.VALID, certificate, copy)


def verify_reference(reference: str, today: dt.date | None = None) -> Verdict:
    """By identifier (the QR link) or certificate number."""
    reference = reference.strip().upper()
    field = "identifier" if is_well_formed(reference) else "number"
    certificate = _certificates().filter(**{field: reference}).first()
    if certificate is None:
        return Verdict(Outcome.NOT_ISSUED_HERE)
    return judge(certificate, today)


def verify_copy_code(code: str, today: dt.date | None = None) -> Verdict:
    copy = AnnotatedCopy.objects.select_related("certificate__certificate_type").filter(code=code).first()
    if copy is None:
        return Verdict(Outcome.NOT_ISSUED_HERE)
    return judge(copy.certificate, today, copy)


def seal_intact(certificate: Certificate) -> bool:
    """The SM2 seal matches the stored metadata, and the metadata names the file hash."""
    try:
        public = sm2.PublicKey.from_pem(certificate.seal.sm2_public_key_pem)
        signature = bytes.fromhex(certificate.seal_value)
    except (sm2.InvalidKey, ValueError):
        return False
    if f'"file_sha256":"{certificate.file_sha256}"' not in certificate.seal_metadata:
        return False
    return public.verify(certificate.seal_metadata.encode(), signature)


def pades_intact(data: bytes, ca_pem: str) -> bool:
    """One PAdES signature covering the whole file, made under the district CA."""
    from asn1crypto import pem, x509
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import async_validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    try:
        _type, _headers, der = pem.unarmor(ca_pem.encode())
        context = ValidationContext(trust_roots=[x509.Certificate.load(der)], allow_fetching=False)
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = reader.embedded_signatures
        if len(signatures) != 1:
            return False
        status = run_async(lambda: async_validate_pdf_signature(signatures[0], context))
    except Exception:
        # Whatever a damaged or hostile file makes the parser or validator raise, the
        # answer is the same: the signature does not hold.
        return False
    return bool(
        status.intact and status.valid and status.trusted and status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    )


def verify_file(data: bytes, today: dt.date | None = None, *, check_signatures: bool = True) -> Verdict:
    digest = hashlib.sha256(data).hexdigest()
    certificate = _certificates().filter(file_sha256=digest).first()
    copy = None
    if certificate is None:
        copy = (
            AnnotatedCopy.objects.select_related("certificate__certificate_type", "certificate__seal")
            .filter(file_sha256=digest)
            .first()
        )
        certificate = copy.certificate if copy is not None else None
    if certificate is not None:
        if check_signatures and not pades_intact(data, certificate.seal.ca_certificate_pem):
            return Verdict(Outcome.ALTERED, certificate, copy)
        if check_signatures and not seal_intact(certificate):
            return Verdict(Outcome.ALTERED, certificate, copy)
        return judge(certificate, today, copy)
    # Not our bytes: does the file claim to be one of ours? (Any single changed byte
    # leaves at least one of the identifier's uncompressed copies readable.)
    identifiers = {m.decode() for m in SEARCH_PATTERN.findall(data)}
    if identifiers and _certificates().filter(identifier__in=identifiers).exists():
        return Verdict(Outcome.ALTERED)
    return Verdict(Outcome.NOT_ISSUED_HERE)
