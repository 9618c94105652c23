"""The district CA, offline: the only code that reads the CA's private key.

The key lives in ``settings.SEAL_CA_DIR`` (``DGOV_CA_KEY_DIR``), which only the management
commands read (``create_seal``, ``issue_crl``, ``revoke_seal``; ``load_demo`` for the
demo). The web process and the seal service never import this module: they hold the seal
keys and the local timestamp authority's key (``sealing.FileKeyStore``), and read the
certificates and CRLs this module issued from the database (``Authority``,
``RevocationList``). Certificates name ``crl_url`` as their CRL distribution point, so that
a verifier such as pyHanko fetches the current list (http, as RFC 5280 advises for CRLs;
the list is signed).
"""

import datetime as dt
import os
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from dgov.audit.trail import record
from dgov.certificates import sealing
from dgov.certificates.models import Authority, CertificateType, RevocationList, Seal
from dgov.lib import clock
from dgov.lib.links import public_url

CA_YEARS = 20
TSA_YEARS = 10


def ca_dir() -> Path:
    return Path(settings.SEAL_CA_DIR)


def crl_url(district: Any) -> str:
    base = str(getattr(settings, "DGOV_CRL_URL", "") or "").rstrip("/")
    path = f"/certificates/pki/{district.code}/crl"
    return f"{base}{path}" if base else public_url(path)


def _name(district: Any, common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, str(district)),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _key_usage(*, sign: bool = False, commit: bool = False, ca: bool = False) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=sign,
        content_commitment=commit,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=ca,
        crl_sign=ca,
        encipher_only=False,
        decipher_only=False,
    )


def _pem(cert: x509.Certificate) -> str:
    return cert.public_bytes(serialization.Encoding.PEM).decode()


