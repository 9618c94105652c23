"""The seal service (行政审批专用章集中托管): the only code that touches a seal's keys.

Keys live behind ``KeyStore``. ``FileKeyStore`` keeps them as files (mode 0600) in
``settings.SEAL_KEY_DIR``, outside the database and the repository; a hardware security
module could replace it by implementing the same methods. No view ever reads a key:
officials ask the service to seal, the service checks the approval and seals. The
district CA's key is not here: the CA certifies seal and TSA keys offline
(``dgov.certificates.ca``, decision 0012).

Every certificate carries two signatures:

1. a PAdES B-LT certification signature inside the PDF (ECDSA P-256, certificate issued
   by the district CA; DocMDP "no changes"), with an RFC 3161 timestamp and, in the same
   revision, a DSS holding the chain and the district CA's current CRL; pdfsig, Adobe
   Reader and pyHanko check it, and it stays checkable after the seal's certificate ends;
2. a detached electronic seal in the manner of GB/T 38540: SM2 with SM3 (OpenSSL, see
   ``sm2``) over the canonical metadata (GB/T 36903 elements as sorted-key compact JSON,
   the SHA-256 of the signed PDF among them), stored beside the certificate.
"""

import asyncio
import base64
import datetime as dt
import hashlib
import io
import json
import os
import secrets
from collections.abc import Callable, Coroutine, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
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
    Authority,
    Certificate,
    CertificateType,
    HolderCodeKind,
    RevocationList,
    Seal,
    SealUse,
    SealUsePurpose,
    storage_key,
)
from dgov.certificates.rules import may_issue
from dgov.lib import clock
from dgov.lib.files import Staged, files
from dgov.lib.links import public_url
from dgov.lib.rules import enforce

T = TypeVar("T")
ISSUE = "certificates.issue_certificate"
APPROVED_STATUSES = (Status.APPROVED, Status.COMPLETED)
# Room for the CMS signature with its chain and timestamp token (PERFORMANCE.md: reserving
# space spares pyHanko a second pass over the file).
SIGNATURE_BYTES_RESERVED = 12288


def key_dir() -> Path:
    return Path(settings.SEAL_KEY_DIR)


def new_verification_code() -> str:
    """80 random bits in base32 (A–Z, 2–7): short enough to type from paper."""
    return base64.b32encode(secrets.token_bytes(10)).decode()


def verify_url(code: str) -> str:
    """The verification address printed (and put in the QR code) on a certificate."""
    return public_url(f"/certificates/v/{code}/")


def copy_verify_url(code: str) -> str:
    return public_url(f"/certificates/verify/copy/{code}/")


def new_key_id(district: Any) -> str:
    return f"seal-{district.code}-{secrets.token_hex(8)}"


# Keys ------------------------------------------------------------------------------------


class KeyStore(Protocol):
    def sign(self, key_id: str, data: bytes) -> bytes:
        """SM2-with-SM3 signature (DER) of ``data`` by the seal's key."""

    def public_key(self, key_id: str) -> str:
        """The seal's SM2 public key, PEM."""

    def pades_signer(self, key_id: str) -> Any:
        """A pyHanko ``Signer`` for the seal's PDF signing key and certificate."""

    def timestamper(self, key_id: str) -> Any:
        """A pyHanko ``TimeStamper`` signing with the local TSA key ``key_id``."""

    def generate(self, key_id: str) -> dict[str, str]:
        """Make a seal's SM2 and PDF signing keys; their public halves, PEM."""

    def generate_tsa(self, key_id: str) -> str:
        """Make a local TSA's key; its public half, PEM."""

    def install_certificate(self, key_id: str, certificate_pem: str, ca_pem: str) -> None:
        """Keep the certificate the district CA issued for ``key_id``, and the CA's."""


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


