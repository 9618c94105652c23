"""E-certificates (电子证照, GB/T 36901–36906) and the centrally held approval seal
(行政审批专用章集中托管, GB/T 38540).

A ``Certificate`` is issued for an approved application and sealed twice: a PAdES
signature inside the PDF, and a detached SM2/SM3 electronic seal over its canonical
metadata and file hash. Every use of a seal leaves a ``SealUse`` row and an audit entry;
every status change leaves a ``CertificateStatusChange`` row.
"""

import datetime as dt
import re
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dgov.accounts.models import DistrictScopedQuerySet
from dgov.lib.files import LocalFiles, area_root
from dgov.lib.personal import mask_id_number

_STORAGE_NAME = re.compile(r"[0-9a-f]{32}")


def certificates_root() -> Path:
    """Where issued PDFs live on local storage: outside the web root, read at call time so
    tests can move it."""
    return area_root("certificates")


def storage_key(storage_name: str, suffix: str = ".pdf") -> str:
    """The key of an issued PDF in the file store (``dgov.lib.files``)."""
    if not _STORAGE_NAME.fullmatch(storage_name):
        raise ValueError("not a storage name")
    return f"certificates/{storage_name[:2]}/{storage_name[2:4]}/{storage_name}{suffix}"


def storage_path(storage_name: str) -> Path:
    """The PDF on local storage (``DGOV_FILE_STORAGE=local``) only."""
    return LocalFiles().path(storage_key(storage_name))


class Layout(models.TextChoices):
    """How a certificate type is laid out on the page (see ``dgov.certificates.pdf``)."""

    LICENCE = "licence", _("Licence (landscape, framed)")
    PERMIT = "permit", _("Permit (portrait)")


class CertificateStatus(models.TextChoices):
    """GB/T 36903 status codes."""

    VALID = "01", _("Valid")  # 有效
    SUSPENDED = "02", _("Suspended")  # 暂扣
    ANNULLED = "03", _("Annulled")  # 撤销
    CANCELLED = "04", _("Cancelled")  # 注销
    LAPSED = "05", _("Lapsed")  # 失效
    TRANSFERRED = "06", _("Transferred out")  # 转出
    REVOKED = "07", _("Revoked")  # 吊销


class HolderCodeKind(models.TextChoices):
    CREDIT_CODE = "credit_code", _("Unified social credit code")
    ID_NUMBER = "id_number", _("ID card number")


class CertificateType(models.Model):
    district = models.ForeignKey("accounts.District", on_delete=models.PROTECT, related_name="certificate_types")
    code = models.CharField(_("type code"), max_length=20, help_text=_("Letters and digits only."))
    name = models.CharField(_("name"), max_length=100)
    layout = models.CharField(_("layout"), max_length=20, choices=Layout.choices, default=Layout.LICENCE)
    validity_years = models.PositiveSmallIntegerField(_("validity in years"), default=5)
    item = models.ForeignKey(
        "services.ServiceItem",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="certificate_types",
        verbose_name=_("issued for service item"),
    )

    objects = DistrictScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("certificate type")
        verbose_name_plural = _("certificate types")
        constraints = [models.UniqueConstraint(fields=["district", "code"], name="certificate_type_code_unique")]

    def __str__(self) -> str:
        return self.name


class Authority(models.Model):
    """A district's public PKI: its CA certificate (the trust root a verifier installs),
    the certificate of its local timestamp authority, and where its CRL is published. The
    CA's private key is not here nor anywhere the web process reads (``dgov.certificates.ca``)."""

    district = models.OneToOneField("accounts.District", on_delete=models.PROTECT, related_name="authority")
    ca_certificate_pem = models.TextField(_("district CA certificate (PEM)"))
    tsa_certificate_pem = models.TextField(_("timestamp authority certificate (PEM)"))
    tsa_key_id = models.CharField(max_length=64)
    crl_url = models.CharField(_("CRL address"), max_length=300)

    class Meta:
        verbose_name = _("certification authority")
        verbose_name_plural = _("certification authorities")

    def __str__(self) -> str:
        return f"CA {self.district_id}"


class RevocationList(models.Model):
    """A CRL the district CA issued (offline), newest number current. Sealing embeds the
    current one in every certificate; verifiers read seal revocations from it."""

    district = models.ForeignKey("accounts.District", on_delete=models.PROTECT, related_name="revocation_lists")
    number = models.PositiveIntegerField()
    this_update = models.DateTimeField()
    next_update = models.DateTimeField()
    der = models.BinaryField()

    class Meta:
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["district", "number"], name="crl_number_unique")]

    def __str__(self) -> str:
        return f"CRL {self.district_id} #{self.number}"


