"""Reconciliation of the seal's books (``reconcile_seals``, daily from the job runner).

For day D:

1. Every seal use on D rests on an approval: the application approved (or completed)
   with its decider recorded, decided no later than the use.
2. Every approval has its certificate within 10 days of the decision (行政许可法 Art. 44),
   counted in working days (Art. 82; ``dgov.workdays.calendar.add_working_days``). Only
   items that issue a certificate (have a certificate type) are checked.

And at any time, in both directions:

3. Every certificate has its seal use (purpose "issue", the file's hash), every annotated
   copy and every sealed written notice (``dgov.notices``) its own; a document sealed
   outside the ledger is found here.
4. Every seal use has its certificate, copy or notice with that hash, or its recorded
   reason. A use on a notice on day D rests on the notice's act, written before the use
   by another hand than the sealer's (three hands: the clerk or approver acts, the seal
   officer seals).
5. Seal uses agree with the audit trail: each has its ``seal.use`` entry with the same
   seal and hash, and each ``seal.use`` entry has its seal use (a deleted ledger row).
6. The district CA's revocation list is current for two more days (sealing stops without).

Findings are kept (``LedgerFinding``, one per kind and subject) for the seal officers' and
auditors' pages.
"""

import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from dgov.accounts.models import District
from dgov.applications.models import Application, Status
from dgov.audit.models import AuditEntry
from dgov.certificates.models import (
    AnnotatedCopy,
    Certificate,
    CertificateType,
    FindingKind,
    LedgerFinding,
    RevocationList,
    SealUse,
    SealUsePurpose,
)
from dgov.lib import clock
from dgov.workdays.calendar import Due, add_working_days

ISSUE_LIMIT_DAYS = 10  # 行政许可法 Art. 44, in working days (Art. 82)
APPROVED = (Status.APPROVED, Status.COMPLETED)
CRL_MARGIN = dt.timedelta(days=2)


@dataclass(frozen=True)
class Finding:
    kind: FindingKind
    subject: str
    district_id: int
    detail: str


def unsupported_uses(day: dt.date) -> list[SealUse]:
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(day, dt.time.min, tzinfo=tz)
    uses = SealUse.objects.filter(at__gte=start, at__lt=start + dt.timedelta(days=1)).select_related(
        "seal", "application"
    )
    found = []
    for use in uses.exclude(purpose=SealUsePurpose.NOTICE).order_by("at", "pk"):
        application = use.application
        if (
            application is None
            or application.status not in APPROVED
            or application.decided_by_id is None
            or application.decided_on is None
            or application.decided_on > timezone.localtime(use.at).date()
        ):
            found.append(use)
    return found


def notice_uses_without_act(day: dt.date) -> list[SealUse]:
    """Seal uses on written notices on ``day`` that rest on no act by another hand."""
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(day, dt.time.min, tzinfo=tz)
    uses = SealUse.objects.filter(
        at__gte=start, at__lt=start + dt.timedelta(days=1), purpose=SealUsePurpose.NOTICE
    ).select_related("seal", "notice")
    found = []
    for use in uses.order_by("at", "pk"):
        notice = use.notice
        if (
            notice is None
            or notice.requested_by_id == use.by_id
            or notice.requested_at > use.at
            or notice.application_id != use.application_id
        ):
            found.append(use)
    return found


def late_certificates(day: dt.date) -> list[tuple[Application, Due]]:
    items = CertificateType.objects.filter(item__isnull=False).values("item_id")
    candidates = (
        Application.objects.filter(
            status__in=APPROVED,
            decided_by__isnull=False,
            decided_on__lte=day,
            item_id__in=items,
            certificates__isnull=True,
        )
        .order_by("decided_on", "pk")
        .distinct()
    )
    found = []
    for application in candidates:
        due = add_working_days(application.decided_on, ISSUE_LIMIT_DAYS)  # type: ignore[arg-type]
        if day > due.date:
            found.append((application, due))
    return found


def _ledger_both_ways() -> list[Finding]:
    found: list[Finding] = []
    own_use = SealUse.objects.filter(
        certificate=OuterRef("pk"), purpose=SealUsePurpose.ISSUE, document_sha256=OuterRef("file_sha256")
    )
    for certificate in Certificate.objects.filter(~Exists(own_use)).only("pk", "number", "district_id"):
        found.append(
            Finding(
                FindingKind.CERTIFICATE_WITHOUT_USE,
                f"certificate:{certificate.pk}",
                certificate.district_id,
                f"certificate={certificate.number}",
            )
        )
    copy_use = SealUse.objects.filter(annotated_copy=OuterRef("pk"), document_sha256=OuterRef("file_sha256"))
    for copy in (
        AnnotatedCopy.objects.filter(seal__isnull=False).filter(~Exists(copy_use)).select_related("certificate")
    ):
        found.append(
            Finding(
                FindingKind.COPY_WITHOUT_USE,
                f"copy:{copy.pk}",
                copy.certificate.district_id,
                f"copy={copy.code} certificate={copy.certificate.number}",
            )
        )
    notice_model = SealUse._meta.get_field("notice").related_model
    notice_use = SealUse.objects.filter(
        notice=OuterRef("pk"), purpose=SealUsePurpose.NOTICE, document_sha256=OuterRef("file_sha256")
    )
    sealed_notices = notice_model.objects.filter(sealed_at__isnull=False).filter(~Exists(notice_use))  # type: ignore[union-attr]
    for notice in sealed_notices.only("pk", "number", "district_id"):
        found.append(
            Finding(
                FindingKind.NOTICE_WITHOUT_USE, f"notice:{notice.pk}", notice.district_id, f"notice={notice.number}"
            )
        )
    notice_without_notice = Q(purpose=SealUsePurpose.NOTICE) & (
        Q(notice__isnull=True) | ~Q(notice__file_sha256=F("document_sha256"))
    )
    issue_without_certificate = Q(purpose=SealUsePurpose.ISSUE) & (
        Q(certificate__isnull=True) | ~Q(certificate__file_sha256=F("document_sha256"))
    )
    copy_without_copy = Q(purpose=SealUsePurpose.ANNOTATED_COPY) & (
        Q(annotated_copy__isnull=True) | ~Q(annotated_copy__file_sha256=F("document_sha256"))
    )
    other_without_reason = Q(purpose=SealUsePurpose.OTHER) & Q(note="")
    unsupported = issue_without_certificate | copy_without_copy | notice_without_notice | other_without_reason
    for use in SealUse.objects.filter(unsupported).select_related("seal"):
        found.append(
            Finding(
                FindingKind.USE_WITHOUT_DOCUMENT,
                f"use:{use.pk}",
                use.district_id,
                f"seal={use.seal.key_id} sha256={use.document_sha256} at={use.at.isoformat()}",
            )
        )
    return found


