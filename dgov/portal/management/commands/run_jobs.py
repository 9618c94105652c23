"""The background job runner: the database is the queue (STYLE.md habit 8).

The jobs are what the apps declare in ``dgov/<app>/jobs.py`` (``dgov.lib.jobs``); each pass
runs those that are due. Each job claims its own work, so two runners never do the same
thing twice; and several runners on several machines share one schedule through the job
leases (``dgov.ops.leases``): a job runs on one runner at a time, each due run once, and a
run whose runner died is taken over. Every pass leaves a heartbeat for the readiness
check. ``--once`` runs every job once and exits (tests, cron).
"""

import datetime as dt
import time
from typing import Any

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from dgov.lib import clock
from dgov.lib.jobs import all_jobs, run_due
from dgov.ops import leases
from dgov.ops.checks import refuse_to_start_if_unfit


def run_pass(*, sweep_deadlines: bool = True) -> dict[str, int]:
    """One pass of every job (``sweep_deadlines=False``: only those due every pass)."""
    jobs = [job for job in all_jobs() if sweep_deadlines or job.every <= dt.timedelta(seconds=10)]
    return run_due(jobs, {}, clock.now(), force=True)


class Command(BaseCommand):
    help = "Run the periodic background jobs that the apps declare in their jobs.py."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--once", action="store_true", help="run every job once and exit")
        parser.add_argument("--interval", type=float, default=2.0, help="seconds between passes")

    def handle(self, *args: Any, once: bool = False, interval: float = 2.0, **options: Any) -> None:
        refuse_to_start_if_unfit()
        jobs = all_jobs()
        me = leases.runner_name()
        while True:
            close_old_connections()
            now = clock.now()
            leases.heartbeat(me, now)
            done = leases.run_due(jobs, runner=me, now=now, force=once)
            if once:
                self.stdout.write(" ".join(f"{k}={v}" for k, v in sorted(done.items())))
                return
            time.sleep(interval)
