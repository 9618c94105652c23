"""Backups that restore: ``manage.py backup``, ``restore`` and ``verify_restore``.

A backup is one directory ``<dest>/<UTC time>/`` holding

1. ``database.dump`` — ``pg_dump --format=custom`` taken inside an exported snapshot, so
   the row counts of ``manifest.json`` are those of the dump exactly (SQLite: the online
   backup API, ``database.sqlite3``). Point-in-time recovery (base backup and WAL with
   pgBackRest) is set up on the database host beside it: ``docs/operations.md``.
2. ``files.tar`` — uploads, issued certificates, the seal and CA keys, the audit signing key,
   taken after the database: a file is placed before its row commits, so every row of
   the dump finds its file in the archive. On object storage (``DGOV_FILE_STORAGE=s3``)
   uploads and certificates stay in the bucket, which keeps its own versions
   (``docs/operations.md``); the keys are still taken.
3. ``audit-checkpoints.tar`` — the signed checkpoint file and its public key.
4. ``manifest.json`` — what was taken: row counts per table, the audit head, the number of
   files, and the SHA-256 of each artefact.

``restore`` puts a backup into an empty database and empty file directories (it refuses
anything else); ``verify_restore`` then checks the restored instance against the
manifest: counts equal, every document and certificate file present with its recorded
hash, every certificate verifying, and the audit trail intact against the backed-up
checkpoints.
"""

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

from dgov.lib.files import files as stored_files

MANIFEST = "manifest.json"
DATABASE_DUMP = "database.dump"
DATABASE_SQLITE = "database.sqlite3"
FILES = "files.tar"
CHECKPOINTS = "audit-checkpoints.tar"


class BackupError(Exception):
    pass


def file_roots() -> dict[str, Path]:
    """The directories (and the one key file) a backup carries, by their name in the archive."""
    from dgov.certificates.models import certificates_root
    from dgov.certificates.sealing import key_dir
    from dgov.documents.models import documents_root

    roots: dict[str, Path] = {}
    if not files_in_bucket():
        roots.update(documents=documents_root(), certificates=certificates_root())
    return {
        **roots,
        "seal-keys": key_dir(),
        # The district CA's key where it is kept on this host (docs/operations.md: better
        # offline, backed up apart); needed to make seals after a loss.
        "ca-keys": Path(settings.SEAL_CA_DIR),
        "audit-key.pem": Path(settings.AUDIT_SIGNING_KEY_FILE),
    }


def files_in_bucket() -> bool:
    """On object storage (``DGOV_FILE_STORAGE=s3``) the uploads and certificates are in the
    bucket and not in the backup: the bucket keeps them (versioning, replication,
    docs/operations.md). The keys and checkpoints, local files, are still taken."""
    return bool(settings.FILE_STORAGE == "s3")


def tables() -> list[str]:
    """Every table the platform's models own (proxies and unmanaged models aside)."""
    names = {
        model._meta.db_table
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    }
    return sorted(names)


def pg_environment(database: dict[str, Any]) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        PGHOST=str(database.get("HOST") or ""),
        PGPORT=str(database.get("PORT") or "5432"),
        PGUSER=str(database.get("USER") or ""),
        PGPASSWORD=str(database.get("PASSWORD") or ""),
        PGDATABASE=str(database["NAME"]),
    )
    return env


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# -- Taking a backup ------------------------------------------------------------------


def take(dest: Path, *, pg_bin: str = "", using: str = DEFAULT_DB_ALIAS) -> Path:
    """Write one backup under ``dest`` and return its directory."""
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
    target = Path(dest) / stamp
    target.mkdir(parents=True, mode=0o700)
    connection = connections[using]
    if connection.vendor == "postgresql":
        counts, audit_head = _dump_postgres(target / DATABASE_DUMP, connection.settings_dict, pg_bin)
        database = DATABASE_DUMP
    else:
        counts, audit_head = _copy_sqlite(target / DATABASE_SQLITE, connection)
        database = DATABASE_SQLITE
    file_count = _archive_files(target / FILES)
    _archive_checkpoints(target / CHECKPOINTS)
    manifest = {
        "created_at": stamp,
        "vendor": connection.vendor,
        "database": database,
        "counts": counts,
        "audit_head": audit_head,
        "files": file_count,
        "files_in_bucket": files_in_bucket(),
        "sha256": {name: sha256_of(target / name) for name in (database, FILES, CHECKPOINTS)},
    }
    (target / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True))
    return target


def _count_all(cursor: Any) -> tuple[dict[str, int], int]:
    counts = {}
    for table in tables():
        cursor.execute(f'SELECT count(*) FROM "{table}"')  # noqa: S608 — names from the models
        counts[table] = cursor.fetchone()[0]
    cursor.execute("SELECT coalesce(max(id), 0) FROM audit_auditentry")
    return counts, cursor.fetchone()[0]


