"""The seal service (行政审批专用章集中托管): the only code that touches a seal's keys.

Keys live behind ``KeyStore``. ``FileKeyStore`` keeps them as files (mode 0600) in
``settings.SEAL_KEY_DIR``, outside the database and the repository; a hardware security
module could replace it by implementing the same three methods. No view ever reads a key:
officials ask the service to seal, the service checks the approval and seals.

Every certificate carries two signatures:

1. a PAdES signature inside the PDF (ECDSA P-256, certificate issued by a district CA),
   which ordinary PDF readers and poppler's ``pdfsig`` check;
2. a detached electronic seal in the manner of GB/T 38540: SM2 with SM3 over the
   canonical metadata (GB/T 36903 elements as sorted-key compact JSON, the SHA-256 of
   the signed PDF among them), stored beside the certificate.
"""

import asyncio
import datetime as dt
import hashlib
import io
import json
import os
import secrets
from collections.abc import Callable, Coroutine, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from pathlib import Path
from typing import Any, Protocol, TypeVar

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from dgov.applications.models import Application, Status
from dgov.audit.trail import record
from dgov.certificates import pdf, sm2
from dgov.certificates.identifiers import make_identifier
from dgov.certificates.models import (
    Certificate,
    CertificateType,
    HolderCodeKind,
    Seal,
    SealUse,
    storage_path,
)

T = TypeVar("T")
ISSUE = "certificates.issue_certificate"
APPROVED_STATUSES = (Status.APPROVED, Status.COMPLETED)
# Room for the CMS signature with its certificate chain (PERFORMANCE.md: reserving space
# spares pyHanko a second pass over the file).
SIGNATURE_BYTES_RESERVED = 8192


def key_dir() -> Path:
    return Path(getattr(settings, "SEAL_KEY_DIR", settings.VAR_DIR / "keys" / "seals"))


def public_base_url() -> str:
    return str(getattr(settings, "PUBLIC_BASE_URL", "http://127.0.0.1:8000")).rstrip("/")


def verify_url(identifier: str) -> str:
    return f"{public_base_url()}/certificates/verify/{identifier}/"


# Keys ------------------------------------------------------------------------------------


class KeyStore(Protocol):
    def sign(self, key_id: str, data: bytes) -> bytes:
        """SM2-with-SM3 signature (DER) of ``data`` by the seal's key."""

    def public_key(self, key_id: str) -> str:
        """The seal's SM2 public key, PEM."""

    def pades_signer(self, key_id: str) -> Any:
        """A pyHanko ``Signer`` for the seal's PDF signing key and certificate."""


def _fast_signer_class() -> Any:
    """pyHanko's ``SimpleSigner``, with the signing-certificate-v2 attribute built once.

    pyHanko rebuilds that attribute from Python values for every signature, and
    asn1crypto re-encodes it field by field: about a quarter of the signing time. The
    attribute depends only on the certificate, so we build it once and hand pyHanko the
    parsed value (which asn1crypto encodes by copying its bytes)."""
    from asn1crypto import tsp
    from pyhanko.sign.attributes import CMSAttributeProvider, SigningCertificateV2Provider
    from pyhanko.sign.general import as_signing_certificate_v2
    from pyhanko.sign.signers import SimpleSigner

    class _Fixed(CMSAttributeProvider):
        attribute_type = "signing_certificate_v2"

        def __init__(self, value: Any) -> None:
            self.value = value

        async def build_attr_value(self, dry_run: bool = False) -> Any:
            return self.value

    class SealSigner(SimpleSigner):
        _signing_certificate_v2: Any = None

        def _signed_attr_providers(self, *args: Any, **kwargs: Any) -> Any:
            for provider in super()._signed_attr_providers(*args, **kwargs):
                if isinstance(provider, SigningCertificateV2Provider):
                    if self._signing_certificate_v2 is None:
                        built = as_signing_certificate_v2(provider.signing_cert)
                        self._signing_certificate_v2 = tsp.SigningCertificateV2.load(built.dump())
                    yield _Fixed(self._signing_certificate_v2)
                else:
                    yield provider

    return SealSigner