class DistrictCA:
    """One district's CA key and certificate (created on first use)."""

    def __init__(self, district: Any) -> None:
        self.district = district
        directory = ca_dir()
        key_path = directory / f"ca-{district.code}.key.pem"
        cert_path = directory / f"ca-{district.code}.cert.pem"
        self._move_from_seal_directory(key_path, cert_path)
        if key_path.exists():
            key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
            assert isinstance(key, ec.EllipticCurvePrivateKey)  # noqa: S101 — written here
            self.key = key
            self.certificate = x509.load_pem_x509_certificate(cert_path.read_bytes())
            return
        self.key = ec.generate_private_key(ec.SECP256R1())
        name = _name(district, f"{district} 电子印章根证书")
        now = clock.now()
        self.certificate = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(self.key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=365 * CA_YEARS))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(_key_usage(ca=True), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(self.key.public_key()), critical=False)
            .sign(self.key, hashes.SHA256())
        )
        sealing.write_private(
            key_path,
            self.key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            ),
        )
        sealing.write_private(cert_path, self.certificate.public_bytes(serialization.Encoding.PEM))

    def _move_from_seal_directory(self, key_path: Path, cert_path: Path) -> None:
        """Before decision 0012 the CA key sat beside the seal keys: take it out of there."""
        old = sealing.key_dir() / key_path.name
        if old.exists() and not key_path.exists():
            key_path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            os.replace(old, key_path)
            os.replace(sealing.key_dir() / cert_path.name, cert_path)

    @property
    def pem(self) -> str:
        return _pem(self.certificate)

    def _leaf(self, public_key: Any, common_name: str, start: dt.datetime, end: dt.datetime) -> x509.CertificateBuilder:
        return (
            x509.CertificateBuilder()
            .subject_name(_name(self.district, common_name))
            .issuer_name(self.certificate.subject)
            .public_key(public_key)
            .serial_number(x509.random_serial_number())
            .not_valid_before(start)
            .not_valid_after(min(end, self.certificate.not_valid_after_utc))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(self.key.public_key()), critical=False)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
            .add_extension(
                x509.CRLDistributionPoints(
                    [x509.DistributionPoint([x509.UniformResourceIdentifier(crl_url(self.district))], None, None, None)]
                ),
                critical=False,
            )
        )

    def issue_seal_certificate(self, public_key: Any, name: str, valid_from: dt.date, valid_to: dt.date) -> str:
        start = dt.datetime.combine(valid_from, dt.time.min, tzinfo=dt.UTC) - dt.timedelta(days=1)
        end = dt.datetime.combine(valid_to, dt.time.max, tzinfo=dt.UTC)
        builder = self._leaf(public_key, name, start, end).add_extension(
            _key_usage(sign=True, commit=True), critical=True
        )
        return _pem(builder.sign(self.key, hashes.SHA256()))

    def issue_tsa_certificate(self, public_key: Any) -> str:
        now = clock.now()
        builder = (
            self._leaf(
                public_key,
                f"{self.district} 时间戳服务",
                now - dt.timedelta(days=1),
                now + dt.timedelta(days=365 * TSA_YEARS),
            )
            .add_extension(_key_usage(sign=True, commit=True), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        )
        return _pem(builder.sign(self.key, hashes.SHA256()))

    def issue_crl(self) -> RevocationList:
        """A new CRL listing every revoked seal of the district, valid ``DGOV_CRL_DAYS``."""
        now = clock.now()
        last = RevocationList.objects.filter(district=self.district).order_by("-number").first()
        number = (last.number if last else 0) + 1
        builder = (
            x509.CertificateRevocationListBuilder()
            .issuer_name(self.certificate.subject)
            .last_update(now - dt.timedelta(minutes=1))
            .next_update(now + dt.timedelta(days=settings.DGOV_CRL_DAYS))
            .add_extension(x509.CRLNumber(number), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(self.key.public_key()), critical=False)
        )
        for seal in Seal.objects.filter(district=self.district, revoked_at__isnull=False):
            certificate = x509.load_pem_x509_certificate(seal.certificate_pem.encode())
            builder = builder.add_revoked_certificate(
                x509.RevokedCertificateBuilder()
                .serial_number(certificate.serial_number)
                .revocation_date(seal.revoked_at)  # type: ignore[arg-type]
                .add_extension(x509.CRLReason(x509.ReasonFlags.key_compromise), critical=False)
                .build()
            )
        crl = builder.sign(self.key, hashes.SHA256())
        revocation_list = RevocationList.objects.create(
            district=self.district,
            number=number,
            this_update=crl.last_update_utc,
            next_update=crl.next_update_utc,  # type: ignore[misc]
            der=crl.public_bytes(serialization.Encoding.DER),
        )
        record("seal.crl", revocation_list, district=self.district, changes={"number": number})
        return revocation_list

    def ensure_authority(self) -> Authority:
        """The district's public PKI row, with a local TSA whose key goes to the seal service."""
        authority = Authority.objects.filter(district=self.district).first()
        if authority is not None and authority.ca_certificate_pem == self.pem:
            return authority
        tsa_key_id, tsa_pem = self._new_tsa()
        authority, _created = Authority.objects.update_or_create(
            district=self.district,
            defaults={
                "ca_certificate_pem": self.pem,
                "tsa_certificate_pem": tsa_pem,
                "tsa_key_id": tsa_key_id,
                "crl_url": crl_url(self.district),
            },
        )
        return authority

    def _new_tsa(self) -> tuple[str, str]:
        tsa_key_id = f"tsa-{self.district.code}"
        public = sealing.key_store().generate_tsa(tsa_key_id)
        tsa_pem = self.issue_tsa_certificate(serialization.load_pem_public_key(public.encode()))
        sealing.key_store().install_certificate(tsa_key_id, tsa_pem, self.pem)
        return tsa_key_id, tsa_pem

    def renew_tsa(self) -> Authority:
        """A new key and certificate for the district's local TSA, valid ``TSA_YEARS``
        from now: run before the current one ends, so that archival timestamps
        (``archive_certificates``) can be renewed by a TSA that outlasts the last one."""
        authority = self.ensure_authority()
        tsa_key_id, tsa_pem = self._new_tsa()
        Authority.objects.filter(pk=authority.pk).update(tsa_key_id=tsa_key_id, tsa_certificate_pem=tsa_pem)
        authority.refresh_from_db()
        record("authority.renew_tsa", authority, district=self.district, changes={"tsa_key_id": tsa_key_id})
        return authority


def current_crl_needed(district: Any, *, within: dt.timedelta = dt.timedelta(days=2)) -> bool:
    latest = RevocationList.objects.filter(district=district).order_by("-number").first()
    return latest is None or latest.next_update - within < clock.now()


def do_create_seal(
    *,
    district: Any,
    name: str,
    valid_from: dt.date,
    valid_to: dt.date,
    department: Any = None,
    certificate_type: CertificateType | None = None,
) -> Seal:
    """Offline: the seal service makes the seal's keys, the district CA certifies them;
    the district's TSA and a current CRL are made on the way if missing."""
    if department is None and certificate_type is None:
        raise ValidationError(_("A seal belongs to a department or a certificate type."))
    if valid_to < valid_from:
        raise ValidationError(_("A seal cannot expire before it becomes valid."))
    authority_ca = DistrictCA(district)
    authority_ca.ensure_authority()
    key_id = sealing.new_key_id(district)
    public = sealing.key_store().generate(key_id)
    cert_pem = authority_ca.issue_seal_certificate(
        serialization.load_pem_public_key(public["pades_public_key_pem"].encode()), name, valid_from, valid_to
    )
    sealing.key_store().install_certificate(key_id, cert_pem, authority_ca.pem)
    with transaction.atomic():
        seal = Seal.objects.create(
            district=district,
            department=department,
            certificate_type=certificate_type,
            name=name,
            valid_from=valid_from,
            valid_to=valid_to,
            key_id=key_id,
            sm2_public_key_pem=public["sm2_public_key_pem"],
            certificate_pem=cert_pem,
            ca_certificate_pem=authority_ca.pem,
        )
        record("seal.create", seal, changes={"key_id": key_id, "valid_to": valid_to.isoformat()})
        if current_crl_needed(district):
            authority_ca.issue_crl()
    return seal


def do_revoke_seal(seal: Seal, *, reason: str, at: dt.datetime | None = None) -> RevocationList:
    """Offline: mark the seal revoked and issue the CRL that lists its certificate.
    Certificates sealed before ``at`` stay valid; the seal seals nothing after it."""
    if not reason.strip():
        raise ValidationError(_("A revocation states its reason."))
    if seal.revoked_at is not None:
        raise ValidationError(_("This seal is already revoked."))
    at = at or clock.now()
    with transaction.atomic():
        Seal.objects.filter(pk=seal.pk).update(revoked_at=at, revocation_reason=reason.strip())
        seal.revoked_at, seal.revocation_reason = at, reason.strip()
        record("seal.revoke", seal, changes={"revoked_at": at.isoformat(), "reason": reason.strip()})
        return DistrictCA(seal.district).issue_crl()
