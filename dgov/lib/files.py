"""Stored files — uploads, issued certificates and notices, annotated copies, exports — on
a local directory or on an S3-compatible object store (``DGOV_FILE_STORAGE``, decision 0032).

Every read and write of a stored file goes through ``files()``, by key:
``"<area>/<name>"``, where the area is ``uploads``, ``certificates`` or ``exports``. On
``local`` (and ``object``, a bucket mounted as a filesystem) an area is a directory
(``DOCUMENTS_ROOT``, ``CERTIFICATES_ROOT``, ``EXPORTS_ROOT``); on ``s3`` it is a prefix
in the bucket of ``STORAGES["default"]`` (django-storages).

Writing follows one protocol on both, so that a row is never committed without its file:
``stage(key, chunks)`` writes the whole file where no reader looks for it yet (a ``.part``
beside it, fsynced; on S3 the object itself, which appears whole or not at all, and which
no row names yet); the caller creates its rows in a transaction and calls ``place()``
inside it (a rename; nothing on S3); on any failure ``discard()`` removes what was
written. What a crash leaves behind is a file without a row, which the documents' sweep
removes. ``stage(key, chunks, replacing=True)`` replaces a file that exists (a renewed
archive): it is written aside on S3 too, and ``place()`` copies it over the old one, so
that a failure before ``place()`` leaves the old file as it was. ``share(staged, key)`` gives a second key the same bytes: a hard link on a local
directory (a copy when the link fails), a server-side copy on S3 and on a mounted bucket,
which have no links.
"""

import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any, Protocol

from django.conf import settings
from django.core.files import File
from django.core.files.storage import storages

AREAS = ("uploads", "certificates", "exports")


def area_root(area: str) -> Path:
    """A local area's directory, read at call time so tests can move it."""
    if area == "uploads":
        return Path(getattr(settings, "DOCUMENTS_ROOT", settings.VAR_DIR / "uploads"))
    if area == "certificates":
        return Path(getattr(settings, "CERTIFICATES_ROOT", settings.VAR_DIR / "certificates"))
    if area == "exports":
        return Path(settings.EXPORTS_ROOT)
    raise ValueError(f"no file area {area!r}")


def _split(key: str) -> tuple[str, str]:
    area, _, rest = key.partition("/")
    if area not in AREAS or not rest or ".." in rest.split("/") or rest.startswith("/"):
        raise ValueError(f"not a file key: {key!r}")
    return area, rest


class Staged(Protocol):
    key: str

    def place(self) -> None: ...

    def discard(self) -> None: ...


class Files(Protocol):
    """What every backend offers (see the module docstring)."""

    def stage(self, key: str, chunks: Iterable[bytes], *, replacing: bool = False) -> Staged: ...

    def share(self, staged: Staged, key: str) -> Staged: ...

    def put_file(self, key: str, path: Path) -> None: ...

    def open(self, key: str) -> IO[bytes]: ...

    def read(self, key: str) -> bytes: ...

    def exists(self, key: str) -> bool: ...

    def delete(self, key: str) -> None: ...

    def listing(self, area: str) -> Iterator[tuple[str, float]]: ...


def files() -> Files:
    """The backend ``DGOV_FILE_STORAGE`` names, chosen at call time (tests switch it)."""
    if settings.FILE_STORAGE == "s3":
        return ObjectStoreFiles(storages["default"])
    return LocalFiles(link=settings.FILE_STORAGE == "local")


# Local directory --------------------------------------------------------------------


class _LocalStaged:
    def __init__(self, key: str, final: Path, temporary: Path | None) -> None:
        self.key, self.final, self.temporary = key, final, temporary
        self.placed = temporary is None

    @property
    def source(self) -> Path:
        """Where the bytes are now (for a link)."""
        return self.final if self.placed or self.temporary is None else self.temporary

    def place(self) -> None:
        if not self.placed and self.temporary is not None:
            os.replace(self.temporary, self.final)
        self.placed = True

    def discard(self) -> None:
        if self.temporary is not None:
            self.temporary.unlink(missing_ok=True)
        if self.placed:
            self.final.unlink(missing_ok=True)


