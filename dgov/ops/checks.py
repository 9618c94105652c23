"""System checks that keep a production instance from starting on a setup that loses data
or evidence. Registered with Django's check framework (``manage.py check`` and every
``migrate``), run again by ``dgov/wsgi.py`` and ``run_jobs`` at start-up, and by the
systemd units (``ExecStartPre``): an unfit production host never serves a request.

1. SQLite is for one machine in development: production needs PostgreSQL.
2. The signed audit checkpoints exist so that whoever controls the database cannot rewrite
   the trail unseen: they must not live on the database host. When the database is on
   this machine, the checkpoint directory must be on a network filesystem.
3. Files on an object store (``DGOV_FILE_STORAGE=s3``) need the bucket named.

The public address (``DGOV_PUBLIC_URL`` on https) is checked where it is defined
(``dgov.lib.links``, ``dgov.E001``, and at settings load).
"""

import socket
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

TAG = "dgov_ops"
# Filesystems whose data lives on another machine.
NETWORK_FILESYSTEMS = frozenset(
    {"nfs", "nfs4", "cifs", "smb3", "smbfs", "ceph", "fuse.ceph-fuse", "glusterfs", "fuse.glusterfs", "fuse.sshfs",
     "9p", "lustre", "gpfs", "fuse.s3fs", "fuse.rclone", "fuse.juicefs"}
)  # fmt: skip


@checks.register(TAG)
def production_checks(app_configs: Sequence[Any] | None = None, **kwargs: Any) -> list[checks.CheckMessage]:
    if not getattr(settings, "PRODUCTION", False):
        return []
    return [*_database(), *_checkpoints(), *_files()]


def default_database() -> dict[str, Any]:
    return settings.DATABASES["default"]


def _database() -> Iterable[checks.CheckMessage]:
    engine = default_database()["ENGINE"]
    if "sqlite" in engine:
        yield checks.Error(
            "Production refuses to run on SQLite.",
            hint="Set DB_ENGINE=postgres and DB_HOST, DB_NAME, DB_USER, DB_PASSWORD (docs/operations.md).",
            id="dgov_ops.E001",
        )


def _checkpoints() -> Iterable[checks.CheckMessage]:
    directory = Path(settings.AUDIT_CHECKPOINT_DIR)
    database = default_database()
    if "sqlite" in database["ENGINE"] or not database_is_local(database.get("HOST", "")):
        return
    kind = filesystem_type(directory)
    if kind not in NETWORK_FILESYSTEMS:
        yield checks.Error(
            f"The audit checkpoint directory {directory} is on the database host ({kind or 'local'} filesystem).",
            hint="Point DGOV_AUDIT_CHECKPOINT_DIR at storage another administrator controls (an NFS mount of "
            "the archive host), or run the database on its own host.",
            id="dgov_ops.E003",
        )


def _files() -> Iterable[checks.CheckMessage]:
    if settings.FILE_STORAGE != "s3":
        return
    options: dict[str, Any] = settings.STORAGES["default"].get("OPTIONS") or {}
    if not options.get("bucket_name"):
        yield checks.Error(
            "DGOV_FILE_STORAGE=s3 names no bucket.",
            hint="Set DGOV_S3_BUCKET (and DGOV_S3_ENDPOINT_URL, DGOV_S3_REGION, the access keys: docs/operations.md).",
            id="dgov_ops.E004",
        )


def database_is_local(host: str) -> bool:
    """True when ``host`` (a DB_HOST value) is this machine: empty, a socket directory,
    a loopback address, or one of this machine's own names and addresses."""
    if not host or host.startswith("/") or host == "localhost":
        return True
    try:
        addresses = {str(info[4][0]) for info in socket.getaddrinfo(host, None)}
    except OSError:
        return False  # unresolvable here: certainly not a name of this machine
    if any(address.startswith("127.") or address == "::1" for address in addresses):
        return True
    own = {socket.gethostname(), socket.getfqdn()}
    try:
        mine = {str(info[4][0]) for name in own for info in socket.getaddrinfo(name, None)}
    except OSError:
        mine = set()
    return bool(addresses & mine)


MOUNTS = "/proc/self/mounts"


def filesystem_type(path: Path, mounts: str | None = None) -> str:
    """The type of the filesystem ``path`` lives on (its nearest existing ancestor), from
    the longest matching mount point; ``""`` when unknown."""
    target = Path(path).absolute()
    while not target.exists() and target != target.parent:
        target = target.parent
    target = target.resolve()
    best, kind = -1, ""
    try:
        lines = Path(mounts or MOUNTS).read_text().splitlines()
    except OSError:
        return ""
    for line in lines:
        fields = line.split()
        if len(fields) < 3:
            continue
        point = fields[1].replace("\\040", " ")
        if (str(target) == point or str(target).startswith(point.rstrip("/") + "/")) and len(point) > best:
            best, kind = len(point), fields[2]
    return kind


def refuse_to_start_if_unfit() -> None:
    """For entry points the check framework does not cover (the WSGI application, the job
    runner): raise ``ImproperlyConfigured`` listing the errors of these checks."""
    if not getattr(settings, "PRODUCTION", False):
        return
    errors = [message for message in production_checks() if message.is_serious()]
    if errors:
        raise ImproperlyConfigured("; ".join(f"{message.id}: {message.msg}" for message in errors))
