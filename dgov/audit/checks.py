"""Production checks: the audit trail's keys and checkpoints must be off the database host
(issue 19 §3, decision 0013).

What is kept outside the database is worth something only where a person who controls
the database cannot change it. The application cannot see other machines, so the rule
is judged from what it can see:

* ``audit.E001``: a key file or the checkpoint directory under ``VAR_DIR``, which sits
  beside the database's files and is backed up with them;
* ``audit.E002``: the database runs on this host (SQLite, or ``DB_HOST`` a loopback
  address or a socket) and the checkpoint directory or a key file is on the same
  filesystem as the database's files (the SQLite file, or ``DGOV_DB_DATA_DIR``): mount
  them from another machine;
* ``audit.E003``: the seal key and the signing key are one file.

A remote syslog (``DGOV_AUDIT_SYSLOG``) is the further copy an administrator of both
machines cannot rewrite; its absence is a warning (``audit.W001``).
"""

import ipaddress
import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Warning, register


def _inside(path: Path, directory: Path) -> bool:
    try:
        path.resolve().relative_to(directory.resolve())
    except ValueError:
        return False
    return True


def _device(path: Path) -> int | None:
    """The filesystem of ``path``, or of its nearest existing parent."""
    for candidate in (path, *path.parents):
        try:
            return os.stat(candidate).st_dev
        except OSError:
            continue
    return None


def database_on_this_host(database: dict[str, Any]) -> tuple[bool, Path | None]:
    """Whether ``database`` (a ``DATABASES`` entry) runs here, and where its files are."""
    if database["ENGINE"].endswith("sqlite3"):
        return True, Path(database["NAME"]).parent
    host = str(database.get("HOST") or "")
    if not host or host.startswith("/") or host == "localhost":
        return True, Path(settings.DB_DATA_DIR)
    try:
        return ipaddress.ip_address(host).is_loopback, Path(settings.DB_DATA_DIR)
    except ValueError:
        return False, None


@register("audit")
def keys_and_checkpoints_off_the_database_host(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    if not settings.PRODUCTION:
        return []
    return off_host_problems(settings.DATABASES["default"])


def off_host_problems(database: dict[str, Any]) -> list[CheckMessage]:
    """The production check against ``database`` (the default ``DATABASES`` entry)."""
    kept = {
        "DGOV_AUDIT_CHECKPOINT_DIR": Path(settings.AUDIT_CHECKPOINT_DIR),
        "DGOV_AUDIT_KEY_FILE": Path(settings.AUDIT_SIGNING_KEY_FILE),
        "DGOV_AUDIT_SEAL_KEY_FILE": Path(settings.AUDIT_SEAL_KEY_FILE),
    }
    problems: list[CheckMessage] = []
    for name, path in kept.items():
        if _inside(path, Path(settings.VAR_DIR)):
            problems.append(
                Error(
                    f"{name} ({path}) is under VAR_DIR, beside the database's files.",
                    hint="Keep the audit keys and checkpoints off the database host (decision 0013).",
                    id="audit.E001",
                )
            )
    local, data = database_on_this_host(database)
    if local and data is not None:
        database_device = _device(data)
        for name, path in kept.items():
            if database_device is not None and _device(path) == database_device:
                problems.append(
                    Error(
                        f"The database runs on this host and {name} ({path}) is on the filesystem of its data ({data}).",
                        hint="Mount the checkpoint directory and the keys from another machine (decision 0013).",
                        id="audit.E002",
                    )
                )
    if kept["DGOV_AUDIT_KEY_FILE"].resolve() == kept["DGOV_AUDIT_SEAL_KEY_FILE"].resolve():
        problems.append(Error("The audit seal key and the checkpoint signing key are one file.", id="audit.E003"))
    if not settings.AUDIT_SYSLOG:
        problems.append(
            Warning(
                "No remote copy of the audit checkpoints (DGOV_AUDIT_SYSLOG is empty).",
                hint="Send each checkpoint to a syslog on another machine: udp://host:514 or tcp://host:514.",
                id="audit.W001",
            )
        )
    return problems