class LocalTSA:
    """The local timestamp authority: an RSA key certified by the district CA for time
    stamping, used in-process through pyHanko's own timestamper (``DummyTimeStamper``,
    which acts as its own TSA). Two things are changed: the time is the platform's clock,
    and the key and the signing-certificate attribute are loaded once (loading an RSA key
    checks it, some 35 ms)."""

    def __init__(self, key_pem: bytes, cert_pem: bytes, ca_pem: bytes) -> None:
        from asn1crypto import cms, keys, pem
        from asn1crypto import x509 as asn1_x509
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import rsa
        from pyhanko.sign import general

        key = serialization.load_pem_private_key(key_pem, password=None)
        if not isinstance(key, rsa.RSAPrivateKey):
            raise ValueError("pyHanko's timestamper signs with RSA")
        self.key = key
        self.key_info = keys.PrivateKeyInfo.load(pem.unarmor(key_pem)[2])
        self.certificate = asn1_x509.Certificate.load(pem.unarmor(cert_pem)[2])
        self.ca = asn1_x509.Certificate.load(pem.unarmor(ca_pem)[2])
        attribute = general.simple_cms_attribute(
            "signing_certificate", general.as_signing_certificate(self.certificate)
        )
        self.signing_certificate = cms.CMSAttribute.load(attribute.dump())

    def timestamper(self) -> Any:
        from asn1crypto import cms, core
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
        from pyhanko.sign.general import simple_cms_attribute
        from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper
        from pyhanko_certvalidator.util import get_pyca_cryptography_hash

        tsa = self

        class Stamper(DummyTimeStamper):
            def _sign_tst_info(self, tst_info_data: bytes, md_algorithm: str, at: dt.datetime) -> Any:
                digest = hashes.Hash(get_pyca_cryptography_hash(md_algorithm))
                digest.update(tst_info_data)
                signed_attrs = cms.CMSAttributes(
                    [
                        simple_cms_attribute("content_type", "tst_info"),
                        simple_cms_attribute("signing_time", cms.Time({"utc_time": core.UTCTime(at)})),
                        tsa.signing_certificate,
                        simple_cms_attribute("message_digest", digest.finalize()),
                    ]
                )
                signature = tsa.key.sign(
                    signed_attrs.dump(), PKCS1v15(), get_pyca_cryptography_hash(md_algorithm.upper())
                )
                return signature, signed_attrs

        from pyhanko_certvalidator.registry import SimpleCertificateStore

        return Stamper(
            self.certificate,
            self.key_info,
            certs_to_embed=SimpleCertificateStore.from_certs([self.ca]),
            fixed_dt=clock.now(),
        )