class LocalFiles:
    """Files in directories of this machine, or of a POSIX mount every node shares."""

    def __init__(self, *, link: bool = True) -> None:
        self.link = link

    def path(self, key: str) -> Path:
        area, rest = _split(key)
        return area_root(area) / rest

    def stage(self, key: str, chunks: Iterable[bytes], *, replacing: bool = False) -> _LocalStaged:
        final = self.path(key)
        final.parent.mkdir(parents=True, exist_ok=True)
        temporary = final.with_name(final.name + ".part")
        # A new file's name is random: an existing one is a bug. A replacement's ``.part``
        # may be what a crash left.
        exclusive = os.O_TRUNC if replacing else os.O_EXCL
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | exclusive, 0o640)
        try:
            with os.fdopen(descriptor, "wb") as out:
                for chunk in chunks:
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise
        return _LocalStaged(key, final, temporary)

    def share(self, staged: Staged, key: str) -> _LocalStaged:
        assert isinstance(staged, _LocalStaged)
        final = self.path(key)
        final.parent.mkdir(parents=True, exist_ok=True)
        if self.link:
            try:
                os.link(staged.source, final)
                return _LocalStaged(key, final, None)
            except OSError:  # another filesystem
                pass
        shutil.copyfile(staged.source, final)
        return _LocalStaged(key, final, None)

    def put_file(self, key: str, path: Path) -> None:
        """Move a finished file of this machine (an export written in its own ``.part``)
        into place, replacing what is there."""
        final = self.path(key)
        final.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(path, final)

    def open(self, key: str) -> IO[bytes]:
        return self.path(key).open("rb")

    def read(self, key: str) -> bytes:
        return self.path(key).read_bytes()

    def exists(self, key: str) -> bool:
        return self.path(key).is_file()

    def delete(self, key: str) -> None:
        self.path(key).unlink(missing_ok=True)

    def listing(self, area: str) -> Iterator[tuple[str, float]]:
        """Every file of the area with its modification time (seconds since the epoch)."""
        root = area_root(area)
        if not root.is_dir():
            return
        for directory, _dirs, names in os.walk(root):
            for name in names:
                path = Path(directory) / name
                try:
                    mtime = path.stat().st_mtime
                except FileNotFoundError:
                    continue
                yield f"{area}/{path.relative_to(root).as_posix()}", mtime


# S3-compatible object store ----------------------------------------------------------


class _ObjectStaged:
    def __init__(self, files: "ObjectStoreFiles", key: str, aside: str | None = None) -> None:
        self.files, self.key, self.aside = files, key, aside

    def place(self) -> None:
        """A new object was written whole and is found only through its row: nothing to
        do. A replacement written aside is copied over the old object."""
        if self.aside is not None:
            self.files.copy(self.aside, self.key)
            self.files.delete(self.aside)
            self.aside = None

    def discard(self) -> None:
        self.files.delete(self.aside if self.aside is not None else self.key)


class ObjectStoreFiles:
    """Files as objects in one private bucket (django-storages' ``S3Storage``). Nothing is
    ever served from the bucket's own address: every download streams through the
    application, with its headers and its audit entry."""

    # A file read through here is buffered in memory up to this size, then on disk.
    SPOOL_BYTES = 2 * 1024 * 1024

    def __init__(self, storage: Any) -> None:
        self.storage = storage

    def stage(self, key: str, chunks: Iterable[bytes], *, replacing: bool = False) -> _ObjectStaged:
        _split(key)
        target = f"{key}.part" if replacing else key
        with tempfile.SpooledTemporaryFile(max_size=self.SPOOL_BYTES) as spool:
            for chunk in chunks:
                spool.write(chunk)
            spool.seek(0)
            saved = self.storage.save(target, File(spool, name=target))
        if saved != target:  # a storage configured to rename rather than overwrite
            self.storage.delete(saved)
            raise RuntimeError("the file storage must keep the names it is given (file_overwrite)")
        return _ObjectStaged(self, key, target if replacing else None)

    def share(self, staged: Staged, key: str) -> _ObjectStaged:
        assert isinstance(staged, _ObjectStaged)
        self.copy(staged.aside or staged.key, key)
        return _ObjectStaged(self, key)

    def put_file(self, key: str, path: Path) -> None:
        """Upload a finished file of this machine under ``key``, then remove it."""
        _split(key)
        with open(path, "rb") as handle:
            saved = self.storage.save(key, File(handle, name=key))
        if saved != key:
            self.storage.delete(saved)
            raise RuntimeError("the file storage must keep the names it is given (file_overwrite)")
        Path(path).unlink()

    def copy(self, source: str, key: str) -> None:
        """A server-side copy: the bytes never pass through this node."""
        _split(source), _split(key)
        bucket = self.storage.bucket
        bucket.Object(self._name(key)).copy_from(CopySource={"Bucket": bucket.name, "Key": self._name(source)})

    def _name(self, key: str) -> str:
        location = self.storage.location.strip("/")
        return f"{location}/{key}" if location else key

    def open(self, key: str) -> IO[bytes]:
        _split(key)
        return self.storage.open(key, "rb")  # type: ignore[no-any-return]

    def read(self, key: str) -> bytes:
        with self.open(key) as handle:
            return handle.read()

    def exists(self, key: str) -> bool:
        _split(key)
        return bool(self.storage.exists(key))

    def delete(self, key: str) -> None:
        _split(key)
        self.storage.delete(key)

    def listing(self, area: str) -> Iterator[tuple[str, float]]:
        if area not in AREAS:
            raise ValueError(f"no file area {area!r}")
        prefix = self._name(f"{area}/")
        strip = len(self._name("uploads/")) - len("uploads/")
        paginator = self.storage.connection.meta.client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.storage.bucket_name, Prefix=prefix):
            for entry in page.get("Contents", ()):
                yield entry["Key"][strip:], entry["LastModified"].timestamp()