def _dump_postgres(path: Path, database: dict[str, Any], pg_bin: str) -> tuple[dict[str, int], int]:
    """pg_dump inside a snapshot this function holds open and counts in."""
    env = pg_environment(database)
    with _raw(database) as raw:
        raw.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        snapshot = raw.execute("SELECT pg_export_snapshot()").fetchone()[0]
        with raw.cursor() as cursor:
            counts, head = _count_all(cursor)
        done = subprocess.run(  # noqa: S603 — our arguments, no shell
            [_tool(pg_bin, "pg_dump"), "--format=custom", "--no-owner", "--no-acl", f"--snapshot={snapshot}",
             f"--file={path}"],
            env=env, capture_output=True, text=True,
        )  # fmt: skip
        raw.execute("COMMIT")
    if done.returncode != 0:
        raise BackupError(f"pg_dump failed: {done.stderr.strip()}")
    path.chmod(0o600)
    return counts, head


@contextmanager
def _raw(database: dict[str, Any]) -> Iterator[Any]:
    import psycopg

    raw = psycopg.connect(
        host=database.get("HOST") or None,
        port=database.get("PORT") or None,
        user=database.get("USER") or None,
        password=database.get("PASSWORD") or None,
        dbname=database["NAME"],
        autocommit=True,
    )
    try:
        yield raw
    finally:
        raw.close()


def _copy_sqlite(path: Path, connection: Any) -> tuple[dict[str, int], int]:
    if connection.in_atomic_block:
        # SQLite's online backup waits for the writer's lock, which an open transaction of
        # this very connection holds: it would wait for ever.
        raise BackupError("take a backup outside a transaction")
    connection.ensure_connection()
    copy = sqlite3.connect(path)
    try:
        connection.connection.backup(copy)
        return _count_all(copy.cursor())
    finally:
        copy.close()


def _archive_files(path: Path) -> int:
    count = 0
    with tarfile.open(path, "w") as archive:
        for name, root in file_roots().items():
            if root.exists():
                archive.add(root, arcname=name)
                count += sum(1 for _ in root.rglob("*") if _.is_file()) if root.is_dir() else 1
    path.chmod(0o600)
    return count


def _archive_checkpoints(path: Path) -> None:
    directory = Path(settings.AUDIT_CHECKPOINT_DIR)
    with tarfile.open(path, "w") as archive:
        if directory.exists():
            archive.add(directory, arcname="checkpoints")


def _tool(pg_bin: str, name: str) -> str:
    found = shutil.which(name, path=pg_bin) if pg_bin else shutil.which(name)
    if found is None:
        raise BackupError(f"{name} not found (install postgresql-client, or pass --pg-bin)")
    return found


def prune(dest: Path, keep_days: int, *, now: dt.datetime | None = None) -> list[Path]:
    """Remove the backups under ``dest`` older than ``keep_days``, never the newest one.
    Nothing of the audit trail goes with them: every dump holds every audit entry ever
    written (the table is append-only) and every backup the whole checkpoint file."""
    now = now or dt.datetime.now(dt.UTC)
    backups = sorted(path for path in Path(dest).iterdir() if (path / MANIFEST).exists())
    removed = []
    for path in backups[:-1]:
        taken = dt.datetime.strptime(path.name, "%Y%m%dT%H%M%S%fZ").replace(tzinfo=dt.UTC)
        if now - taken > dt.timedelta(days=keep_days):
            shutil.rmtree(path)
            removed.append(path)
    return removed


# -- Restoring -------------------------------------------------------------------------


def read_manifest(source: Path) -> dict[str, Any]:
    manifest = json.loads((Path(source) / MANIFEST).read_text())
    for name, expected in manifest["sha256"].items():
        if sha256_of(Path(source) / name) != expected:
            raise BackupError(f"{name} does not match its SHA-256 in the manifest: the backup is damaged")
    return manifest


def restore(source: Path, *, database: bool = True, files: bool = True, pg_bin: str = "",
            using: str = DEFAULT_DB_ALIAS) -> None:  # fmt: skip
    """Restore ``source`` into the configured database and file directories, which must
    be empty: a restore never overwrites what is there."""
    source = Path(source)
    manifest = read_manifest(source)
    if database:
        _restore_database(source, manifest, pg_bin, using)
    if files:
        _restore_files(source / FILES)
        _restore_checkpoints(source / CHECKPOINTS)


