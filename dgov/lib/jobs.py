"""Periodic background jobs, declared by each app in ``dgov/<app>/jobs.py``.

``JOBS = [Job("send_notifications", send_pending, every=dt.timedelta(seconds=2)), ...]``.
A job's ``run(now)`` does one pass and returns how many things it did; it claims its own
work (a conditional UPDATE or ``SKIP LOCKED``), so a pass may run on several runners at once
without doing anything twice. ``run_jobs`` runs every discovered job when it is due.
"""

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

logger = logging.getLogger(__name__)

# Deadline sweeps read many rows: every few minutes, not on every pass (a calendar import
# recomputes its deadlines at once anyway).
SWEEP = dt.timedelta(minutes=5)


@dataclass(frozen=True)
class Job:
    name: str
    run: Callable[[dt.datetime], int]
    every: dt.timedelta = field(default=dt.timedelta(seconds=2))


def all_jobs() -> list[Job]:
    from dgov.lib.plugins import discover

    found: list[Job] = []
    names: set[str] = set()
    for app, module in discover("jobs"):
        for job in module.JOBS:
            if job.name in names:
                raise ValueError(f"two jobs are called {job.name!r} ({app})")
            names.add(job.name)
            found.append(job)
    return found


def run_due(
    jobs: list[Job], last_run: dict[str, dt.datetime], now: dt.datetime, *, force: bool = False
) -> dict[str, int]:
    """Run every job of ``jobs`` that is due at ``now`` (all of them when ``force``);
    ``last_run`` is updated in place. A failing job is logged and does not stop the others."""
    done: dict[str, int] = {}
    for job in jobs:
        last = last_run.get(job.name)
        if not force and last is not None and now - last < job.every:
            continue
        last_run[job.name] = now
        try:
            done[job.name] = job.run(now)
        except Exception:
            logger.exception("job %s failed", job.name)
            done[job.name] = -1
    return done
