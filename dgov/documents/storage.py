"""The documents app's public API.

``validate_upload(uploaded_file) -> str``
    The content type of an acceptable file (judged by its content; see ``checks``), or
    ``ValidationError`` with a message that names the file.
``do_store_upload(uploaded_file, *, owner, district, label, by=None) -> Document``
    Check, store and audit one file. ``do_store_uploads`` does the same for several files
    in one transaction: all are stored or none.
``do_file_produced(source, *, owner, district, label, original_name, sha256, by) -> Document``
    Put a file the platform itself made (an issued certificate) in an owner's locker:
    hard-linked, not copied, since such files never change; audited.
``reuse(document, by) -> Document``
    Once-only: the same document, unchanged and not copied, for attaching to another
    application; audited. Several applications may point at one document.
``get_document_for_user(request, pk) -> Document``
    The one guarded way to fetch a document: its owner, or staff of its district who hold
    ``documents.view_document``. Missing and forbidden both raise ``Http404``.
``can_see(user, document) -> bool``
    The same rule for a document already in hand.
``document_response(document) -> FileResponse``
    The one way a stored file leaves the platform: always a download (attachment),
    never shown in place, with ``nosniff`` and a sandboxing CSP, so even a file that
    fooled the checks cannot run as a page of the site.

Files live under ``settings.DOCUMENTS_ROOT`` (default ``VAR_DIR / "uploads"``), outside the
web root, under random names in two levels of fan-out. A row is never written without its
file: the file is written under a temporary name, the row and audit entry are created in
a transaction, the file is renamed into place inside it, and on any failure the file goes.
A crash after the rename but before the commit leaves at worst a file without a row.
"""

import hashlib
import os
import secrets
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest

from dgov.audit.trail import record
from dgov.documents.checks import clean_name, max_file_size, validate_upload
from dgov.documents.models import Document, storage_path

__all__ = [
    "can_see",
    "do_store_upload",
    "do_store_uploads",
    "do_file_produced",
    "document_response",
    "get_document_for_user",
    "reuse",
    "validate_upload",
]


class _Staged:
    """A checked file written under its temporary name, waiting for its row."""

    def __init__(self, uploaded_file: Any, content_type: str) -> None:
        self.original_name = clean_name(uploaded_file.name)
        self.content_type = content_type
        self.storage_name = secrets.token_hex(16)
        self.final: Path = storage_path(self.storage_name)
        self.temporary = self.final.with_name(self.storage_name + ".part")
        self.placed = False
        self.final.parent.mkdir(parents=True, exist_ok=True)
        digest, size, limit = hashlib.sha256(), 0, max_file_size()
        descriptor = os.open(self.temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o640)
        try:
            with os.fdopen(descriptor, "wb") as out:
                uploaded_file.seek(0)
                for chunk in uploaded_file.chunks():
                    size += len(chunk)
                    if size > limit:  # the file changed under us since it was checked
                        raise ValueError("upload grew after it was checked")
                    digest.update(chunk)
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
        except BaseException:
            self.temporary.unlink(missing_ok=True)
            raise
        self.size, self.sha256 = size, digest.hexdigest()

    def place(self) -> None:
        os.replace(self.temporary, self.final)
        self.placed = True

    def discard(self) -> None:
        self.temporary.unlink(missing_ok=True)
        if self.placed:
            self.final.unlink(missing_ok=True)


def do_store_uploads(
    uploaded_files: Sequence[Any], *, owner: Any, district: Any, label: str = "", by: Any = None
) -> list[Document]:
    """Check, store and audit several files; all are stored or none (nothing on error)."""
    checked = [(uploaded_file, validate_upload(uploaded_file)) for uploaded_file in uploaded_files]
    actor = by or owner
    staged: list[_Staged] = []
    try:
        for uploaded_file, content_type in checked:
            staged.append(_Staged(uploaded_file, content_type))
        with transaction.atomic():
            documents = []
            for item in staged:
                document = Document.objects.create(
                    owner=owner,
                    district=district,
                    label=label[:200],
                    original_name=item.original_name,
                    content_type=item.content_type,
                    size=item.size,
                    sha256=item.sha256,
                    storage_name=item.storage_name,
                    created_by=actor,
                )
                record(
                    "document.upload",
                    document,
                    actor=actor,
                    changes={
                        "owner": [None, owner.pk],
                        "content_type": [None, item.content_type],
                        "size": [None, item.size],
                        "sha256": [None, item.sha256],
                    },
                )
                documents.append(document)
            for item in staged:
                item.place()
    except BaseException:
        for item in staged:
            item.discard()
        raise
    return documents