def _write_private(path: Path, text: str | bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    data = text.encode() if isinstance(text, str) else text
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as out:
        out.write(data)


class FileKeyStore:
    """Keys as files in one directory: ``<key_id>.sm2.pem``, ``<key_id>.pades.pem``,
    ``<key_id>.cert.pem``, and per district ``ca-<code>.key.pem`` / ``ca-<code>.cert.pem``.
    Keys are loaded once per process and kept in memory."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._sm2: dict[str, sm2.PrivateKey] = {}
        self._signers: dict[str, Any] = {}

    def _path(self, key_id: str, suffix: str) -> Path:
        if not key_id.replace("-", "").isalnum():
            raise ValueError("bad key id")
        return self.directory / f"{key_id}.{suffix}"

    def _sm2_key(self, key_id: str) -> sm2.PrivateKey:
        key = self._sm2.get(key_id)
        if key is None:
            key = sm2.PrivateKey.from_pem(self._path(key_id, "sm2.pem").read_text())
            self._sm2[key_id] = key
        return key

    def sign(self, key_id: str, data: bytes) -> bytes:
        return self._sm2_key(key_id).sign(data)

    def public_key(self, key_id: str) -> str:
        return self._sm2_key(key_id).public.to_pem()

    def pades_signer(self, key_id: str) -> Any:
        signer = self._signers.get(key_id)
        if signer is None:
            ca_file = self._path(key_id, "ca.pem")
            signer = _fast_signer_class().load(
                str(self._path(key_id, "pades.pem")),
                str(self._path(key_id, "cert.pem")),
                ca_chain_files=(str(ca_file),),
            )
            self._signers[key_id] = signer
        return signer

    # Creation (the ``create_seal`` command) ----------------------------------------------

    def _district_ca(self, district: Any) -> tuple[Any, Any]:
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.x509.oid import NameOID

        key_path = self.directory / f"ca-{district.code}.key.pem"
        cert_path = self.directory / f"ca-{district.code}.cert.pem"
        if key_path.exists():
            key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
            return key, x509.load_pem_x509_certificate(cert_path.read_bytes())
        key = ec.generate_private_key(ec.SECP256R1())
        name = x509.Name(
            [
                x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
                x509.NameAttribute(NameOID.ORGANIZATION_NAME, str(district)),
                x509.NameAttribute(NameOID.COMMON_NAME, f"{district} 电子印章根证书"),
            ]
        )
        now = timezone.now()
        cert = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=365 * 20))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=False,
                    content_commitment=False,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=True,
                    crl_sign=True,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .sign(key, hashes.SHA256())
        )
        _write_private(
            key_path,
            key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            ),
        )
        _write_private(cert_path, cert.public_bytes(serialization.Encoding.PEM))
        return key, cert

    def create(
        self, key_id: str, *, district: Any, name: str, valid_from: dt.date, valid_to: dt.date
    ) -> dict[str, str]:
        """Make the keys of a new seal; returns the public parts for the database."""
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.x509.oid import NameOID

        self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        ca_key, ca_cert = self._district_ca(district)
        sm2_key = sm2.PrivateKey.generate()
        pades_key = ec.generate_private_key(ec.SECP256R1())
        start = dt.datetime.combine(valid_from, dt.time.min, tzinfo=dt.UTC) - dt.timedelta(days=1)
        end = dt.datetime.combine(valid_to, dt.time.max, tzinfo=dt.UTC)
        cert = (
            x509.CertificateBuilder()
            .subject_name(
                x509.Name(
                    [
                        x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
                        x509.NameAttribute(NameOID.ORGANIZATION_NAME, str(district)),
                        x509.NameAttribute(NameOID.COMMON_NAME, name),
                    ]
                )
            )
            .issuer_name(ca_cert.subject)
            .public_key(pades_key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(start)
            .not_valid_after(end)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=True,
                    content_commitment=True,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=False,
                    crl_sign=False,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_cert.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256())
        )
        cert_pem = cert.public_bytes(serialization.Encoding.PEM).decode()
        ca_pem = ca_cert.public_bytes(serialization.Encoding.PEM).decode()
        _write_private(self._path(key_id, "sm2.pem"), sm2_key.to_pem())
        _write_private(
            self._path(key_id, "pades.pem"),
            pades_key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            ),
        )
        _write_private(self._path(key_id, "cert.pem"), cert_pem)
        _write_private(self._path(key_id, "ca.pem"), ca_pem)
        return {
            "sm2_public_key_pem": sm2_key.public.to_pem(),
            "certificate_pem": cert_pem,
            "ca_certificate_pem": ca_pem,
        }


@cache
def _file_key_store(directory: str) -> FileKeyStore:
    return FileKeyStore(Path(directory))


def key_store() -> KeyStore:
    return _file_key_store(str(key_dir()))


def do_create_seal(
    *,
    district: Any,
    name: str,
    valid_from: dt.date,
    valid_to: dt.date,
    department: Any = None,
    certificate_type: CertificateType | None = None,
) -> Seal:
    if department is None and certificate_type is None:
        raise ValidationError(_("A seal belongs to a department or a certificate type."))
    if valid_to < valid_from:
        raise ValidationError(_("A seal cannot expire before it becomes valid."))
    key_id = f"seal-{district.code}-{secrets.token_hex(8)}"
    public = _file_key_store(str(key_dir())).create(
        key_id, district=district, name=name, valid_from=valid_from, valid_to=valid_to
    )
    with transaction.atomic():
        seal = Seal.objects.create(
            district=district,
            department=department,
            certificate_type=certificate_type,
            name=name,
            valid_from=valid_from,
            valid_to=valid_to,
            key_id=key_id,
            **public,
        )
        record("seal.create", seal, changes={"key_id": key_id, "valid_to": valid_to.isoformat()})
    return seal


# Sealing -------------------------------------------------------------------------------


def canonical(metadata: dict[str, Any]) -> bytes:
    """Sorted-key compact JSON, UTF-8: the bytes the SM2 seal signs."""
    return json.dumps(metadata, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def run_async(make: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run one of pyHanko's coroutines to completion from synchronous code, also where
    the thread already runs an event loop (an async caller, Playwright in tests): there
    ``asyncio.run`` refuses, so the coroutine gets a thread of its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(make())
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(lambda: asyncio.run(make())).result()


def pades_sign(pdf_bytes: bytes, seal: Seal, *, reason: str = "电子证照签章") -> bytes:
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    signer = key_store().pades_signer(seal.key_id)
    meta = signers.PdfSignatureMetadata(
        field_name="Seal",
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason=reason,
        name=seal.name,
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf_bytes), strict=False)
    pdf_signer = signers.PdfSigner(meta, signer=signer)
    out = run_async(
        lambda: pdf_signer.async_sign_pdf(writer, bytes_reserved=SIGNATURE_BYTES_RESERVED, output=io.BytesIO())
    )
    return out.getvalue()


def write_file(storage_name: str, data: bytes) -> Path:
    """Write under a temporary name; the caller renames it into place with ``place``."""
    final = storage_path(storage_name)
    final.parent.mkdir(parents=True, exist_ok=True)
    temporary = final.with_name(final.name + ".part")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o640)
    with os.fdopen(descriptor, "wb") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())
    return temporary


def _require_issue(application: Application, by: Any) -> None:
    """Three separate hands (行政审批专用章集中托管): intake, approval and sealing.

    1. The officer holds the seal officer's permission, in the application's district.
    2. A decision to approve is on record (approved or completed, with its decider).
    3. The approver is not the clerk who accepted the application.
    4. The officer is neither the approver nor the accepting clerk, nor the applicant.
    """
    if not by.has_perm(ISSUE) or by.district_id != application.district_id:
        raise PermissionDenied(_("Your role does not allow this action."))
    if application.status not in APPROVED_STATUSES or application.decided_by_id is None:
        raise PermissionDenied(_("There is no recorded approval to seal."))
    if application.accepted_by_id is not None and application.accepted_by_id == application.decided_by_id:
        raise PermissionDenied(_("The approver is the clerk who accepted the application: the seal refuses."))
    if by.pk in (application.decided_by_id, application.accepted_by_id):
        raise PermissionDenied(_("Intake, approval and sealing must be three separate hands."))
    if application.applicant.user_id is not None and application.applicant.user_id == by.pk:
        raise PermissionDenied(_("Nobody handles their own application."))


def seal_for(application: Application, certificate_type: CertificateType, day: dt.date) -> Seal:
    candidates = Seal.objects.filter(
        Q(certificate_type=certificate_type) | Q(department_id=application.department_id, certificate_type=None),
        district_id=application.district_id,
        valid_from__lte=day,
        valid_to__gte=day,
    ).order_by("certificate_type_id", "-valid_to")
    # A seal made for the certificate type wins over the department's general seal.
    seals = sorted(candidates, key=lambda s: s.certificate_type_id is None)
    if not seals:
        raise ValidationError(_("No seal valid today for %(type)s.") % {"type": certificate_type.name})
    return seals[0]


def _holder(application: Application) -> tuple[str, str, str]:
    applicant = application.applicant
    if applicant.credit_code:
        return applicant.name, applicant.credit_code, HolderCodeKind.CREDIT_CODE
    return applicant.name, applicant.id_number, HolderCodeKind.ID_NUMBER


HOLDER_CODE_LABELS = {HolderCodeKind.CREDIT_CODE: "统一社会信用代码", HolderCodeKind.ID_NUMBER: "公民身份号码"}


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def metadata(certificate: Certificate, *, sealed_at: str) -> dict[str, Any]:
    """The GB/T 36903 elements the seal covers (status is left out: it changes)."""
    return {
        "name": certificate.certificate_type.name,  # 证照名称
        "type_code": certificate.certificate_type.code,  # 证照类型代码
        "identifier": certificate.identifier,  # 证照标识
        "number": certificate.number,  # 证照编号
        "issuer": certificate.issuer_name,  # 证照颁发机构
        "issuer_code": certificate.issuer_code,  # 证照颁发机构代码
        "issued_on": certificate.issued_on.isoformat(),  # 证照颁发日期
        "valid_from": certificate.valid_from.isoformat(),  # 证照有效期起始日期
        "valid_to": certificate.valid_to.isoformat(),  # 证照有效期截止日期
        "holder": certificate.holder_name,  # 持证主体
        "holder_code": certificate.shown_holder_code,  # 持证主体代码 (as printed)
        "holder_code_kind": certificate.holder_code_kind,  # 持证主体代码类型
        "region": certificate.region,  # 行政区划代码
        "item": certificate.item_name,  # 关联事项
        "file_sha256": certificate.file_sha256,
        "seal_key_id": certificate.seal.key_id,
        "sealed_at": sealed_at,
    }


def content_for(certificate: Certificate, *, url: str, annotation: str = "") -> pdf.Content:
    return pdf.Content(
        title=certificate.certificate_type.name,
        number=certificate.number,
        identifier=certificate.identifier,
        holder_name=certificate.holder_name,
        holder_code_label=HOLDER_CODE_LABELS[HolderCodeKind(certificate.holder_code_kind)],
        holder_code=certificate.shown_holder_code,
        item_name=certificate.item_name,
        issuer_name=certificate.issuer_name,
        issued_on=certificate.issued_on,
        valid_from=certificate.valid_from,
        valid_to=certificate.valid_to,
        verify_url=url,
        layout=certificate.certificate_type.layout,
        annotation=annotation,
    )


def record_seal_use(
    *, seal: Seal, document_sha256: str, application: Application, certificate: Certificate, by: Any, purpose: str
) -> SealUse:
    use = SealUse.objects.create(
        at=timezone.now(),
        district_id=application.district_id,
        seal=seal,
        document_sha256=document_sha256,
        application=application,
        certificate=certificate,
        by=by,
    )
    record(
        "seal.use",
        use,
        actor=by,
        district=application.district,
        changes={
            "at": use.at.isoformat(),
            "seal": seal.key_id,
            "document_sha256": document_sha256,
            "application": application.number,
            "approved_by": application.decided_by_id,
            "decided_on": application.decided_on.isoformat() if application.decided_on else None,
            "purpose": purpose,
        },
    )
    return use


def _issue_one(
    application: Application, certificate_type: CertificateType, *, by: Any, today: dt.date, batch: "_Batch"
) -> Certificate:
    department = application.department
    if not department.credit_code:
        raise ValidationError(
            _("%(department)s has no unified social credit code to issue under.") % {"department": department.name}
        )
    seal = batch.seal(application, certificate_type, today)
    holder_name, holder_code, holder_kind = _holder(application)
    valid_to = add_years(today, certificate_type.validity_years) - dt.timedelta(days=1)
    for _attempt in range(5):
        serial = (
            Certificate.objects.filter(certificate_type=certificate_type, issuer_code=department.credit_code).aggregate(
                m=Max("serial")
            )["m"]
            or 0
        ) + 1
        certificate = Certificate(
            district=application.district,
            application=application,
            certificate_type=certificate_type,
            identifier=make_identifier(certificate_type.code, department.credit_code, serial, 1),
            number=f"{certificate_type.code}{application.district.code}{serial:08d}",
            serial=serial,
            version=1,
            holder_name=holder_name,
            holder_code=holder_code,
            holder_code_kind=holder_kind,
            issuer_name=department.name,
            issuer_code=department.credit_code,
            region=application.district.code,
            item_name=application.item_version.name,
            issued_on=today,
            valid_from=today,
            valid_to=valid_to,
            seal=seal,
            issued_by=by,
            storage_name=secrets.token_hex(16),
        )
        signed = pades_sign(pdf.render(content_for(certificate, url=verify_url(certificate.identifier))), seal)
        certificate.file_sha256 = hashlib.sha256(signed).hexdigest()
        sealed_at = timezone.now().isoformat(timespec="seconds")
        certificate.seal_metadata = canonical(metadata(certificate, sealed_at=sealed_at)).decode()
        certificate.seal_value = key_store().sign(seal.key_id, certificate.seal_metadata.encode()).hex()
        temporary = write_file(certificate.storage_name, signed)
        in_locker: Path | None = None
        try:
            with transaction.atomic():
                certificate.save(force_insert=True)
                record_seal_use(
                    seal=seal,
                    document_sha256=certificate.file_sha256,
                    application=application,
                    certificate=certificate,
                    by=by,
                    purpose="issue",
                )
                record(
                    "certificate.issue",
                    certificate,
                    actor=by,
                    changes={"identifier": certificate.identifier, "application": application.number},
                )
                in_locker = _put_in_locker(certificate, application, temporary, by=by)
                os.replace(temporary, certificate.path)
            return certificate
        except IntegrityError:
            temporary.unlink(missing_ok=True)
            if in_locker is not None:
                in_locker.unlink(missing_ok=True)
            already = Certificate.objects.filter(
                application=application, certificate_type=certificate_type, version=1
            ).first()
            if already is not None:  # another officer issued it at the same moment
                return already
            continue  # another officer took the serial: take the next
        except BaseException:
            temporary.unlink(missing_ok=True)
            certificate.path.unlink(missing_ok=True)
            if in_locker is not None:
                in_locker.unlink(missing_ok=True)
            raise
    raise RuntimeError("could not allocate a certificate serial")


def _put_in_locker(certificate: Certificate, application: Application, file: Path, *, by: Any) -> Path | None:
    """Once-only: the holder finds the certificate in their document locker and can hand
    it in with one click wherever a material asks for an e-certificate already issued.
    Returns the locker's link, for the caller to remove if the issue rolls back."""
    holder = application.applicant.user
    if holder is None:
        return None
    from dgov.documents.storage import do_file_produced

    document = do_file_produced(
        file,
        owner=holder,
        district=application.district,
        label=f"{certificate.certificate_type.name} {certificate.number}",
        original_name=f"{certificate.identifier}.pdf",
        sha256=certificate.file_sha256,
        by=by,
    )
    return document.path


class _Batch:
    """What a run of issues can share: certificate types per item and seals per type."""

    def __init__(self) -> None:
        self._types: dict[int, list[CertificateType]] = {}
        self._seals: dict[tuple[int, int, dt.date], Seal] = {}

    def types(self, application: Application) -> list[CertificateType]:
        if application.item_id not in self._types:
            self._types[application.item_id] = list(CertificateType.objects.filter(item_id=application.item_id))
        return self._types[application.item_id]

    def seal(self, application: Application, certificate_type: CertificateType, day: dt.date) -> Seal:
        key = (application.department_id, certificate_type.pk, day)
        if key not in self._seals:
            self._seals[key] = seal_for(application, certificate_type, day)
        return self._seals[key]


def do_issue(
    application: Application,
    *,
    by: Any,
    certificate_types: Sequence[CertificateType] | None = None,
    today: dt.date | None = None,
    batch: _Batch | None = None,
) -> list[Certificate]:
    """Issue and seal the certificates of an approved application (one per certificate
    type of its service item; a bundle yields several). Already issued ones are returned
    as they are, so issuing twice is harmless."""
    _require_issue(application, by)
    today = today or timezone.localdate()
    batch = batch or _Batch()
    types = list(certificate_types or batch.types(application))
    if not types:
        raise ValidationError(_("No certificate type is issued for this service item."))
    existing = {
        c.certificate_type_id: c
        for c in Certificate.objects.filter(application=application, version=1).select_related("certificate_type")
    }
    issued = []
    for certificate_type in types:
        if certificate_type.district_id != application.district_id:
            raise PermissionDenied(_("Your role does not allow this action."))
        certificate = existing.get(certificate_type.pk)
        if certificate is None:
            certificate = _issue_one(application, certificate_type, by=by, today=today, batch=batch)
        issued.append(certificate)
    return issued


def do_issue_batch(applications: Iterable[Application], by: Any) -> tuple[list[Certificate], list[tuple[Any, str]]]:
    """Issue for many applications (一口出证, any time after approval); each one stands
    alone. Returns the certificates and the (application, reason) pairs refused."""
    issued: list[Certificate] = []
    refused: list[tuple[Any, str]] = []
    batch = _Batch()
    wanted = [application.pk for application in applications]
    loaded = Application.objects.select_related("department", "district", "applicant", "item_version").in_bulk(wanted)
    for pk in wanted:
        application = loaded[pk]
        try:
            issued.extend(do_issue(application, by=by, batch=batch))
        except (PermissionDenied, ValidationError) as error:
            message = error.messages[0] if isinstance(error, ValidationError) else str(error)
            refused.append((application, message))
    return issued, refused
