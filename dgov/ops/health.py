"""Liveness and readiness.

``/healthz`` (liveness) answers 200 as long as the process can answer at all: it touches
nothing else, so a slow database never gets a live process restarted. ``/readyz``
(readiness) answers 200 only when this node can do its work, 503 otherwise, with each
check's verdict as JSON:

1. ``database``: the primary answers ``SELECT 1``.
2. ``migrations``: every migration of the code is applied (an upgrade in progress, or a
   node started on new code before ``migrate``, is not ready).
3. ``job_runner``: some job runner passed within ``DGOV_RUNNER_STALE_SECONDS``
   (deadlines, the outbox and the audit chain depend on it).
4. ``disk``: the file directories have at least ``DGOV_MIN_FREE_DISK_MB`` free.

Both are answered by ``dgov.ops.middleware.OpsMiddleware`` before host validation,
sessions and the rest, so a probe costs no more than the checks themselves.
"""

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Max

from dgov.lib import clock


@dataclass(frozen=True)
class Verdict:
    ok: bool
    detail: str


_migrated = False  # once every migration is applied, it stays so for this process's code


def check_database() -> Verdict:
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return Verdict(True, "reachable")


def check_migrations() -> Verdict:
    global _migrated
    if _migrated:
        return Verdict(True, "applied")
    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        return Verdict(False, f"{len(plan)} not applied, first {plan[0][0].app_label}.{plan[0][0].name}")
    _migrated = True
    return Verdict(True, "applied")


def check_job_runner() -> Verdict:
    from dgov.ops.models import Runner

    seen = Runner.objects.aggregate(seen=Max("seen_at"))["seen"]
    if seen is None:
        return Verdict(False, "no job runner has run")
    age = (clock.now() - seen).total_seconds()
    limit = settings.RUNNER_STALE_AFTER
    if age > limit.total_seconds():
        return Verdict(False, f"last seen {age:.0f} s ago (limit {limit.total_seconds():.0f} s)")
    return Verdict(True, f"seen {age:.0f} s ago")


def file_directories() -> list[Path]:
    from dgov.certificates.models import certificates_root
    from dgov.documents.models import documents_root

    if settings.FILE_STORAGE == "s3":  # in the bucket; this machine spools exports and reads
        return [Path(settings.EXPORTS_ROOT)]
    return [documents_root(), certificates_root()]


def check_disk() -> Verdict:
    floor = settings.MIN_FREE_DISK_MB
    worst: tuple[float, Path] | None = None
    for directory in file_directories():
        existing = directory
        while not existing.exists() and existing != existing.parent:
            existing = existing.parent
        free = shutil.disk_usage(existing).free / (1024 * 1024)
        if worst is None or free < worst[0]:
            worst = (free, directory)
    assert worst is not None
    free, directory = worst
    if free < floor:
        return Verdict(False, f"{free:.0f} MB free under {directory} (floor {floor} MB)")
    return Verdict(True, f"{free:.0f} MB free")


CHECKS: dict[str, Callable[[], Verdict]] = {
    "database": check_database,
    "migrations": check_migrations,
    "job_runner": check_job_runner,
    "disk": check_disk,
}


def readiness() -> tuple[bool, dict[str, dict[str, object]]]:
    """Run every check; a check that raises fails with the error's class and message."""
    results: dict[str, dict[str, object]] = {}
    for name, check in CHECKS.items():
        try:
            verdict = check()
        except Exception as error:  # noqa: BLE001 — a failing dependency is a verdict, not a 500
            verdict = Verdict(False, f"{type(error).__name__}: {error}"[:300])
        results[name] = {"ok": verdict.ok, "detail": verdict.detail}
    return all(result["ok"] for result in results.values()), results
