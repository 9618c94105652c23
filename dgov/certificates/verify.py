"""Verification: what the public page, the QR link and ``verify_certificate`` say.

What is shown is what was sealed: the holder, validity and the rest come from the
metadata the SM2 seal covers, verified against the seal's public key, never from the
database columns beside it. The database and the sealed record must agree (and the
certificate must have its seal use in the ledger, its stored file its sealed hash, its
status its status log): where they do not, the answer is "records disagree", logged and
reported to the seal officers. Only the status (suspended, revoked …) is the database's.

A certificate is judged at the time it was signed, taken from its RFC 3161 timestamp (or,
for the platform's own records, the sealed time): a seal that has since expired or been
replaced does not make a genuine certificate invalid; a seal revoked (the district CA's
CRL) before the signing does.

A file is judged by its bytes: its SHA-256 must be that of a certificate (or annotated
copy) this platform issued, with a PAdES signature over the whole file under the district
CA. The same file with an update appended is "changed after sealing"; a file that names
one of our identifiers but has other bytes was altered; anything else was not issued here.
"""

import datetime as dt
import hashlib
import io
import json
import logging
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from dgov.certificates import sm2
from dgov.certificates.identifiers import SEARCH_PATTERN, is_well_formed
from dgov.certificates.models import (
    AnnotatedCopy,
    Certificate,
    CertificateStatus,
    FindingKind,
    LedgerFinding,
    RevocationList,
    Seal,
    SealUse,
    SealUsePurpose,
)
from dgov.certificates.sealing import run_async
from dgov.lib import clock
from dgov.lib.files import files
from dgov.lib.links import public_url

logger = logging.getLogger(__name__)


class Outcome(models.TextChoices):
    VALID = "valid", _("Valid")
    ALTERED = "altered", _("Altered")
    CHANGED = "changed", _("Changed after sealing")
    RECORDS_DISAGREE = "records_disagree", _("Records disagree")
    SEAL_REVOKED = "seal_revoked", _("Sealed after the seal was revoked")
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

# Sealed metadata key → how the database holds it.
_SEALED_COLUMNS = {
    "number": lambda c: c.number,
    "identifier": lambda c: c.identifier,
    "holder": lambda c: c.holder_name,
    "holder_code": lambda c: c.shown_holder_code,
    "holder_code_kind": lambda c: c.holder_code_kind,
    "issuer": lambda c: c.issuer_name,
    "issuer_code": lambda c: c.issuer_code,
    "issued_on": lambda c: c.issued_on.isoformat(),
    "valid_from": lambda c: c.valid_from.isoformat(),
    "valid_to": lambda c: c.valid_to.isoformat(),
    "item": lambda c: c.item_name,
    "region": lambda c: c.region,
    "file_sha256": lambda c: c.file_sha256,
    "seal_key_id": lambda c: c.seal.key_id,
    "verification_code": lambda c: c.verification_code,
}


@dataclass(frozen=True)
class Verdict:
    outcome: Outcome
    certificate: Certificate | None = None
    copy: AnnotatedCopy | None = None
    date: dt.date | None = None  # of the suspension, revocation or expiry
    sealed: dict[str, Any] | None = None  # the metadata, verified against the seal
    signed_at: dt.datetime | None = None
    seal: Seal | None = None
    problems: tuple[str, ...] = field(default=())
    detailed: bool = True  # False when asked by number: the holder is not shown

    @property
    def is_valid(self) -> bool:
        return self.outcome == Outcome.VALID

    @property
    def signed_on(self) -> dt.date | None:
        return timezone.localtime(self.signed_at).date() if self.signed_at else None


def _sealed_time(value: Any) -> dt.datetime:
    moment = dt.datetime.fromisoformat(str(value))
    return timezone.make_aware(moment, dt.UTC) if timezone.is_naive(moment) else moment


def _certificates() -> Any:
    return Certificate.objects.select_related("certificate_type", "seal")


@lru_cache(maxsize=256)
def _public_key(pem: str) -> sm2.PublicKey:
    return sm2.PublicKey.from_pem(pem)


def read_seal(seal: Seal | None, metadata: str, value: str) -> dict[str, Any] | None:
    """The sealed metadata, if the SM2 seal over it holds; else None."""
    if seal is None or not metadata or not value:
        return None
    try:
        ok = _public_key(seal.sm2_public_key_pem).verify(metadata.encode(), bytes.fromhex(value))
        sealed = json.loads(metadata) if ok else None
    except (sm2.InvalidKey, ValueError):
        return None
    return sealed if isinstance(sealed, dict) else None