def do_store_upload(uploaded_file: Any, *, owner: Any, district: Any, label: str = "", by: Any = None) -> Document:
    """Check, store and audit one file (see the module docstring)."""
    return do_store_uploads([uploaded_file], owner=owner, district=district, label=label, by=by)[0]


def do_file_produced(
    source: Path, *, owner: Any, district: Any, label: str, original_name: str, sha256: str, by: Any
) -> Document:
    """Call inside the caller's transaction; on rollback the caller removes
    ``document.path`` (the link), as it removes its own file."""
    storage_name = secrets.token_hex(16)
    final = storage_path(storage_name)
    final.parent.mkdir(parents=True, exist_ok=True)
    place_produced_file(source, final)
    try:
        document = Document.objects.create(
            owner=owner,
            district=district,
            label=label[:200],
            original_name=clean_name(original_name),
            content_type="application/pdf",
            size=final.stat().st_size,
            sha256=sha256,
            storage_name=storage_name,
            created_by=by,
        )
        record("document.file", document, actor=by, changes={"owner": [None, owner.pk], "sha256": [None, sha256]})
    except BaseException:
        final.unlink(missing_ok=True)
        raise
    return document


def place_produced_file(source: Path, final: Path) -> None:
    """The locker's copy of a file the platform made: a hard link on a local or shared POSIX
    directory (``DGOV_FILE_STORAGE=local``), a copy on object storage (``object``), where
    links do not exist or are emulated by copying anyway; a copy too when the link fails
    (another filesystem)."""
    if settings.FILE_STORAGE == "local":
        try:
            os.link(source, final)
            return
        except OSError:
            pass
    shutil.copyfile(source, final)


def can_see(user: Any, document: Document) -> bool:
    return Document.objects.visible_to(user).filter(pk=document.pk).exists()


def get_document_for_user(request: HttpRequest, pk: int) -> Document:
    """The document if the requester may see it; 404 alike for missing and forbidden."""
    try:
        return Document.objects.visible_to(request.user).select_related("district").get(pk=pk)
    except Document.DoesNotExist:
        raise Http404 from None


# A stored file is never a page of the site: no script, no plug-in, no form, no frame.
DOWNLOAD_CSP = "sandbox; default-src 'none'"


def document_response(document: Document) -> FileResponse:
    """The file as a download with the type found at upload (404 if the file is gone)."""
    try:
        handle = document.path.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle, content_type=document.content_type, as_attachment=True, filename=document.original_name
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = DOWNLOAD_CSP
    response["Cache-Control"] = "private, no-store"
    return response


def reuse(document: Document, by: Any) -> Document:
    """Once-only: hand back the same document for another application, and audit it."""
    if not can_see(by, document):
        raise PermissionDenied
    with transaction.atomic():
        record("document.reuse", document, actor=by)
    return document


def sweep_orphan_files(*, older_than: float = 3600.0, now: float | None = None) -> int:
    """Job: remove files under the documents root that no row points at and that are older
    than ``older_than`` seconds. They are what a rolled-back transaction leaves behind (the
    file is placed inside the transaction, the row is gone with the rollback) and the odd
    ``.part`` of a crash. Returns how many files were removed."""
    import time

    from dgov.documents.models import documents_root

    root = documents_root()
    if not root.is_dir():
        return 0
    cutoff = (now if now is not None else time.time()) - older_than
    removed = 0
    for directory in root.glob("*/*"):
        if not directory.is_dir():
            continue
        candidates = {}
        for path in directory.iterdir():
            if path.is_file() and path.stat().st_mtime < cutoff:
                candidates[path.name.removesuffix(".part")] = path
        if not candidates:
            continue
        kept = set(Document.objects.filter(storage_name__in=list(candidates)).values_list("storage_name", flat=True))
        for name, path in candidates.items():
            if name not in kept or path.name.endswith(".part"):
                path.unlink(missing_ok=True)
                removed += 1
    return removed


def record_download(document: Document, user: Any) -> None:
    """Staff reading a file is an access to personal data: audit it, even where the
    clerk is the owner of record (a walk-in applicant's scans). An applicant reading
    their own file is not."""
    if document.owner_id != user.pk or getattr(user, "kind", "") == "staff":
        with transaction.atomic():
            record("document.download", document, actor=user)
