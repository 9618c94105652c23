"""System checks (``manage.py check``, ``check --deploy`` before every start of the
units, production only): the audit trail's keys must be off the database host (issue 19
§3, decision 0013).

What is kept outside the database is worth something only where a person who controls
the database cannot change it. The application cannot see other machines, so the rule
is judged from what it can see, the same way ``dgov.ops.checks`` judges the checkpoint
directory (``dgov_ops.E003``): when the database runs on this host, a file it relies on
must be on a network filesystem (another machine's).

* ``audit.E002``: the database runs on this host and the seal key or the checkpoint
  signing key is on a local filesystem;
* ``audit.E003``: the seal key and the signing key are one file;
* ``audit.W001``: no remote syslog (``DGOV_AUDIT_SYSLOG``), the further copy an
  administrator of both machines cannot rewrite.
"""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Warning, register

from dgov.ops.checks import NETWORK_FILESYSTEMS, database_is_local, filesystem_type


@register("audit")
def keys_off_the_database_host(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    if not settings.PRODUCTION:
        return []
    return off_host_problems(settings.DATABASES["default"])


def off_host_problems(database: dict[str, Any]) -> list[CheckMessage]:
    """The production check against ``database`` (a ``DATABASES`` entry)."""
    keys = {
        "DGOV_AUDIT_KEY_FILE": Path(settings.AUDIT_SIGNING_KEY_FILE),
        "DGOV_AUDIT_SEAL_KEY_FILE": Path(settings.AUDIT_SEAL_KEY_FILE),
    }
    problems: list[CheckMessage] = []
    if "sqlite" in database["ENGINE"] or database_is_local(str(database.get("HOST") or "")):
        for name, path in keys.items():
            kind = filesystem_type(path)
            if kind not in NETWORK_FILESYSTEMS:
                problems.append(
                    Error(
                        f"{name} ({path}) is on the database host ({kind or 'local'} filesystem).",
                        hint="Keep the audit keys on a mount of a host the database administrator does not "
                        "control, or run the database on its own host (decision 0013).",
                        id="audit.E002",
                    )
                )
    if keys["DGOV_AUDIT_KEY_FILE"].resolve() == keys["DGOV_AUDIT_SEAL_KEY_FILE"].resolve():
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