@lru_cache(maxsize=64)
def _revocations(der: bytes, ca_pem: str) -> dict[int, dt.datetime] | None:
    """Serial → revocation time of a CRL whose signature the CA's key verifies."""
    from cryptography import x509

    crl = x509.load_der_x509_crl(der)
    ca = x509.load_pem_x509_certificate(ca_pem.encode())
    if not crl.is_signature_valid(ca.public_key()):  # type: ignore[arg-type]
        return None
    return {entry.serial_number: entry.revocation_date_utc for entry in crl}


def seal_revoked_at(seal: Seal) -> dt.datetime | None:
    """When the district CA's current CRL says the seal's certificate was revoked."""
    from cryptography import x509

    latest = RevocationList.objects.filter(district_id=seal.district_id).order_by("-number").first()
    if latest is None:
        return seal.revoked_at
    revoked = _revocations(bytes(latest.der), seal.ca_certificate_pem)
    if revoked is None:
        return seal.revoked_at  # a CRL that does not verify says nothing
    serial = x509.load_pem_x509_certificate(seal.certificate_pem.encode()).serial_number
    return revoked.get(serial)


def _stored_sha256(key: str) -> str:
    """The stored file's digest; empty when it cannot be read."""
    try:
        return hashlib.sha256(files().read(key)).hexdigest()
    except OSError:
        return ""


def disagreements(certificate: Certificate, sealed: dict[str, Any] | None) -> list[str]:
    """Where the database and the sealed record (or the ledger, or the status log) differ."""
    if sealed is None:
        return [gettext("The SM2 seal does not match the stored record.")]
    problems = [
        gettext("%(field)s differs from the sealed record.") % {"field": key}
        for key, column in _SEALED_COLUMNS.items()
        if key in sealed and str(column(certificate)) != str(sealed[key])
    ]
    if not SealUse.objects.filter(
        certificate=certificate, purpose=SealUsePurpose.ISSUE, document_sha256=certificate.file_sha256
    ).exists():
        problems.append(gettext("No seal use in the ledger."))
    if _stored_sha256(certificate.key) != sealed.get("file_sha256"):
        problems.append(gettext("The stored file is not the sealed file."))
    logged = certificate.status_changes.order_by("-at", "-id").values_list("to_status", flat=True).first()
    if certificate.status != (logged or CertificateStatus.VALID):
        problems.append(gettext("The status differs from the status log."))
    return problems


def _copy_disagreements(copy: AnnotatedCopy, certificate: Certificate) -> list[str]:
    sealed = read_seal(copy.seal, copy.seal_metadata, copy.seal_value)
    if sealed is None:
        return [gettext("The annotated copy's SM2 seal does not match its record.")]
    expected = {
        "copy_of": certificate.identifier,
        "certificate_sha256": certificate.file_sha256,
        "code": copy.code,
        "purpose": copy.purpose,
        "expires_on": copy.expires_on.isoformat(),
        "file_sha256": copy.file_sha256,
    }
    problems = [
        gettext("%(field)s differs from the sealed record.") % {"field": key}
        for key, value in expected.items()
        if str(sealed.get(key)) != value
    ]
    if not SealUse.objects.filter(annotated_copy=copy, document_sha256=copy.file_sha256).exists():
        problems.append(gettext("No seal use in the ledger."))
    return problems


def report_disagreement(certificate: Certificate, problems: list[str]) -> None:
    """Logged every time; recorded as a ledger finding and sent to the district's seal
    officers the first time."""
    from dgov.accounts.models import User
    from dgov.accounts.roles import Role
    from dgov.notifications.outbox import notify

    detail = " ".join(problems)
    logger.error("certificate %s: records disagree: %s", certificate.number, detail)
    try:
        with transaction.atomic():
            _finding, created = LedgerFinding.objects.get_or_create(
                kind=FindingKind.RECORDS_DISAGREE,
                subject=f"certificate:{certificate.pk}",
                defaults={"district_id": certificate.district_id, "detail": detail, "found_at": clock.now()},
            )
            if not created:
                return
            officers = User.objects.filter(
                district_id=certificate.district_id, is_active=True, kind=User.Kind.STAFF
            ).filter(
                models.Q(groups__name=Role.SEAL_OFFICER.value)
                | models.Q(user_permissions__codename="issue_certificate")
            )
            with translation.override(settings.LANGUAGE_CODE):
                for officer in officers.distinct():
                    notify(
                        district=certificate.district,
                        recipient=officer,
                        subject=gettext("Certificate %(number)s: records disagree") % {"number": certificate.number},
                        body=gettext("%(detail)s See %(link)s")
                        % {"detail": detail, "link": public_url(reverse("certificates:ledger"))},
                        obj=certificate,
                    )
    except IntegrityError:
        pass  # another request recorded it at the same moment


