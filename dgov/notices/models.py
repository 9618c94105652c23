"""The written documents the Administrative Licensing Law requires (行政许可文书).

行政许可法 Art. 32 (a written receipt of acceptance or non-acceptance, and a one-time notice
of the materials to complete), Art. 38 (a written decision; a refusal states its reasons
and the applicant's rights to reconsideration and to sue), Art. 42 (the reason for an
extension told to the applicant) and Art. 45 (the time a special procedure needs, told in
writing). Each act that requires one writes its ``Notice`` in the act's own transaction,
with the text rendered from the district's current ``NoticeTemplate``; the seal service
numbers, renders, seals and serves it afterwards (``sealing``), and the applicant's first
opening is the time of service (``service``).
"""

from pathlib import Path

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dgov.accounts.models import DistrictScopedQuerySet


class Kind(models.TextChoices):
    ACCEPTANCE = "acceptance", _("Notice of acceptance")  # 受理通知书
    REFUSAL = "refusal", _("Decision not to accept")  # 不予受理决定书
    SUPPLEMENT = "supplement", _("Notice to supplement materials")  # 补正材料通知书
    APPROVAL = "approval", _("Decision to grant the licence")  # 准予行政许可决定书
    DENIAL = "denial", _("Decision to deny the licence")  # 不予行政许可决定书
    EXTENSION = "extension", _("Notice of an extended time limit")  # 延长办理期限告知书
    SPECIAL_PROCEDURE = "special_procedure", _("Notice of a special procedure")  # 特别程序告知书
    JOINT_ACCEPTANCE = "joint_acceptance", _("Joint notice of acceptance")  # 联合受理通知书
    JOINT_REFUSAL = "joint_refusal", _("Joint decision not to accept")  # 联合不予受理决定书
    JOINT_EXTENSION = "joint_extension", _("Joint notice of an extended time limit")  # 联合办理延长期限告知书


JOINT_KINDS = frozenset({Kind.JOINT_ACCEPTANCE, Kind.JOINT_REFUSAL, Kind.JOINT_EXTENSION})

# Who may edit the district's templates and settings.
EDIT_TEMPLATES = "notices.edit_notice_templates"


