"""Files applicants upload, kept once and reused: the document locker (issue 3 §3).

A ``Document`` is independent of applications: an application material points at a
document, and several applications may point at the same one (once-only).
"""

import re
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dgov.accounts.models import District
from dgov.lib.files import area_root
from dgov.lib.plugins import discover

VIEW_DOCUMENT = "documents.view_document"

_STORAGE_NAME = re.compile(r"[0-9a-f]{32}")


def documents_root() -> Path:
    """Where stored files live on local storage: outside the web root, read at call time so
    tests can move it."""
    return area_root("uploads")


class FileType(models.TextChoices):
    """The accepted types, as determined from the content at upload."""

    PDF = "application/pdf", "PDF"
    JPEG = "image/jpeg", "JPEG"
    PNG = "image/png", "PNG"
    OFD = "application/ofd", "OFD"


class DocumentQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> "DocumentQuerySet":
        """The owner's own documents (the locker is the owner's only); staff also see a file
        through what carries it and they may see: each app that attaches documents says
        which in its ``attachments.py`` (``seen_through(user)``, a query of document ids: an
        application's materials to those with the view-document permission who may see the
        case, a key project's contact records to those who may open the project). Never a
        file of the district merely because it is the district's (issue 19 §1)."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        allowed = Q(owner_id=user.pk)
        if user.kind == "staff" and user.district_id is not None:
            through = Q(pk__in=[])
            for _app, module in discover("attachments"):
                through |= Q(pk__in=module.seen_through(user))
            allowed |= Q(district_id=user.district_id) & through
        return self.filter(allowed)


class Document(models.Model):
    """One uploaded file, stored under a random name; the row is written only with its file."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="documents", verbose_name=_("owner")
    )
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="documents", verbose_name=_("district")
    )
    label = models.CharField(_("label"), max_length=200, blank=True)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("file type"), max_length=40, choices=FileType.choices)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    storage_name = models.CharField(max_length=32, unique=True, editable=False)
    created_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = DocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        # "view" is declared below with a sentence that says what it grants.
        default_permissions = ("add", "change", "delete")
        permissions = [("view_document", "Can view and download applicants' uploaded documents")]
        indexes = [models.Index(fields=["owner", "-created_at"], name="document_locker_idx")]
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.label or self.original_name

    @property
    def key(self) -> str:
        """The file's key in the file store (``dgov.lib.files``)."""
        return storage_key(self.storage_name)

    @property
    def path(self) -> Path:
        """The file on local storage (``DGOV_FILE_STORAGE=local``) only."""
        return storage_path(self.storage_name)


def storage_key(storage_name: str) -> str:
    """``uploads/ab/cd/abcd…``: two levels of fan-out keep directories small."""
    if not _STORAGE_NAME.fullmatch(storage_name):
        raise ValueError("not a storage name")
    return f"uploads/{storage_name[:2]}/{storage_name[2:4]}/{storage_name}"


def storage_path(storage_name: str) -> Path:
    """``root/ab/cd/abcd…``: two levels of fan-out keep directories small."""
    if not _STORAGE_NAME.fullmatch(storage_name):
        raise ValueError("not a storage name")
    return documents_root() / storage_name[:2] / storage_name[2:4] / storage_name
