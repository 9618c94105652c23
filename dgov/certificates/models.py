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
from dgov.lib.personal import mask_id_number

_STORAGE_NAME = re.compile(r"[0-9a-f]{32}")


def certificates_root() -> Path:
    """Where issued PDFs live: outside the web root, read at call time so tests can move it."""
    return Path(getattr(settings, "CERTIFICATES_ROOT", settings.VAR_DIR / "certificates"))


def storage_path(storage_name: str) -> Path:
    if not _STORAGE_NAME.fullmatch(storage_name):
        raise ValueError("not a storage name")
    return certificates_root() / storage_name[:2] / storage_name[2:4] / f"{storage_name}.pdf"


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
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(application__applicant__user=user)


class Certificate(models.Model):
    district = models.ForeignKey("accounts.District", on_delete=models.PROTECT, related_name="certificates")
    application = models.ForeignKey("applications.Application", on_delete=models.PROTECT, related_name="certificates")
    certificate_type = models.ForeignKey(CertificateType, on_delete=models.PROTECT, related_name="certificates")
    identifier = models.CharField(_("identifier"), max_length=120, unique=True)
    number = models.CharField(_("certificate number"), max_length=40, unique=True)
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
    def path(self) -> Path:
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


class SealUse(models.Model):
    """One use of a seal: the time, the seal, the hash of what it sealed, and the approval
    it rests on (GB/T 38540: each use records time, document hash and signer)."""

    at = models.DateTimeField()
    district = models.ForeignKey("accounts.District", on_delete=models.PROTECT, related_name="+")
    seal = models.ForeignKey(Seal, on_delete=models.PROTECT, related_name="uses")
    document_sha256 = models.CharField(max_length=64)
    application = models.ForeignKey(
        "applications.Application", null=True, blank=True, on_delete=models.PROTECT, related_name="seal_uses"
    )
    certificate = models.ForeignKey(
        Certificate, null=True, blank=True, on_delete=models.PROTECT, related_name="seal_uses"
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
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("annotated copy")
        verbose_name_plural = _("annotated copies")

    def __str__(self) -> str:
        return f"{self.certificate} ({self.purpose})"

    @property
    def path(self) -> Path:
        return storage_path(self.storage_name)