class NoticeTemplate(models.Model):
    """One version of a district's wording for one kind of document. Versions are only
    ever added; the newest is current. Placeholders are ``{{name}}`` (``templating``)."""

    district = models.ForeignKey("accounts.District", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    version = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=60)
    body = models.TextField(_("wording"))
    note = models.CharField(_("what changed"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("saved at"), auto_now_add=True)

    class Meta:
        verbose_name = _("document template")
        verbose_name_plural = _("document templates")
        ordering = ["kind", "-version"]
        permissions = [("edit_notice_templates", "Can edit the wording and settings of written notices")]
        constraints = [
            models.UniqueConstraint(fields=["district", "kind", "version"], name="notice_template_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.title} v{self.version}"


class NoticeSettings(models.Model):
    """A district's settings for its documents: how numbers look, the bodies a refusal
    names for reconsideration and suit, and the automatic sealing rule a seal officer
    may switch on (sealing on that officer's authority, by the job runner)."""

    district = models.OneToOneField("accounts.District", on_delete=models.PROTECT, related_name="+")
    number_format = models.CharField(
        _("number format"),
        max_length=60,
        default="{prefix}〔{year}〕{serial}号",
        help_text=_("With {prefix} (the department's), {year} and {serial}, e.g. {prefix}〔{year}〕{serial}号."),
    )
    reconsideration_body = models.CharField(_("body for administrative reconsideration"), max_length=100)
    court = models.CharField(_("court for an administrative suit"), max_length=100)
    auto_seal_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("automatic sealing on the authority of"),
    )
    auto_seal_since = models.DateTimeField(null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("document settings")
        verbose_name_plural = _("document settings")

    def __str__(self) -> str:
        return f"{self.district_id}"


class NumberPrefix(models.Model):
    """The prefix of a department's document numbers (宽市监许 in 宽市监许〔2026〕12号)."""

    department = models.OneToOneField("accounts.Department", on_delete=models.PROTECT, related_name="+")
    prefix = models.CharField(_("number prefix"), max_length=20)

    class Meta:
        verbose_name = _("number prefix")
        verbose_name_plural = _("number prefixes")

    def __str__(self) -> str:
        return self.prefix


class NoticeQuerySet(DistrictScopedQuerySet):
    def sealed(self) -> "NoticeQuerySet":
        return self.filter(sealed_at__isnull=False)

    def pending(self) -> "NoticeQuerySet":
        return self.filter(sealed_at__isnull=True)

    def held_by(self, user: object) -> "NoticeQuerySet":
        """The sealed documents addressed to ``user`` (an applicant's account)."""
        pk = getattr(user, "pk", None)
        if pk is None:
            return self.none()
        return self.sealed().filter(
            models.Q(application__applicant__user_id=pk) | models.Q(bundle_application__applicant__user_id=pk)
        )


class Notice(models.Model):
    """One document. Written by its act with its text (which never changes afterwards);
    numbered, rendered, sealed and served by the seal service; opened by the applicant.

    The act's transaction inserts this row with the transition (one statement on
    PostgreSQL, decision 0011): foreign keys that nothing looks up by carry no index, and
    those to shared rows (district, department, user) no database constraint either, as
    for the timeline event and the audit entry."""

    district = models.ForeignKey(
        "accounts.District", on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    application = models.ForeignKey(
        "applications.Application", null=True, blank=True, on_delete=models.PROTECT, related_name="notices"
    )
    bundle_application = models.ForeignKey(
        "bundles.BundleApplication",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="notices",
        db_index=False,  # a partial index below
    )
    # The supplement notice (一次性告知) a 补正材料通知书 states.
    supplement_notice = models.OneToOneField(
        "applications.SupplementNotice",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="document",
        db_index=False,
    )
    department = models.ForeignKey(
        "accounts.Department", on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False
    )
    template = models.ForeignKey(NoticeTemplate, on_delete=models.PROTECT, related_name="+", db_index=False)
    title = models.CharField(_("title"), max_length=60)
    text = models.TextField(_("text"))
    # How each date the text states was computed (the working-day calendar's derivation).
    notes = models.TextField(_("derivation of the dates"), blank=True)
    # The line of ``text`` where the signature block (issuer, seal, date) begins.
    signature_line = models.PositiveSmallIntegerField(default=0)
    dated = models.DateField(_("dated"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    requested_at = models.DateTimeField(_("written at"))

    # Set once, by the seal service.
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    serial = models.PositiveIntegerField(null=True, blank=True)
    number = models.CharField(_("document number"), max_length=60, blank=True)
    verification_code = models.CharField(_("verification code"), max_length=32, null=True, blank=True)
    sealed_at = models.DateTimeField(_("sealed at"), null=True, blank=True)
    sealed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    seal = models.ForeignKey(
        "certificates.Seal", null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    seal_metadata = models.TextField(_("sealed metadata (canonical JSON)"), blank=True)
    seal_value = models.CharField(_("SM2 seal value (DER, hex)"), max_length=200, blank=True)
    file_sha256 = models.CharField(_("SHA-256 of the file"), max_length=64, blank=True)
    storage_name = models.CharField(max_length=32, null=True, blank=True, editable=False)
    # The copy in the applicant's document locker (electronic service).
    document = models.ForeignKey(
        "documents.Document", null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    # The applicant's first opening: the time of electronic service (电子送达回执).
    opened_at = models.DateTimeField(_("opened by the applicant at"), null=True, blank=True)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        verbose_name = _("written notice")
        verbose_name_plural = _("written notices")
        ordering = ["requested_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["department", "year", "serial"],
                condition=models.Q(serial__isnull=False),
                name="notice_serial_unique",
            ),
            models.UniqueConstraint(
                fields=["verification_code"],
                condition=models.Q(verification_code__isnull=False),
                name="notice_verification_code_unique",
            ),
            models.UniqueConstraint(
                fields=["storage_name"], condition=models.Q(storage_name__isnull=False), name="notice_storage_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(application__isnull=False) | models.Q(bundle_application__isnull=False),
                name="notice_has_case",
            ),
        ]
        indexes = [
            # The seal service's queue and the automatic rule read what waits for the seal.
            models.Index(
                fields=["district", "requested_at"],
                condition=models.Q(sealed_at__isnull=True),
                name="notice_pending_idx",
            ),
            models.Index(
                fields=["bundle_application"],
                condition=models.Q(bundle_application__isnull=False),
                name="notice_bundle_idx",
            ),
            models.Index(fields=["file_sha256"], condition=models.Q(sealed_at__isnull=False), name="notice_file_idx"),
            models.Index(fields=["number"], condition=models.Q(sealed_at__isnull=False), name="notice_number_idx"),
            models.Index(fields=["document"], condition=models.Q(document__isnull=False), name="notice_document_idx"),
        ]

    def __str__(self) -> str:
        return self.number or f"{self.title} ({self.pk})"

    @property
    def is_sealed(self) -> bool:
        return self.sealed_at is not None

    @property
    def key(self) -> str:
        """The sealed PDF's key in the file store (``dgov.lib.files``)."""
        from dgov.certificates.models import storage_key

        if not self.storage_name:
            raise ValueError("not sealed yet")
        return storage_key(self.storage_name)

    @property
    def path(self) -> Path:
        """The sealed PDF on local storage only (``key`` everywhere)."""
        from dgov.certificates.models import storage_path

        if not self.storage_name:
            raise ValueError("not sealed yet")
        return storage_path(self.storage_name)

    @property
    def case(self) -> object:
        return self.application or self.bundle_application

    @property
    def applicant(self) -> object:
        case = self.application if self.application_id else self.bundle_application
        return case.applicant  # type: ignore[union-attr]


class NoticeEvent(models.Model):
    """Append-only: what happened to a document after its act (sealed, put in the
    locker, notified, opened by the applicant, printed at a window)."""

    class Verb(models.TextChoices):
        SEALED = "sealed", _("Sealed and numbered")
        DELIVERED = "delivered", _("Put in the applicant's document locker")
        NOTIFIED = "notified", _("Applicant notified with a link")
        OPENED = "opened", _("Opened by the applicant (electronic service)")
        PRINTED = "printed", _("Paper copy printed at a window")

    notice = models.ForeignKey(Notice, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    verb = models.CharField(max_length=20, choices=Verb.choices)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.notice_id} {self.verb}"