class Seal(models.Model):
    """An electronic seal of a department (or of one certificate type). The private keys
    stay with the seal service (``sealing.KeyStore``); the database holds only the public
    halves needed to verify."""

    district = models.ForeignKey("accounts.District", on_delete=models.PROTECT, related_name="seals")
    department = models.ForeignKey(
        "accounts.Department", null=True, blank=True, on_delete=models.PROTECT, related_name="seals"
    )
    certificate_type = models.ForeignKey(
        CertificateType, null=True, blank=True, on_delete=models.PROTECT, related_name="seals"
    )
    name = models.CharField(_("name"), max_length=100)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"))
    key_id = models.CharField(_("key id"), max_length=64, unique=True)
    sm2_public_key_pem = models.TextField(_("SM2 public key (PEM)"))
    certificate_pem = models.TextField(_("signing certificate (PEM)"))
    ca_certificate_pem = models.TextField(_("district CA certificate (PEM)"))
    created_at = models.DateTimeField(auto_now_add=True)
    # Set by ``revoke_seal`` together with the CRL that lists the seal's certificate.
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revocation_reason = models.CharField(_("reason for revocation"), max_length=200, blank=True)

    objects = DistrictScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("seal")
        verbose_name_plural = _("seals")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(department__isnull=False) | models.Q(certificate_type__isnull=False),
                name="seal_has_owner",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def valid_on(self, day: dt.date) -> bool:
        return self.valid_from <= day <= self.valid_to


class CertificateQuerySet(DistrictScopedQuerySet):
    def held_by(self, user: Any) -> "CertificateQuerySet":
        """The holder's certificates, and an enterprise's for its agents it allows to see them."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        from dgov.accounts.models import acting_for

        return self.filter(
            models.Q(application__applicant__user=user)
            | models.Q(application__applicant_id__in=acting_for(user, "may_see_certificates"))
        )


class Certificate(models.Model):
    district = models.ForeignKey("accounts.District", on_delete=models.PROTECT, related_name="certificates")
    application = models.ForeignKey("applications.Application", on_delete=models.PROTECT, related_name="certificates")
    certificate_type = models.ForeignKey(CertificateType, on_delete=models.PROTECT, related_name="certificates")
    identifier = models.CharField(_("identifier"), max_length=120, unique=True)
    number = models.CharField(_("certificate number"), max_length=40, unique=True)
    # The verification address carries this random code, never the sequential identifier.
    verification_code = models.CharField(_("verification code"), max_length=32, unique=True)
    serial = models.PositiveIntegerField()
    version = models.PositiveSmallIntegerField(default=1)
    holder_name = models.CharField(_("holder"), max_length=100)
    holder_code = models.CharField(_("holder code"), max_length=18)
    holder_code_kind = models.CharField(max_length=20, choices=HolderCodeKind.choices)
    issuer_name = models.CharField(_("issuer"), max_length=100)
    issuer_code = models.CharField(_("issuer code"), max_length=18)
    region = models.CharField(_("region code"), max_length=6)
    item_name = models.CharField(_("service item"), max_length=200)
    issued_on = models.DateField(_("issued on"))
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"))
    status = models.CharField(
        _("status"), max_length=2, choices=CertificateStatus.choices, default=CertificateStatus.VALID
    )
    status_changed_on = models.DateField(_("status changed on"), null=True, blank=True)
    file_sha256 = models.CharField(_("SHA-256 of the file"), max_length=64, db_index=True)
    storage_name = models.CharField(max_length=32, unique=True, editable=False)
    seal = models.ForeignKey(Seal, on_delete=models.PROTECT, related_name="certificates")
    seal_metadata = models.TextField(_("sealed metadata (canonical JSON)"))
    seal_value = models.CharField(_("SM2 seal value (DER, hex)"), max_length=200)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField(auto_now_add=True)
    # When the TSA certificate of the latest timestamp in the archived copy ends (PAdES
    # B-LTA, ``dgov.certificates.archive``); null until the first archival timestamp.
    archived_until = models.DateTimeField(null=True, blank=True, db_index=True, editable=False)

    objects = CertificateQuerySet.as_manager()

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-issued_at", "-pk"]
        permissions = [
            ("issue_certificate", "Can issue and seal certificates of approved applications"),
            ("change_certificate_status", "Can suspend, revoke, cancel or restore certificates"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["certificate_type", "issuer_code", "serial", "version"], name="certificate_serial_unique"
            ),
            models.UniqueConstraint(
                fields=["application", "certificate_type", "version"], name="certificate_once_per_application"
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def key(self) -> str:
        return storage_key(self.storage_name)

    @property
    def path(self) -> Path:
        """The file on local storage only (``key`` everywhere)."""
        return storage_path(self.storage_name)

    @property
    def shown_holder_code(self) -> str:
        """As printed: a credit code in full, an ID number masked."""
        if self.holder_code_kind == HolderCodeKind.ID_NUMBER:
            return mask_id_number(self.holder_code)
        return self.holder_code


class CertificateStatusChange(models.Model):
    """Append-only: every change of a certificate's status (who, when, from, to, why)."""

    certificate = models.ForeignKey(Certificate, on_delete=models.PROTECT, related_name="status_changes")
    at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    from_status = models.CharField(max_length=2, choices=CertificateStatus.choices)
    to_status = models.CharField(max_length=2, choices=CertificateStatus.choices)
    reason = models.TextField(_("reason"))

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.certificate_id} {self.from_status}→{self.to_status}"