def judge(
    certificate: Certificate,
    today: dt.date | None = None,
    copy: AnnotatedCopy | None = None,
    *,
    signed_at: dt.datetime | None = None,
    detailed: bool = True,
) -> Verdict:
    """The certificate's standing today: sealed record against the database, the seal at
    signing time, then the status and the validity."""
    today = today or clock.today()
    sealed = read_seal(certificate.seal, certificate.seal_metadata, certificate.seal_value)
    problems = disagreements(certificate, sealed)
    if copy is not None:
        problems += _copy_disagreements(copy, certificate)
    if problems or sealed is None:
        report_disagreement(certificate, problems)
        return Verdict(Outcome.RECORDS_DISAGREE, certificate, copy, problems=tuple(problems), detailed=detailed)
    seal = copy.seal if copy is not None and copy.seal is not None else certificate.seal
    if signed_at is None:
        copy_sealed = read_seal(copy.seal, copy.seal_metadata, copy.seal_value) if copy is not None else None
        signed_at = _sealed_time((copy_sealed or sealed)["sealed_at"])
    found: dict[str, Any] = {"sealed": sealed, "signed_at": signed_at, "seal": seal, "detailed": detailed}
    revoked_at = seal_revoked_at(seal)
    if revoked_at is not None and signed_at >= revoked_at:
        return Verdict(Outcome.SEAL_REVOKED, certificate, copy, revoked_at.date(), **found)
    outcome = _STATUS_OUTCOMES.get(CertificateStatus(certificate.status))
    if outcome is not None:
        return Verdict(outcome, certificate, copy, certificate.status_changed_on, **found)
    valid_to = dt.date.fromisoformat(str(sealed["valid_to"]))
    if today > valid_to:
        return Verdict(Outcome.EXPIRED, certificate, copy, valid_to, **found)
    if copy is not None and today > copy.expires_on:
        return Verdict(Outcome.EXPIRED, certificate, copy, copy.expires_on, **found)
    return Verdict(Outcome.VALID, certificate, copy, **found)


def verify_code(code: str, today: dt.date | None = None) -> Verdict:
    """By the verification code (the printed address and QR code): the full record."""
    certificate = _certificates().filter(verification_code=code.strip().upper()).first()
    if certificate is None:
        return Verdict(Outcome.NOT_ISSUED_HERE)
    return judge(certificate, today)


def verify_reference(reference: str, today: dt.date | None = None) -> Verdict:
    """By identifier or certificate number, both sequential: the standing only, without
    the holder (anyone can count numbers; the verification code is not guessable)."""
    reference = reference.strip().upper()
    field_name = "identifier" if is_well_formed(reference) else "number"
    certificate = _certificates().filter(**{field_name: reference}).first()
    if certificate is None:
        certificate = _certificates().filter(verification_code=reference).first()
        if certificate is None:
            return Verdict(Outcome.NOT_ISSUED_HERE)
        return judge(certificate, today)
    return judge(certificate, today, detailed=False)


def verify_copy_code(code: str, today: dt.date | None = None) -> Verdict:
    copy = (
        AnnotatedCopy.objects.select_related("certificate__certificate_type", "certificate__seal", "seal")
        .filter(code=code)
        .first()
    )
    if copy is None:
        return Verdict(Outcome.NOT_ISSUED_HERE)
    return judge(copy.certificate, today, copy)


def seal_intact(certificate: Certificate) -> bool:
    """The SM2 seal matches the stored metadata, and the metadata names the file hash."""
    sealed = read_seal(certificate.seal, certificate.seal_metadata, certificate.seal_value)
    return sealed is not None and sealed.get("file_sha256") == certificate.file_sha256


@dataclass(frozen=True)
class PadesCheck:
    intact: bool
    signed_at: dt.datetime | None = None  # from the timestamp token; None without one


def _timestamp_time(embedded: Any) -> dt.datetime | None:
    from pyhanko.sign.validation.generic_cms import extract_tst_data_iter

    for signed_data in extract_tst_data_iter(embedded.signer_info, signed=False):
        value = signed_data["encap_content_info"]["content"].parsed["gen_time"].native
        return value if isinstance(value, dt.datetime) else None
    return None


