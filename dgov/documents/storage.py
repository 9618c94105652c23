"""The documents app's public API.

``validate_upload(uploaded_file) -> str``
    The content type of an acceptable file (judged by its content; see ``checks``), or
    ``ValidationError`` with a message that names the file.
``do_store_upload(uploaded_file, *, owner, district, label, by=None) -> Document``
    Check, store and audit one file. ``do_store_uploads`` does the same for several files
    in one transaction: all are stored or none.
``do_file_produced(source, *, owner, district, label, original_name, sha256, size, by) -> Document``
    Put a file the platform itself made (an issued certificate) in an owner's locker:
    hard-linked on a local directory, since such files never change, copied on object
    storage, which has no links; audited.
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

Files live in the file store (``dgov.lib.files``: ``settings.DOCUMENTS_ROOT``, default
``VAR_DIR / "uploads"``, outside the web root, or the ``uploads/`` prefix of a bucket),
under random names in two levels of fan-out. A row is never written without its file: the
file is staged whole, the row and audit entry are created in a transaction, the file is
placed inside it, and on any failure the file goes. A crash after the placing but before
the commit leaves at worst a file without a row, which ``sweep_orphan_files`` removes.
"""

import hashlib
import secrets
from collections.abc import Iterator, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest

from dgov.audit.trail import record
from dgov.documents.checks import clean_name, max_file_size, validate_upload
from dgov.documents.models import Document, storage_key
from dgov.lib.files import Staged, files

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
    """A checked file written where no reader looks yet, waiting for its row (the digest
    and size taken as it streams to the file store)."""

    def __init__(self, uploaded_file: Any, content_type: str) -> None:
        self.original_name = clean_name(uploaded_file.name)
        self.content_type = content_type
        self.storage_name = secrets.token_hex(16)
        self.digest, self.size = hashlib.sha256(), 0
        self.file = files().stage(storage_key(self.storage_name), self._chunks(uploaded_file))
        self.sha256 = self.digest.hexdigest()

    def _chunks(self, uploaded_file: Any) -> Iterator[bytes]:
        limit = max_file_size()
        uploaded_file.seek(0)
        for chunk in uploaded_file.chunks():
            self.size += len(chunk)
            if self.size > limit:  # the file changed under us since it was checked
                raise ValueError("upload grew after it was checked")
            self.digest.update(chunk)
            yield chunk

    def place(self) -> None:
        self.file.place()

    def discard(self) -> None:
        self.file.discard()


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
    source: Staged,
    *,
    owner: Any,
    district: Any,
    label: str,
    original_name: str,
    sha256: str,
    size: int,
    by: Any,
) -> Document:
    """Call inside the caller's transaction, with the file it staged; on rollback the
    caller deletes ``document.key`` as it discards its own file. The locker's copy is a
    hard link on a local directory and a server-side copy on object storage
    (``dgov.lib.files``: an object store has no links)."""
    storage_name = secrets.token_hex(16)
    copy = files().share(source, storage_key(storage_name))
    try:
        document = Document.objects.create(
            owner=owner,
            district=district,
            label=label[:200],
            original_name=clean_name(original_name),
            content_type="application/pdf",
            size=size,
            sha256=sha256,
            storage_name=storage_name,
            created_by=by,
        )
        record("document.file", document, actor=by, changes={"owner": [None, owner.pk], "sha256": [None, sha256]})
    except BaseException:
        copy.discard()
        raise
    return document


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
    return file_response(document.key, content_type=document.content_type, filename=document.original_name)


def file_response(key: str, *, content_type: str, filename: str, inline: bool = False) -> FileResponse:
    """A stored file streamed through the application — never a link into the bucket —
    with the headers every stored file leaves with (404 if the file is gone)."""
    try:
        handle = files().open(key)
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type=content_type, as_attachment=not inline, filename=filename)
    response["X-Content-Type-Options"] = "nosniff"
    if not inline:
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
    """Job: remove stored uploads that no row points at and that are older than
    ``older_than`` seconds. They are what a rolled-back transaction or a crash leaves
    behind (the file is written before its row commits) and the odd ``.part``. Returns
    how many files were removed."""
    import time

    store = files()
    cutoff = (now if now is not None else time.time()) - older_than
    old = [key for key, mtime in store.listing("uploads") if mtime < cutoff]
    removed = 0
    for start in range(0, len(old), 500):
        batch = {key: key.rsplit("/", 1)[-1] for key in old[start : start + 500]}
        names = {name.removesuffix(".part") for name in batch.values()}
        kept = set(Document.objects.filter(storage_name__in=names).values_list("storage_name", flat=True))
        for key, name in batch.items():
            if name not in kept:
                store.delete(key)
                removed += 1
    return removed


def record_download(document: Document, user: Any) -> None:
    """Staff reading a file is an access to personal data: audit it, even where the
    clerk is the owner of record (a walk-in applicant's scans). An applicant reading
    their own file is not."""
    if document.owner_id != user.pk or getattr(user, "kind", "") == "staff":
        with transaction.atomic():
            record("document.download", document, actor=user)
