"""Downloads of a guide: blank forms, filled-in samples and a sample of the result.

Files are checked by content, not by name: PDF and images through the documents app's
checks (no scripts, no embedded files), Word and Excel only as Office Open XML without
macros (``vbaProject.bin``). A name longer than 200 characters is refused with a message
rather than cut, so the editor chooses what the public sees.
"""

import hashlib
import io
import zipfile
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from dgov.accounts.models import User
from dgov.audit.trail import record
from dgov.documents.checks import clean_name, validate_upload
from dgov.documents.forms import check_name_length
from dgov.lib import clock
from dgov.lib.conflicts import Conflict
from dgov.lib.rules import enforce
from dgov.services.models import GuideFile, ServiceItem
from dgov.services.rules import may_manage_catalogue

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CONTENT_TYPES = ("application/pdf", "image/jpeg", "image/png")


def check_name(name: str) -> str:
    """The file name to keep; ``ValidationError`` when it is too long to keep whole."""
    check_name_length(name)
    return clean_name(name)


def _office_type(data: bytes, name: str) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    if any(n.lower().endswith("vbaproject.bin") for n in names):
        raise ValidationError(_("%(name)s contains macros, which are not accepted.") % {"name": name}, code="macros")
    if any(n.startswith("word/") for n in names):
        return DOCX
    if any(n.startswith("xl/") for n in names):
        return XLSX
    return None


def check_guide_file(upload: Any) -> str:
    """The content type of an acceptable guide file, else ``ValidationError``."""
    name = check_name(upload.name)
    if upload.size is None or upload.size > GuideFile.MAX_BYTES:
        raise ValidationError(_("%(name)s is larger than 5 MB.") % {"name": name}, code="too_large")
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    office = _office_type(data, name)
    if office is not None:
        return office
    kind = validate_upload(upload)  # PDF, JPEG, PNG (OFD is refused below: browsers cannot open it)
    if str(kind) not in CONTENT_TYPES:
        raise ValidationError(_("%(name)s is not a PDF, Word, Excel, JPEG or PNG file.") % {"name": name}, code="type")
    return str(kind)


def do_attach_file(*, by: User, item: ServiceItem, kind: str, material_name: str, upload: Any) -> GuideFile:
    """Attach (or replace) the ``kind`` file of ``material_name`` to ``item``'s guide."""
    enforce(may_manage_catalogue(by, item.district_id))
    content_type = getattr(upload, "content_type_checked", None) or check_guide_file(upload)
    upload.seek(0)
    data = upload.read()
    now = clock.now()
    try:
        with transaction.atomic():
            replaced = GuideFile.objects.current().filter(item=item, kind=kind, material_name=material_name)
            replaced_ids = list(replaced.values_list("pk", flat=True))
            replaced.update(removed_at=now)
            attached = GuideFile.objects.create(
                item=item,
                kind=kind,
                material_name=material_name,
                file_name=check_name(upload.name),
                content_type=content_type,
                size=len(data),
                sha256=hashlib.sha256(data).hexdigest(),
                data=data,
                uploaded_by=by,
                uploaded_at=now,
            )
            record(
                "service_item.file_attach",
                item,
                actor=by,
                changes={
                    "kind": kind,
                    "material": material_name,
                    "file": attached.file_name,
                    "sha256": attached.sha256,
                    "replaced": replaced_ids,
                },
            )
    except IntegrityError:
        raise Conflict(_("Someone else attached a file here a moment ago; reload and try again.")) from None
    return attached


def do_remove_file(*, by: User, file: GuideFile) -> None:
    enforce(may_manage_catalogue(by, file.item.district_id))
    with transaction.atomic():
        if not GuideFile.objects.filter(pk=file.pk, removed_at__isnull=True).update(removed_at=clock.now()):
            raise Conflict(_("This file was removed a moment ago."))
        record(
            "service_item.file_remove",
            file.item,
            actor=by,
            changes={"kind": file.kind, "material": file.material_name, "file": file.file_name},
        )