class SealUsePurpose(models.TextChoices):
    ISSUE = "issue", _("Certificate issued")
    ANNOTATED_COPY = "annotated_copy", _("Annotated copy")
    NOTICE = "notice", _("Written notice (行政许可文书)")
    OTHER = "other", _("Other (reason recorded)")


class SealUse(models.Model):
    """One use of a seal: the time, the seal, the hash of what it sealed, and the approval
    it rests on (GB/T 38540: each use records time, document hash and signer). A use that
    produced no certificate or copy states its reason in ``note``."""

    at = models.DateTimeField()
    purpose = models.CharField(max_length=20, choices=SealUsePurpose.choices, default=SealUsePurpose.ISSUE)
    note = models.TextField(blank=True)
    district = models.ForeignKey("accounts.District", on_delete=models.PROTECT, related_name="+")
    seal = models.ForeignKey(Seal, on_delete=models.PROTECT, related_name="uses")
    document_sha256 = models.CharField(max_length=64)
    application = models.ForeignKey(
        "applications.Application", null=True, blank=True, on_delete=models.PROTECT, related_name="seal_uses"
    )
    certificate = models.ForeignKey(
        Certificate, null=True, blank=True, on_delete=models.PROTECT, related_name="seal_uses"
    )
    annotated_copy = models.ForeignKey(
        "AnnotatedCopy", null=True, blank=True, on_delete=models.PROTECT, related_name="seal_uses"
    )
    # A written notice the seal service sealed (``dgov.notices``): the act it rests on is
    # the notice's own, by another hand than the sealer's.
    notice = models.ForeignKey(
        "notices.Notice", null=True, blank=True, on_delete=models.PROTECT, related_name="seal_uses"
    )
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        indexes = [models.Index(fields=["at"], name="seal_use_at_idx")]

    def __str__(self) -> str:
        return f"{self.seal_id} {self.at:%Y-%m-%d %H:%M}"


class AnnotatedCopy(models.Model):
    """加注件: a copy of a certificate bound to one use, stating its purpose and expiry."""

    certificate = models.ForeignKey(Certificate, on_delete=models.PROTECT, related_name="annotated_copies")
    code = models.CharField(max_length=32, unique=True)
    purpose = models.CharField(_("purpose"), max_length=200)
    expires_on = models.DateField(_("expires on"))
    file_sha256 = models.CharField(max_length=64, db_index=True)
    storage_name = models.CharField(max_length=32, unique=True, editable=False)
    # The copy's own SM2 seal (copies made before decision 0012 have none).
    seal = models.ForeignKey(Seal, null=True, blank=True, on_delete=models.PROTECT, related_name="annotated_copies")
    seal_metadata = models.TextField(blank=True)
    seal_value = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("annotated copy")
        verbose_name_plural = _("annotated copies")

    def __str__(self) -> str:
        return f"{self.certificate} ({self.purpose})"

    @property
    def key(self) -> str:
        return storage_key(self.storage_name)

    @property
    def path(self) -> Path:
        """The file on local storage only (``key`` everywhere)."""
        return storage_path(self.storage_name)


class FindingKind(models.TextChoices):
    USE_WITHOUT_APPROVAL = "use_without_approval", _("Seal use without an approval")
    USE_WITHOUT_DOCUMENT = "use_without_document", _("Seal use without its certificate or a recorded reason")
    CERTIFICATE_WITHOUT_USE = "certificate_without_use", _("Certificate sealed outside the ledger")
    COPY_WITHOUT_USE = "copy_without_use", _("Annotated copy sealed outside the ledger")
    NOTICE_WITHOUT_USE = "notice_without_use", _("Written notice sealed outside the ledger")
    USE_WITHOUT_ACT = "use_without_act", _("Seal use on a written notice without its act by another hand")
    USE_WITHOUT_AUDIT = "use_without_audit", _("Seal use missing from the audit trail")
    AUDIT_WITHOUT_USE = "audit_without_use", _("Seal use in the audit trail, missing from the ledger")
    LATE_CERTIFICATE = "late_certificate", _("Approval without its certificate past the time limit")
    RECORDS_DISAGREE = "records_disagree", _("Database and sealed record disagree")
    CRL_EXPIRING = "crl_expiring", _("The revocation list expires soon")


class LedgerFinding(models.Model):
    """What reconciliation or a verification found wrong with the seal's books; shown to
    seal officers and auditors. One row per (kind, subject): found again, it is not repeated."""

    district = models.ForeignKey("accounts.District", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=30, choices=FindingKind.choices)
    subject = models.CharField(max_length=100)
    detail = models.TextField()
    found_at = models.DateTimeField()

    class Meta:
        ordering = ["-found_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["kind", "subject"], name="ledger_finding_once")]

    def __str__(self) -> str:
        return f"{self.kind} {self.subject}"