def write_private(path: Path, text: str | bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    data = text.encode() if isinstance(text, str) else text
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as out:
        out.write(data)


class FileKeyStore:
    """Keys as files in one directory: ``<key_id>.sm2.pem``, ``<key_id>.pades.pem``,
    ``<key_id>.cert.pem``, ``<key_id>.ca.pem``, and for a district's local TSA
    ``tsa-<code>.key.pem`` beside its certificate. Keys are loaded once per process."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._sm2: dict[str, sm2.PrivateKey] = {}
        self._signers: dict[str, Any] = {}
        self._tsas: dict[str, tuple[int, LocalTSA]] = {}

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
            signer = _fast_signer_class().load(
                str(self._path(key_id, "pades.pem")),
                str(self._path(key_id, "cert.pem")),
                ca_chain_files=(str(self._path(key_id, "ca.pem")),),
            )
            self._signers[key_id] = signer
        return signer

    def timestamper(self, key_id: str) -> Any:
        # The offline CA renews a TSA's key and certificate in place (``renew_tsa``): a
        # process that loaded the old ones notices by the certificate file's change time.
        version = self._path(key_id, "cert.pem").stat().st_mtime_ns
        cached = self._tsas.get(key_id)
        if cached is None or cached[0] != version:
            tsa = LocalTSA(
                self._path(key_id, "key.pem").read_bytes(),
                self._path(key_id, "cert.pem").read_bytes(),
                self._path(key_id, "ca.pem").read_bytes(),
            )
            cached = self._tsas[key_id] = (version, tsa)
        return cached[1].timestamper()

    def generate(self, key_id: str) -> dict[str, str]:
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import ec

        self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        sm2_key = sm2.PrivateKey.generate()
        pades_key = ec.generate_private_key(ec.SECP256R1())
        write_private(self._path(key_id, "sm2.pem"), sm2_key.to_pem())
        write_private(
            self._path(key_id, "pades.pem"),
            pades_key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            ),
        )
        pades_public = pades_key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        return {"sm2_public_key_pem": sm2_key.public.to_pem(), "pades_public_key_pem": pades_public.decode()}

    def generate_tsa(self, key_id: str) -> str:
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import rsa

        self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        for suffix in ("key.pem", "cert.pem", "ca.pem"):  # a district's TSA key is replaced whole
            self._path(key_id, suffix).unlink(missing_ok=True)
        self._tsas.pop(key_id, None)
        write_private(
            self._path(key_id, "key.pem"),
            key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            ),
        )
        public = key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        return public.decode()

    def install_certificate(self, key_id: str, certificate_pem: str, ca_pem: str) -> None:
        write_private(self._path(key_id, "cert.pem"), certificate_pem)
        write_private(self._path(key_id, "ca.pem"), ca_pem)


@cache
def _file_key_store(directory: str) -> FileKeyStore:
    return FileKeyStore(Path(directory))


def key_store() -> KeyStore:
    return _file_key_store(str(key_dir()))


# What every signature embeds ---------------------------------------------------------------


@dataclass(frozen=True)
class Material:
    """The validation data a seal's signatures carry (chain and CRL) and its timestamper."""

    certificates: tuple[Any, ...]
    crl: Any
    tsa_key_id: str


@cache
def _asn1_certificate(pem_text: str) -> Any:
    from asn1crypto import pem
    from asn1crypto import x509 as asn1_x509

    return asn1_x509.Certificate.load(pem.unarmor(pem_text.encode())[2])


@cache
def _asn1_crl(der: bytes) -> Any:
    from asn1crypto import crl

    return crl.CertificateList.load(der)


def material(seal: Seal) -> Material:
    """Refuses when the district has no CA on record or its CRL has lapsed: a signature
    whose validation data is stale would not hold up (B-LT)."""
    authority = Authority.objects.filter(district_id=seal.district_id).first()
    if authority is None:
        raise ValidationError(_("The district CA has not been set up: run create_seal."))
    crl = current_crl(seal.district_id)
    if seal.revoked_at is not None:
        raise ValidationError(_("The seal %(seal)s is revoked.") % {"seal": seal.name})
    return Material(
        certificates=(
            _asn1_certificate(seal.certificate_pem),
            _asn1_certificate(authority.tsa_certificate_pem),
            _asn1_certificate(authority.ca_certificate_pem),
        ),
        crl=_asn1_crl(bytes(crl.der)),
        tsa_key_id=authority.tsa_key_id,
    )


def current_crl(district_id: int) -> RevocationList:
    """The district CA's latest CRL, refused when there is none or it has lapsed."""
    crl = RevocationList.objects.filter(district_id=district_id).order_by("-number").first()
    if crl is None:
        raise ValidationError(_("The district CA has not been set up: run create_seal."))
    now = clock.now()
    if not crl.this_update <= now < crl.next_update:
        raise ValidationError(
            _(
                "The district CA's revocation list is valid %(start)s – %(end)s, not now: sealing resumes once the CA issues a new one."
            )
            % {
                "start": timezone.localtime(crl.this_update).strftime("%Y-%m-%d %H:%M"),
                "end": timezone.localtime(crl.next_update).strftime("%Y-%m-%d %H:%M"),
            }
        )
    return crl


def timestamper(tsa_key_id: str) -> Any:
    """The configured timestamp authority (``DGOV_TSA_URL``), else the local one."""
    url = str(getattr(settings, "DGOV_TSA_URL", "") or "")
    if url:
        from pyhanko.sign.timestamps import HTTPTimeStamper

        return HTTPTimeStamper(url)
    return key_store().timestamper(tsa_key_id)


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


def pades_sign(
    pdf_bytes: bytes,
    seal: Seal,
    *,
    reason: str = "电子证照签章",
    box: tuple[int, int, int, int] | None = None,
    seal_material: Material | None = None,
    on_page: int = 0,
) -> bytes:
    """Certify the PDF (DocMDP: no changes) with the seal's PDF key, a timestamp and, in
    the signed revision itself, a DSS with the chain and the CRL: PAdES B-LT that covers
    the whole file. ``box`` places the signature field over the drawn seal, on page
    ``on_page`` (0 the first, -1 the last: a written notice's seal is where its text ends)."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers
    from pyhanko.sign.validation.dss import DocumentSecurityStore
    from pyhanko.stamp.noop import NoOpStampStyle

    seal_material = seal_material or material(seal)
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf_bytes), strict=False)
    DocumentSecurityStore.supply_dss_in_writer(writer, None, certs=seal_material.certificates, crls=[seal_material.crl])
    meta = signers.PdfSignatureMetadata(
        field_name="Seal",
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason=reason,
        name=seal.name,
        certify=True,
        docmdp_permissions=fields.MDPPerm.NO_CHANGES,
    )
    pdf_signer = signers.PdfSigner(
        meta,
        signer=key_store().pades_signer(seal.key_id),
        timestamper=timestamper(seal_material.tsa_key_id),
        # The seal is drawn into the page itself; the field sits on it without a stamp of its own.
        stamp_style=NoOpStampStyle(),
        new_field_spec=fields.SigFieldSpec("Seal", on_page=on_page, box=box) if box else None,
    )
    out = run_async(
        lambda: pdf_signer.async_sign_pdf(writer, bytes_reserved=SIGNATURE_BYTES_RESERVED, output=io.BytesIO())
    )
    return out.getvalue()


def write_file(storage_name: str, data: bytes) -> Staged:
    """Stage the PDF in the file store; the caller places it inside the transaction that
    writes its row, or discards it (``dgov.lib.files``)."""
    return files().stage(storage_key(storage_name), [data])


def seal_for(application: Application, certificate_type: CertificateType, day: dt.date) -> Seal:
    candidates = Seal.objects.filter(
        Q(certificate_type=certificate_type) | Q(department_id=application.department_id, certificate_type=None),
        district_id=application.district_id,
        valid_from__lte=day,
        valid_to__gte=day,
        revoked_at__isnull=True,
    ).order_by("certificate_type_id", "-valid_to")
    # A seal made for the certificate type wins over the department's general seal.
    seals = sorted(candidates, key=lambda s: s.certificate_type_id is None)
    if not seals:
        raise ValidationError(_("No seal valid today for %(type)s.") % {"type": certificate_type.name})
    return seals[0]


def department_seal(district_id: int, department_id: int, day: dt.date) -> Seal:
    """The department's own approval seal (行政审批专用章) valid on ``day``, not one made
    for a certificate type: the seal of its written notices (``dgov.notices``)."""
    seal = (
        Seal.objects.filter(
            district_id=district_id,
            department_id=department_id,
            certificate_type=None,
            valid_from__lte=day,
            valid_to__gte=day,
            revoked_at__isnull=True,
        )
        .order_by("-valid_to", "-pk")
        .first()
    )
    if seal is None:
        raise ValidationError(_("The department has no approval seal valid today."))
    return seal


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
        "verification_code": certificate.verification_code,
        "file_sha256": certificate.file_sha256,
        "seal_key_id": certificate.seal.key_id,
        "sealed_at": sealed_at,
    }


def copy_metadata(copy: Any, *, sealed_at: str) -> dict[str, Any]:
    """What an annotated copy's SM2 seal covers: the copy, bound to its certificate."""
    certificate = copy.certificate
    return {
        "copy_of": certificate.identifier,
        "number": certificate.number,
        "certificate_sha256": certificate.file_sha256,
        "code": copy.code,
        "purpose": copy.purpose,
        "expires_on": copy.expires_on.isoformat(),
        "file_sha256": copy.file_sha256,
        "seal_key_id": copy.seal.key_id,
        "sealed_at": sealed_at,
    }


def seal_mark(seal: Seal) -> pdf.SealMark:
    """The visible seal, drawn from the seal's own data: its name and the fingerprint of
    its SM2 public key (what the OpenSSL check verifies against)."""
    fingerprint = hashlib.sha256(seal.sm2_public_key_pem.encode()).hexdigest()[:16].upper()
    return pdf.SealMark(name=seal.name, fingerprint=fingerprint)


def content_for(certificate: Certificate, *, url: str, annotation: str = "", seal: Seal | None = None) -> pdf.Content:
    return pdf.Content(
        seal=seal_mark(seal or certificate.seal),
        verification_code=certificate.verification_code,
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
    *,
    seal: Seal,
    document_sha256: str,
    application: Application | None,
    certificate: Certificate | None,
    by: Any,
    purpose: str,
    annotated_copy: Any = None,
    notice: Any = None,
) -> SealUse:
    """The ledger entry and its ``seal.use`` audit entry, for a certificate, an annotated
    copy, or a written notice (whose act it rests on is the notice's, ``dgov.notices``)."""
    district_id = application.district_id if application is not None else notice.district_id
    use = SealUse.objects.create(
        at=clock.now(),
        purpose=purpose,
        district_id=district_id,
        seal=seal,
        document_sha256=document_sha256,
        application=application,
        certificate=certificate,
        annotated_copy=annotated_copy,
        notice=notice,
        by=by,
    )
    changes: dict[str, Any] = {
        "at": use.at.isoformat(),
        "seal": seal.key_id,
        "document_sha256": document_sha256,
        "application": application.number if application is not None else None,
        "purpose": purpose,
    }
    if notice is not None:
        changes |= {"notice": notice.pk, "requested_by": notice.requested_by_id, "kind": notice.kind}
    else:
        assert application is not None
        changes |= {
            "approved_by": application.decided_by_id,
            "decided_on": application.decided_on.isoformat() if application.decided_on else None,
        }
    district = application.district if application is not None else notice.district
    record("seal.use", use, actor=by, district=district, changes=changes)
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
        serial = batch.next_serial(certificate_type, department.credit_code)
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
            verification_code=new_verification_code(),
        )
        layout = certificate_type.layout
        signed = pades_sign(
            pdf.render(content_for(certificate, url=verify_url(certificate.verification_code))),
            seal,
            box=pdf.seal_box(layout),
            seal_material=batch.material(seal),
        )
        certificate.file_sha256 = hashlib.sha256(signed).hexdigest()
        sealed_at = clock.now().isoformat(timespec="seconds")
        certificate.seal_metadata = canonical(metadata(certificate, sealed_at=sealed_at)).decode()
        certificate.seal_value = key_store().sign(seal.key_id, certificate.seal_metadata.encode()).hex()
        staged = write_file(certificate.storage_name, signed)
        in_locker: str | None = None
        try:
            with transaction.atomic():
                certificate.save(force_insert=True)
                record_seal_use(
                    seal=seal,
                    document_sha256=certificate.file_sha256,
                    application=application,
                    certificate=certificate,
                    by=by,
                    purpose=SealUsePurpose.ISSUE,
                )
                record(
                    "certificate.issue",
                    certificate,
                    actor=by,
                    changes={"identifier": certificate.identifier, "application": application.number},
                )
                in_locker = _put_in_locker(certificate, application, staged, size=len(signed), by=by)
                staged.place()
            batch.took_serial(certificate_type, department.credit_code, serial)
            return certificate
        except IntegrityError:
            staged.discard()
            if in_locker is not None:
                files().delete(in_locker)
            already = Certificate.objects.filter(
                application=application, certificate_type=certificate_type, version=1
            ).first()
            if already is not None:  # another officer issued it at the same moment
                return already
            batch.forget_serial(certificate_type, department.credit_code)
            continue  # another officer took the serial: take the next
        except BaseException:
            staged.discard()
            if in_locker is not None:
                files().delete(in_locker)
            raise
    raise RuntimeError("could not allocate a certificate serial")


