"""The seal service's side of a written notice: the number, the PDF, the two seals, the
ledger, and service (送达).

A notice waits for its seal from its act on. The seal officer seals the waiting ones in a
batch (``do_seal_batch``), or switches on the district's automatic rule, under which the
job runner seals them on that officer's authority (``seal_waiting``). Either way:

1. the act and the seal are two hands: who wrote the document (clerk, approver) never
   seals it, nor does the applicant (``rules.may_seal``);
2. the number is the department's next for the year of the document's date, in the
   district's format (宽市监许〔2026〕123号); assigned here, never by the act, so no
   counter row is touched by every transition (``PERFORMANCE.md``);
3. the PDF carries the CJK font, the number, a QR code for the certificates' verification
   page, and the department's approval seal (行政审批专用章) twice, as a certificate does:
   PAdES B-LT (``dgov.certificates.sealing.pades_sign``) and SM2 over the canonical
   metadata (which names the text's and the file's hashes);
4. the use goes into the seal-use ledger with its ``seal.use`` audit entry, so the daily
   reconciliation covers it (``dgov.certificates.ledger``);
5. the file goes into the applicant's document locker and the applicant is notified with
   a link (``service.deliver``).
"""

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from dgov.accounts.models import Department, User
from dgov.audit.trail import record
from dgov.certificates import sealing as seal_service
from dgov.certificates.models import Seal, SealUsePurpose
from dgov.lib import clock
from dgov.lib.conflicts import Conflict
from dgov.lib.files import files
from dgov.lib.rules import enforce
from dgov.notices import pdf, service
from dgov.notices.models import Notice, NoticeEvent, NoticeSettings, NumberPrefix
from dgov.notices.rules import may_seal

REASON = "行政许可文书签章"


def masked_name(name: str) -> str:
    """The applicant as shown publicly: the first character, the rest starred."""
    return name[:1] + "*" * max(len(name) - 1, 1) if name else ""


def text_sha256(notice: Notice) -> str:
    return hashlib.sha256(f"{notice.text}\n\n{notice.notes}".encode()).hexdigest()


def metadata(notice: Notice, *, issuer: Department, sealed_at: str) -> dict[str, Any]:
    """What the SM2 seal covers. Public (the verification page shows it and the OpenSSL
    check reads it), so the applicant appears masked; the text is covered by its hash."""
    case = notice.application or notice.bundle_application
    applicant = case.applicant  # type: ignore[union-attr]
    return {
        "kind": notice.kind,
        "title": notice.title,
        "number": notice.number,
        "issuer": issuer.name,
        "issuer_code": issuer.credit_code,
        "dated": notice.dated.isoformat(),
        "case": case.number,  # type: ignore[union-attr]
        "applicant": masked_name(applicant.name),
        "text_sha256": text_sha256(notice),
        "file_sha256": notice.file_sha256,
        "verification_code": notice.verification_code,
        "seal_key_id": notice.seal.key_id,  # type: ignore[union-attr]
        "sealed_at": sealed_at,
    }


class Batch:
    """What a run of seals can share: seals and their validation data, prefixes, formats."""

    def __init__(self) -> None:
        self._seals: dict[tuple[int, int, dt.date], Seal] = {}
        self._material: dict[int, seal_service.Material] = {}
        self._formats: dict[int, str] = {}
        self._prefixes: dict[int, str] = {}
        self._departments: dict[int, Department] = {}

    def seal(self, notice: Notice, day: dt.date) -> Seal:
        key = (notice.district_id, notice.department_id, day)
        if key not in self._seals:
            self._seals[key] = seal_service.department_seal(notice.district_id, notice.department_id, day)
        return self._seals[key]

    def material(self, seal: Seal) -> seal_service.Material:
        if seal.pk not in self._material:
            self._material[seal.pk] = seal_service.material(seal)
        return self._material[seal.pk]

    def department(self, pk: int) -> Department:
        if pk not in self._departments:
            self._departments[pk] = Department.objects.get(pk=pk)
        return self._departments[pk]

    def number_format(self, district_id: int) -> str:
        if district_id not in self._formats:
            from dgov.notices.drafting import district_settings

            self._formats[district_id] = district_settings(district_id)[0].number_format
        return self._formats[district_id]

    def prefix(self, department_id: int) -> str:
        if department_id not in self._prefixes:
            found = NumberPrefix.objects.filter(department_id=department_id).first()
            self._prefixes[department_id] = found.prefix if found else self.department(department_id).code
        return self._prefixes[department_id]


