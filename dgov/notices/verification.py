"""Written notices on the certificates' verification page (``/certificates/v/<code>/``,
the address in a notice's QR code, and the page's number and file checks): discovered by
``dgov.certificates.views`` (``verification`` plug-ins), asked when no certificate answers.

As for a certificate (``dgov.certificates.verify``): what is shown is what was sealed (the
SM2 seal over the metadata, verified against the seal's key), the database must agree
with it (number, file, text, ledger), and a file is judged by its bytes and its PAdES
signature at the time of its timestamp.
"""

import hashlib
import logging
import re
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext

from dgov.certificates.models import FindingKind, LedgerFinding, Seal, SealUse, SealUsePurpose
from dgov.certificates.verify import (
    Outcome,
    _sealed_time,
    _signed_revision_sha256,
    _stored_sha256,
    pades_check,
    read_seal,
    seal_revoked_at,
)
from dgov.lib import clock
from dgov.notices.models import Notice
from dgov.notices.sealing import text_sha256

logger = logging.getLogger(__name__)
_CLAIMED_CODE = re.compile(rb"/Subject \(([A-Z2-7]{16})\)")

# Sealed metadata key → how the database holds it.
_SEALED_COLUMNS = {
    "number": lambda n: n.number,
    "kind": lambda n: n.kind,
    "title": lambda n: n.title,
    "dated": lambda n: n.dated.isoformat(),
    "file_sha256": lambda n: n.file_sha256,
    "verification_code": lambda n: n.verification_code,
    "seal_key_id": lambda n: n.seal.key_id,
    "text_sha256": text_sha256,
}


@dataclass(frozen=True)
class NoticeVerdict:
    outcome: Outcome
    notice: Notice | None = None
    sealed: dict[str, Any] | None = None
    signed_at: Any = None
    seal: Seal | None = None
    problems: tuple[str, ...] = field(default=())
    detailed: bool = True

    @property
    def signed_on(self) -> Any:
        return timezone.localtime(self.signed_at).date() if self.signed_at else None


def _sealed() -> Any:
    return Notice.objects.sealed().select_related("seal")


def disagreements(notice: Notice, sealed: dict[str, Any] | None) -> list[str]:
    if sealed is None:
        return [gettext("The SM2 seal does not match the stored record.")]
    problems = [
        gettext("%(field)s differs from the sealed record.") % {"field": key}
        for key, column in _SEALED_COLUMNS.items()
        if str(column(notice)) != str(sealed.get(key))
    ]
    if not SealUse.objects.filter(
        notice=notice, purpose=SealUsePurpose.NOTICE, document_sha256=notice.file_sha256
    ).exists():
        problems.append(gettext("No seal use in the ledger."))
    if _stored_sha256(notice.key) != sealed.get("file_sha256"):
        problems.append(gettext("The stored file is not the sealed file."))
    return problems


def _report(notice: Notice, problems: list[str]) -> None:
    """Logged every time; a ledger finding for the seal officers the first time."""
    detail = " ".join(problems)
    logger.error("notice %s: records disagree: %s", notice.number, detail)
    try:
        with transaction.atomic():
            LedgerFinding.objects.get_or_create(
                kind=FindingKind.RECORDS_DISAGREE,
                subject=f"notice:{notice.pk}",
                defaults={"district_id": notice.district_id, "detail": detail, "found_at": clock.now()},
            )
    except IntegrityError:
        pass  # recorded by another request at the same moment


def judge(notice: Notice, *, signed_at: Any = None, detailed: bool = True) -> NoticeVerdict:
    sealed = read_seal(notice.seal, notice.seal_metadata, notice.seal_value)
    problems = disagreements(notice, sealed)
    if problems or sealed is None:
        _report(notice, problems)
        return NoticeVerdict(Outcome.RECORDS_DISAGREE, notice, problems=tuple(problems), detailed=detailed)
    signed_at = signed_at or _sealed_time(sealed["sealed_at"])
    revoked_at = seal_revoked_at(notice.seal)  # type: ignore[arg-type]
    found = {"sealed": sealed, "signed_at": signed_at, "seal": notice.seal, "detailed": detailed}
    if revoked_at is not None and signed_at >= revoked_at:
        return NoticeVerdict(Outcome.SEAL_REVOKED, notice, **found)
    return NoticeVerdict(Outcome.VALID, notice, **found)


def verify_code(code: str) -> NoticeVerdict | None:
    notice = _sealed().filter(verification_code=code.strip().upper()).first()
    return judge(notice) if notice is not None else None


def verify_reference(reference: str) -> NoticeVerdict | None:
    """By its document number, which anyone can count: the standing only."""
    notice = _sealed().filter(number=reference.strip()).first()
    return judge(notice, detailed=False) if notice is not None else None


def verify_file(data: bytes) -> NoticeVerdict | None:
    notice = _sealed().filter(file_sha256=hashlib.sha256(data).hexdigest()).first()
    if notice is not None:
        sealed = read_seal(notice.seal, notice.seal_metadata, notice.seal_value) or {}
        fallback = _sealed_time(sealed["sealed_at"]) if "sealed_at" in sealed else None
        check = pades_check(data, notice.seal.ca_certificate_pem, fallback_time=fallback)  # type: ignore[union-attr]
        if not check.intact:
            return NoticeVerdict(Outcome.ALTERED, notice, detailed=False)
        return judge(notice, signed_at=check.signed_at)
    original = _sealed().filter(file_sha256=_signed_revision_sha256(data)).first()
    if original is not None:
        return NoticeVerdict(Outcome.CHANGED, original, detailed=False)
    # Does the file claim to be one of ours? Its verification code is written uncompressed
    # in the PDF's metadata.
    claimed = {m.decode() for m in _CLAIMED_CODE.findall(data)}
    if claimed and _sealed().filter(verification_code__in=claimed).exists():
        return NoticeVerdict(Outcome.ALTERED, detailed=False)
    return None


def _page(request: HttpRequest, verdict: NoticeVerdict | None) -> HttpResponse | None:
    if verdict is None:
        return None
    return render(
        request,
        "notices/verify.html",
        {"verdict": verdict, "notice": verdict.notice, "sealed": verdict.sealed if verdict.detailed else None},
    )


# The plug-in's answers (``dgov.certificates.views``): a page, or None when no notice is meant.


def page_for_code(request: HttpRequest, code: str) -> HttpResponse | None:
    return _page(request, verify_code(code))


def page_for_reference(request: HttpRequest, reference: str) -> HttpResponse | None:
    return _page(request, verify_reference(reference))


def page_for_file(request: HttpRequest, data: bytes) -> HttpResponse | None:
    return _page(request, verify_file(data))