def _put_in_locker(
    certificate: Certificate, application: Application, file: Staged, *, size: int, by: Any
) -> str | None:
    """Once-only: the holder finds the certificate in their document locker and can hand
    it in with one click wherever a material asks for an e-certificate already issued.
    Returns the locker copy's key, for the caller to delete if the issue rolls back."""
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
        size=size,
        by=by,
    )
    return document.key


class _Batch:
    """What a run of issues can share: certificate types per item, seals per type, and
    the last serial taken per type and issuer (read once; a serial another officer took
    meanwhile fails the unique constraint, and the batch reads it again)."""

    def __init__(self) -> None:
        self._types: dict[int, list[CertificateType]] = {}
        self._seals: dict[tuple[int, int, dt.date], Seal] = {}
        self._material: dict[int, Material] = {}
        self._serials: dict[tuple[int, str], int] = {}

    def next_serial(self, certificate_type: CertificateType, issuer_code: str) -> int:
        key = (certificate_type.pk, issuer_code)
        if key not in self._serials:
            self._serials[key] = (
                Certificate.objects.filter(certificate_type=certificate_type, issuer_code=issuer_code).aggregate(
                    m=Max("serial")
                )["m"]
                or 0
            )
        return self._serials[key] + 1

    def took_serial(self, certificate_type: CertificateType, issuer_code: str, serial: int) -> None:
        self._serials[(certificate_type.pk, issuer_code)] = serial

    def forget_serial(self, certificate_type: CertificateType, issuer_code: str) -> None:
        self._serials.pop((certificate_type.pk, issuer_code), None)

    def material(self, seal: Seal) -> Material:
        if seal.pk not in self._material:
            self._material[seal.pk] = material(seal)
        return self._material[seal.pk]

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
    enforce(may_issue(by, application))
    today = today or clock.today()
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
    loaded = Application.objects.select_related("department", "district", "applicant__user", "item_version").in_bulk(
        wanted
    )
    for pk in wanted:
        application = loaded[pk]
        try:
            issued.extend(do_issue(application, by=by, batch=batch))
        except (PermissionDenied, ValidationError) as error:
            message = error.messages[0] if isinstance(error, ValidationError) else str(error)
            refused.append((application, message))
    return issued, refused
