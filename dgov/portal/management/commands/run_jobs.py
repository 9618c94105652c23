"""The background job runner: the database is the queue (STYLE.md habit 8).

Each pass runs the periodic jobs that are due; each job claims its own work, so two
runners never do the same job twice. ``--once`` runs a single pass (tests, cron).
"""

import time
from typing import Any

from django.core.management.base import BaseCommand
from django.db import close_old_connections

# Sweeping open provisional deadlines reads every one of them: do it every few minutes,
# not on every pass (a calendar import recomputes them at once anyway).
DEADLINE_SWEEP_SECONDS = 300


def run_pass(*, sweep_deadlines: bool = True) -> dict[str, int]:
    from dgov.applications.actions import deem_accepted
    from dgov.audit.chain import chain_pending, due_for_checkpoint, write_checkpoint
    from dgov.bundles.actions import sync_open
    from dgov.campaigns.actions import send_reminders
    from dgov.documents.storage import sweep_orphan_files
    from dgov.notifications.outbox import send_pending
    from dgov.ratings.actions import deem_ratings
    from dgov.workdays.actions import recompute_provisional

    done = {"notifications_sent": send_pending(), "audit_chained": chain_pending()}
    if due_for_checkpoint():
        write_checkpoint()
        done["audit_checkpoints"] = 1
    if sweep_deadlines:
        done["deadlines_recomputed"] = len(recompute_provisional())
        done["deemed_accepted"] = deem_accepted()
        done["ratings_deemed"] = deem_ratings()
        done["bundles_synced"] = sync_open()
        done["campaign_reminders"] = send_reminders()
        done["orphan_files_removed"] = sweep_orphan_files()
    return done


class Command(BaseCommand):
    help = "Run the periodic background jobs (outbox, audit chain and checkpoints, deadline sweeps)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--once", action="store_true", help="run one pass and exit")
        parser.add_argument("--interval", type=float, default=2.0, help="seconds between passes")

    def handle(self, *args: Any, once: bool = False, interval: float = 2.0, **options: Any) -> None:
        last_sweep = 0.0
        while True:
            close_old_connections()
            now = time.monotonic()
            sweep = once or now - last_sweep >= DEADLINE_SWEEP_SECONDS
            done = run_pass(sweep_deadlines=sweep)
            if sweep:
                last_sweep = now
            if once:
                self.stdout.write(" ".join(f"{k}={v}" for k, v in sorted(done.items())))
                return
            time.sleep(interval)