def _ledger_and_audit() -> list[Finding]:
    found: list[Finding] = []
    entries = {
        entry["object_id"]: entry
        for entry in AuditEntry.objects.filter(verb="seal.use").values("id", "object_id", "changes", "district_id")
    }
    uses = {
        str(use["pk"]): use for use in SealUse.objects.values("pk", "district_id", "document_sha256", "seal__key_id")
    }
    for pk, use in uses.items():
        entry = entries.get(pk)
        changes = (entry or {}).get("changes") or {}
        if (
            entry is None
            or changes.get("document_sha256") != use["document_sha256"]
            or changes.get("seal") != use["seal__key_id"]
        ):
            found.append(
                Finding(
                    FindingKind.USE_WITHOUT_AUDIT,
                    f"use:{pk}",
                    use["district_id"],
                    f"seal use {pk} sha256={use['document_sha256']}",
                )
            )
    for object_id, entry in entries.items():
        if object_id not in uses:
            changes = entry.get("changes") or {}
            found.append(
                Finding(
                    FindingKind.AUDIT_WITHOUT_USE,
                    f"audit:{entry['id']}",
                    entry["district_id"],
                    f"audit entry {entry['id']}: seal use {object_id} sha256={changes.get('document_sha256')}",
                )
            )
    return found


def _revocation_lists(now: dt.datetime) -> list[Finding]:
    found = []
    for district in District.objects.filter(authority__isnull=False):
        latest = RevocationList.objects.filter(district=district).order_by("-number").first()
        if latest is None or latest.next_update - CRL_MARGIN < now:
            number = latest.number if latest else 0
            found.append(
                Finding(
                    FindingKind.CRL_EXPIRING,
                    f"crl:{district.code}:{number}",
                    district.pk,
                    f"CRL {number} of {district.code} runs to {latest.next_update.isoformat() if latest else '-'}: "
                    "run issue_crl on the CA's machine",
                )
            )
    return found


def reconcile(day: dt.date) -> list[Finding]:
    found: list[Finding] = []
    for use in unsupported_uses(day):
        number = use.application.number if use.application else "-"
        found.append(
            Finding(
                FindingKind.USE_WITHOUT_APPROVAL,
                f"use:{use.pk}",
                use.district_id,
                f"{timezone.localtime(use.at):%Y-%m-%d %H:%M:%S} seal={use.seal.key_id} "
                f"sha256={use.document_sha256} application={number}",
            )
        )
    for use in notice_uses_without_act(day):
        found.append(
            Finding(
                FindingKind.USE_WITHOUT_ACT,
                f"use:{use.pk}",
                use.district_id,
                f"{timezone.localtime(use.at):%Y-%m-%d %H:%M:%S} seal={use.seal.key_id} "
                f"sha256={use.document_sha256} notice={use.notice.number if use.notice else '-'}",
            )
        )
    for application, due in late_certificates(day):
        found.append(
            Finding(
                FindingKind.LATE_CERTIFICATE,
                f"application:{application.pk}",
                application.district_id,
                # A due date in a year without an official calendar says so (issue 20.5).
                f"application={application.number} decided={application.decided_on} due={due.date}"
                + (" (provisional)" if due.provisional else ""),
            )
        )
    found += _ledger_both_ways()
    found += _ledger_and_audit()
    found += _revocation_lists(clock.now())
    return found


def keep(findings: list[Finding]) -> int:
    """Record the findings not yet on file; returns how many were new."""
    new = 0
    for finding in findings:
        try:
            with transaction.atomic():
                _row, created = LedgerFinding.objects.get_or_create(
                    kind=finding.kind,
                    subject=finding.subject,
                    defaults={"district_id": finding.district_id, "detail": finding.detail, "found_at": clock.now()},
                )
        except IntegrityError:
            continue  # recorded by another runner at the same moment
        new += created
    return new


def run(now: dt.datetime) -> int:
    """The daily job: reconcile the day that ended, keep what was found."""
    findings = reconcile(timezone.localdate(now) - dt.timedelta(days=1))
    keep(findings)
    return len(findings)