def format_number(number_format: str, *, prefix: str, year: int, serial: int) -> str:
    """Plain substitution, never str.format: a format string stored in the database must not
    reach attributes of its arguments (``{prefix.__class__}``) even if it bypassed the form."""
    return number_format.replace("{prefix}", prefix).replace("{year}", str(year)).replace("{serial}", str(serial))


def do_seal(notice: Notice, *, by: User, batch: Batch | None = None) -> Notice:
    """Number, render, seal, record and serve one waiting notice."""
    enforce(may_seal(by, notice))
    batch = batch or Batch()
    today = clock.today()
    seal = batch.seal(notice, today)
    seal_material = batch.material(seal)
    issuer = batch.department(notice.department_id)
    year = notice.dated.year
    number_format, prefix = batch.number_format(notice.district_id), batch.prefix(notice.department_id)
    unsealed = {name: getattr(notice, name) for name in _SEALED_FIELDS}
    for _attempt in range(5):
        serial = (
            Notice.objects.filter(department_id=notice.department_id, year=year).aggregate(m=Max("serial"))["m"] or 0
        ) + 1
        notice.year, notice.serial, notice.seal = year, serial, seal
        notice.number = format_number(number_format, prefix=prefix, year=year, serial=serial)
        notice.verification_code = seal_service.new_verification_code()
        notice.storage_name = secrets.token_hex(16)
        rendered = pdf.render(
            pdf.Content(
                title=notice.title,
                number=notice.number,
                text=notice.text,
                notes=notice.notes,
                signature_line=notice.signature_line,
                issuer=issuer.name,
                verify_url=seal_service.verify_url(notice.verification_code),
                verification_code=notice.verification_code,
                seal=seal_service.seal_mark(seal),
            )
        )
        signed = seal_service.pades_sign(
            rendered.data,
            seal,
            reason=REASON,
            box=rendered.seal_box,
            on_page=rendered.seal_page,
            seal_material=seal_material,
        )
        notice.file_sha256 = hashlib.sha256(signed).hexdigest()
        notice.sealed_at = clock.now()
        notice.sealed_by = by
        notice.seal_metadata = seal_service.canonical(
            metadata(notice, issuer=issuer, sealed_at=notice.sealed_at.isoformat(timespec="seconds"))
        ).decode()
        notice.seal_value = seal_service.key_store().sign(seal.key_id, notice.seal_metadata.encode()).hex()
        staged = seal_service.write_file(notice.storage_name, signed)
        in_locker: str | None = None
        try:
            with transaction.atomic():
                _write(notice, by=by)
                in_locker = service.deliver(notice, staged, size=len(signed), by=by)
                staged.place()
            return notice
        except IntegrityError:
            staged.discard()
            if in_locker is not None:
                files().delete(in_locker)
            continue  # another officer took the serial: take the next
        except BaseException:
            staged.discard()
            if in_locker is not None:
                files().delete(in_locker)
            _restore(notice, unsealed)
            raise
    _restore(notice, unsealed)
    raise RuntimeError("could not allocate a document number")


_SEALED_FIELDS = (
    "year",
    "serial",
    "number",
    "verification_code",
    "storage_name",
    "file_sha256",
    "sealed_at",
    "sealed_by",
    "seal",
    "seal_metadata",
    "seal_value",
)