def pades_check(
    data: bytes, ca_pem: str, *, fallback_time: dt.datetime | None = None, archived: bool = False
) -> PadesCheck:
    """One certification signature covering the whole file under the district CA, valid
    at the time of its timestamp (``fallback_time`` for files sealed before timestamps).
    ``archived``: the signature may instead cover the file up to updates that pyHanko's
    difference analysis classes as DSS and document timestamps only (B-LTA)."""
    from asn1crypto import pem, x509
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.diff_analysis import ModificationLevel
    from pyhanko.sign.validation import async_validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    try:
        _type, _headers, der = pem.unarmor(ca_pem.encode())
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = reader.embedded_regular_signatures
        if len(signatures) != 1 or (not archived and len(reader.embedded_signatures) != 1):
            return PadesCheck(False)
        embedded = signatures[0]
        stamped = _timestamp_time(embedded)
        moment = stamped or fallback_time or clock.now()

        def context() -> ValidationContext:
            return ValidationContext(
                trust_roots=[x509.Certificate.load(der)],
                moment=moment,
                allow_fetching=False,
                revocation_mode="soft-fail",
            )

        status = run_async(
            lambda: async_validate_pdf_signature(
                embedded, signer_validation_context=context(), ts_validation_context=context()
            )
        )
    except Exception:
        # Whatever a damaged or hostile file makes the parser or validator raise, the
        # answer is the same: the signature does not hold.
        return PadesCheck(False)
    timestamp = status.timestamp_validity
    timestamp_ok = stamped is None or (
        timestamp is not None and timestamp.intact and timestamp.valid and timestamp.trusted
    )
    covered = status.coverage == SignatureCoverageLevel.ENTIRE_FILE or (
        archived
        and status.coverage == SignatureCoverageLevel.ENTIRE_REVISION
        and status.modification_level == ModificationLevel.LTA_UPDATES
    )
    intact = bool(
        status.intact and status.valid and status.trusted and covered and status.docmdp_ok is not False and timestamp_ok
    )
    return PadesCheck(intact, stamped)


def _signed_revision_sha256(data: bytes) -> str:
    """SHA-256 of the file as far as its first signature covers it (the sealed file,
    when an update was appended after it)."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        signatures = PdfFileReader(io.BytesIO(data), strict=False).embedded_signatures
        _start, _len1, start2, len2 = signatures[0].byte_range
        return hashlib.sha256(data[: int(start2) + int(len2)]).hexdigest()
    except Exception:
        return ""


def _by_file_hash(digest: str) -> tuple[Certificate | None, AnnotatedCopy | None]:
    certificate = _certificates().filter(file_sha256=digest).first()
    if certificate is not None:
        return certificate, None
    copy = (
        AnnotatedCopy.objects.select_related("certificate__certificate_type", "certificate__seal", "seal")
        .filter(file_sha256=digest)
        .first()
    )
    return (copy.certificate, copy) if copy is not None else (None, None)


def verify_file(data: bytes, today: dt.date | None = None, *, check_signatures: bool = True) -> Verdict:
    certificate, copy = _by_file_hash(hashlib.sha256(data).hexdigest())
    if certificate is not None:
        signed_at = None
        if check_signatures:
            seal = copy.seal if copy is not None and copy.seal is not None else certificate.seal
            sealed = read_seal(certificate.seal, certificate.seal_metadata, certificate.seal_value) or {}
            fallback = _sealed_time(sealed["sealed_at"]) if "sealed_at" in sealed else None
            check = pades_check(data, seal.ca_certificate_pem, fallback_time=fallback)
            if not check.intact:
                return Verdict(Outcome.ALTERED, certificate, copy)
            signed_at = check.signed_at
        return judge(certificate, today, copy, signed_at=signed_at)
    # Not our bytes. Our file with updates appended after the signature: archival
    # timestamps only (B-LTA, ``archive``) leave it the same certificate; anything else
    # changed it.
    original, copy = _by_file_hash(_signed_revision_sha256(data))
    if original is not None:
        if check_signatures:
            seal = copy.seal if copy is not None and copy.seal is not None else original.seal
            check = pades_check(data, seal.ca_certificate_pem, archived=True)
            if check.intact:
                return judge(original, today, copy, signed_at=check.signed_at)
        return Verdict(Outcome.CHANGED, original, copy, detailed=False)
    # Does the file claim to be one of ours? (Any single changed byte leaves at least one
    # of the identifier's uncompressed copies readable.)
    identifiers = {m.decode() for m in SEARCH_PATTERN.findall(data)}
    if identifiers and _certificates().filter(identifier__in=identifiers).exists():
        return Verdict(Outcome.ALTERED)
    return Verdict(Outcome.NOT_ISSUED_HERE)