def _restore_database(source: Path, manifest: dict[str, Any], pg_bin: str, using: str) -> None:
    connection = connections[using]
    if connection.vendor != manifest["vendor"]:
        raise BackupError(f"this backup is of {manifest['vendor']}, the configured database is {connection.vendor}")
    with connection.cursor() as cursor:
        existing = connection.introspection.table_names(cursor)
    if existing:
        raise BackupError(f"the database {connection.settings_dict['NAME']} is not empty ({len(existing)} tables)")
    if connection.vendor == "postgresql":
        connection.close()
        done = subprocess.run(  # noqa: S603 — our arguments, no shell
            [_tool(pg_bin, "pg_restore"), "--no-owner", "--no-acl", "--exit-on-error", "--jobs=2",
             f"--dbname={connection.settings_dict['NAME']}", str(source / DATABASE_DUMP)],
            env=pg_environment(connection.settings_dict), capture_output=True, text=True,
        )  # fmt: skip
        if done.returncode != 0:
            raise BackupError(f"pg_restore failed: {done.stderr.strip()}")
    else:
        connection.close()
        shutil.copyfile(source / DATABASE_SQLITE, connection.settings_dict["NAME"])


def _restore_files(archive_path: Path) -> None:
    roots = file_roots()
    for root in roots.values():
        if root.is_dir() and any(root.iterdir()) or root.is_file():
            raise BackupError(f"{root} is not empty: restore files only into empty directories")

    def place(name: str) -> Path:
        top, _, rest = name.partition("/")
        if top not in roots or ".." in Path(rest).parts or Path(rest).is_absolute():
            raise BackupError(f"unexpected entry {name} in {archive_path.name}")
        return roots[top] / rest if rest else roots[top]

    with tarfile.open(archive_path) as archive:
        for member in archive.getmembers():
            target = place(member.name)
            if member.isdir():
                target.mkdir(parents=True, exist_ok=True, mode=0o700)
                continue
            target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            if member.islnk():
                # A certificate in its holder's locker is the same file twice (a hard link).
                try:
                    os.link(place(member.linkname), target)
                except OSError:
                    shutil.copyfile(place(member.linkname), target)
                continue
            if not member.isfile():
                raise BackupError(f"{member.name} is not a plain file")
            extracted = archive.extractfile(member)
            assert extracted is not None
            with open(target, "xb") as out:
                shutil.copyfileobj(extracted, out)
            os.chmod(target, member.mode & 0o640)


def _restore_checkpoints(archive_path: Path) -> None:
    directory = Path(settings.AUDIT_CHECKPOINT_DIR)
    if directory.exists() and any(directory.iterdir()):
        return  # the live archive is kept; verify_restore checks against the backup's copy
    with tarfile.open(archive_path) as archive:
        archive.extractall(directory.parent, filter="data")
    if directory.name != "checkpoints":
        (directory.parent / "checkpoints").rename(directory)


# -- Verifying a restore ----------------------------------------------------------------


def verify_restored(source: Path, *, counts: bool = True, using: str = DEFAULT_DB_ALIAS) -> list[str]:
    """What does not match between the restored instance and the backup ``source``
    (empty when the restore is whole). ``counts=False`` after a point-in-time recovery,
    whose rows are those of another moment."""
    from dgov.audit.verify import verify as verify_audit
    from dgov.certificates.models import Certificate
    from dgov.certificates.verify import verify_file
    from dgov.documents.models import Document

    source = Path(source)
    manifest = read_manifest(source)
    problems: list[str] = []
    if counts:
        with connections[using].cursor() as cursor:
            found, head = _count_all(cursor)
        for table, expected in manifest["counts"].items():
            if found.get(table) != expected:
                problems.append(f"{table}: {found.get(table)} rows, the backup has {expected}")
        if head != manifest["audit_head"]:
            problems.append(f"audit head #{head}, the backup has #{manifest['audit_head']}")
    store = stored_files()
    for document in Document.objects.using(using).only("storage_name", "sha256").iterator():
        try:
            data = store.read(document.key)
        except FileNotFoundError:
            problems.append(f"document {document.pk}: file missing")
            continue
        if hashlib.sha256(data).hexdigest() != document.sha256:
            problems.append(f"document {document.pk}: file differs from its recorded SHA-256")
    for certificate in Certificate.objects.using(using).iterator():
        try:
            data = store.read(certificate.key)
        except FileNotFoundError:
            problems.append(f"certificate {certificate.number}: file missing")
            continue
        verdict = verify_file(data)
        if verdict.certificate is None or verdict.certificate.pk != certificate.pk or verdict.outcome == "altered":
            problems.append(f"certificate {certificate.number}: does not verify ({verdict.outcome})")
    with _checkpoints_of(source) as directory:
        report = verify_audit(directory, using=using)
    if not report.intact:
        problems.append(str(report.summary()))
    return problems


@contextmanager
def _checkpoints_of(source: Path) -> Iterator[Path]:
    import tempfile

    with tempfile.TemporaryDirectory() as temporary, tarfile.open(source / CHECKPOINTS) as archive:
        archive.extractall(temporary, filter="data")
        yield Path(temporary) / "checkpoints"