def _write(notice: Notice, *, by: User) -> None:
    changed = Notice.objects.filter(pk=notice.pk, sealed_at__isnull=True).update(
        **{name: getattr(notice, name) for name in _SEALED_FIELDS}
    )
    if changed != 1:
        raise Conflict(_("Document %(title)s was sealed by someone else first.") % {"title": notice.title})
    seal_service.record_seal_use(
        seal=notice.seal,  # type: ignore[arg-type]
        document_sha256=notice.file_sha256,
        application=notice.application,
        certificate=None,
        by=by,
        purpose=SealUsePurpose.NOTICE,
        notice=notice,
    )
    record(
        "notice.seal",
        notice,
        actor=by,
        district=notice.seal.district,  # type: ignore[union-attr]
        changes={"number": notice.number, "kind": notice.kind, "sha256": notice.file_sha256},
    )
    NoticeEvent.objects.create(notice=notice, at=notice.sealed_at or clock.now(), by=by, verb=NoticeEvent.Verb.SEALED)


def _restore(notice: Notice, values: dict[str, Any]) -> None:
    """Give back the values of a sealing that did not happen (the row was not changed)."""
    for name, value in values.items():
        setattr(notice, name, value)


def waiting(district_id: int) -> Any:
    """The notices of a district waiting for the seal, oldest first."""
    return (
        Notice.objects.pending()
        .filter(district_id=district_id)
        .select_related("application__applicant", "bundle_application__applicant", "requested_by")
        .order_by("requested_at", "pk")
    )


def do_seal_batch(notices: Iterable[Notice], by: User) -> tuple[list[Notice], list[tuple[Notice, str]]]:
    """Seal several waiting notices; each stands alone. Returns the sealed ones and the
    (notice, reason) pairs refused."""
    sealed: list[Notice] = []
    refused: list[tuple[Notice, str]] = []
    batch = Batch()
    for notice in notices:
        try:
            sealed.append(do_seal(notice, by=by, batch=batch))
        except (PermissionDenied, ValidationError, Conflict) as error:
            message = error.messages[0] if isinstance(error, ValidationError) else str(error)
            refused.append((notice, message))
    return sealed, refused


def do_set_auto_seal(district: Any, *, by: User, on: bool) -> NoticeSettings:
    """The seal officer switches the automatic rule on (sealing on their authority) or
    off; audited."""
    from dgov.notices.drafting import district_settings
    from dgov.notices.rules import may_configure_auto_seal

    enforce(may_configure_auto_seal(by))
    if by.district_id != district.pk:
        raise PermissionDenied(_("Your role does not allow this action."))
    with transaction.atomic():
        found, _created = district_settings(district.pk)
        found = NoticeSettings.objects.select_for_update().get(pk=found.pk)
        before = found.auto_seal_by_id
        found.auto_seal_by = by if on else None
        found.auto_seal_since = clock.now() if on else None
        found.updated_by = by
        found.save(update_fields=["auto_seal_by", "auto_seal_since", "updated_by", "updated_at"])
        record(
            "notice.auto_seal",
            found,
            actor=by,
            district=district,
            changes={"auto_seal_by": [before, found.auto_seal_by_id]},
        )
    return found


def seal_waiting(now: dt.datetime, limit: int = 50) -> int:
    """Job: under each district's automatic rule, seal its waiting notices on the
    authority of the seal officer who set the rule (skipping any that officer wrote, and
    stopping for a district whose officer lost the seal or whose seal fails). Each notice
    is claimed by its conditional UPDATE, so two runners never seal one twice."""
    from dgov.notices.rules import may_configure_auto_seal

    done = 0
    rules = NoticeSettings.objects.filter(auto_seal_by__isnull=False).select_related("auto_seal_by")
    for rule in rules:
        officer = rule.auto_seal_by
        if officer is None or not officer.is_active or not may_configure_auto_seal(officer):
            continue
        batch = Batch()
        for notice in waiting(rule.district_id).exclude(requested_by_id=officer.pk)[:limit]:
            try:
                do_seal(notice, by=officer, batch=batch)
            except Conflict:
                continue  # sealed by another runner or an officer meanwhile
            except (PermissionDenied, ValidationError):
                break  # no seal valid today, a lapsed CRL …: the officer's queue shows it
            done += 1
    return done
