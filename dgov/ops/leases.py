"""Periodic jobs shared by several job runners on several machines.

Each job has one ``JobLease`` row: when it is next due, who holds it, until when. A runner
runs a job only after it

1. takes the job's lock (``dgov.ops.locks``: an advisory lock on PostgreSQL, a file lock
   on SQLite), which only one process can hold and which the system drops when the
   holder dies, and then
2. claims the row with a conditional UPDATE: due now, and on SQLite not leased to a
   runner whose lease is still running.

So a job never runs on two runners at once, each due run happens once (the row's ``due_at``
moves on only when the run ends), and a run whose runner died is not lost: its lock went
with the process, its row is still due, and the next runner's pass takes it. The lease
(``leased_until``) is the fallback where no lock could be held (a second SQLite runner on
another machine is not supported) and tells operators who is running what.
"""

import datetime as dt
import logging
import os
import socket
from collections.abc import Callable, Sequence
from typing import Protocol

from django.conf import settings
from django.db import IntegrityError, connection
from django.db.models import F, Q

from dgov.lib import clock
from dgov.ops.locks import try_lock
from dgov.ops.models import JobLease, Runner

log = logging.getLogger("dgov.jobs")


class Schedule(Protocol):
    """What the lease needs of a job (``dgov.lib.jobs.Job``): its name, its pass and how
    often it is due."""

    @property
    def name(self) -> str: ...
    @property
    def run(self) -> Callable[[dt.datetime], int]: ...
    @property
    def every(self) -> dt.timedelta: ...


def runner_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def heartbeat(name: str, now: dt.datetime | None = None) -> None:
    """Record that runner ``name`` is alive (readiness and ``/metrics`` read it)."""
    now = now or clock.now()
    if Runner.objects.filter(name=name).update(seen_at=now, passes=F("passes") + 1):
        return
    try:
        Runner.objects.create(name=name, started_at=now, seen_at=now, passes=1)
    except IntegrityError:
        Runner.objects.filter(name=name).update(seen_at=now, passes=F("passes") + 1)


def forget_runners(older_than: dt.timedelta, now: dt.datetime | None = None) -> int:
    """Drop the rows of runners not seen for ``older_than`` (restarts leave one per pid)."""
    return Runner.objects.filter(seen_at__lt=(now or clock.now()) - older_than).delete()[0]


def ensure_rows(jobs: Sequence[Schedule], now: dt.datetime) -> None:
    known = set(JobLease.objects.filter(name__in=[job.name for job in jobs]).values_list("name", flat=True))
    missing = [JobLease(name=job.name, due_at=now) for job in jobs if job.name not in known]
    if missing:
        JobLease.objects.bulk_create(missing, ignore_conflicts=True)


def run_due(
    jobs: Sequence[Schedule], *, runner: str, now: dt.datetime | None = None, force: bool = False
) -> dict[str, int]:
    """Run each job that is due (every one with ``force``) and that no other runner holds;
    returns what each did, -1 for a job that failed (logged, the others still run)."""
    now = now or clock.now()
    ensure_rows(jobs, now)
    done: dict[str, int] = {}
    for job in jobs:
        result = run_one(job, runner=runner, now=now, force=force)
        if result is not None:
            done[job.name] = result
    return done


def run_one(job: Schedule, *, runner: str, now: dt.datetime, force: bool = False) -> int | None:
    """Run ``job`` if this runner can claim it: its result, -1 if it failed, ``None`` when
    it was not due or another runner holds it."""
    held = try_lock(f"job:{job.name}")
    if held is None:
        return None
    try:
        if not _claim(job, runner=runner, now=now, force=force):
            return None
        started = clock.now()
        try:
            result = int(job.run(now) or 0)
        except Exception as error:
            log.exception("job %s failed", job.name)
            _finish(job, runner=runner, started=started, done=0, error=f"{type(error).__name__}: {error}")
            return -1
        _finish(job, runner=runner, started=started, done=result, error="")
        return result
    finally:
        held.release()


def _claim(job: Schedule, *, runner: str, now: dt.datetime, force: bool) -> bool:
    due = Q(name=job.name) if force else Q(name=job.name, due_at__lte=now)
    if connection.vendor != "postgresql":
        due &= Q(leased_until__isnull=True) | Q(leased_until__lt=now)
    lease = max(job.every * 3, settings.JOB_LEASE)
    return (
        JobLease.objects.filter(due).update(holder=runner, leased_until=now + lease, last_started_at=clock.now()) == 1
    )


def _finish(job: Schedule, *, runner: str, started: dt.datetime, done: int, error: str) -> None:
    finished = clock.now()
    failed = 1 if error else 0
    JobLease.objects.filter(name=job.name, holder=runner).update(
        due_at=max(started + job.every, finished) if job.every else finished,
        holder="",
        leased_until=None,
        last_finished_at=finished,
        last_done=done,
        last_error=error[:500],
        runs=F("runs") + 1,
        failures=F("failures") + failed,
        items=F("items") + done,
    )
