"""The background job runner: the database is the queue (STYLE.md habit 8).

Each pass runs every periodic job once; each job claims its own work so two runners
never do the same job twice. ``--once`` runs a single pass (tests, cron).
"""

import time
from typing import Any

from django.core.management.base import BaseCommand
from django.db import close_old_connections


def run_pass() -> dict[str, int]:
    from dgov.audit.chain import chain_pending, due_for_checkpoint, write_checkpoint

    done = {"audit_chained": chain_pending()}
    if due_for_checkpoint():
        write_checkpoint()
        done["audit_checkpoints"] = 1
    return done


class Command(BaseCommand):
    help = "Run the periodic background jobs (audit chain and checkpoints, and later notifications)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--once", action="store_true", help="run one pass and exit")
        parser.add_argument("--interval", type=float, default=2.0, help="seconds between passes")

    def handle(self, *args: Any, once: bool = False, interval: float = 2.0, **options: Any) -> None:
        while True:
            close_old_connections()
            done = run_pass()
            if once:
                self.stdout.write(" ".join(f"{k}={v}" for k, v in sorted(done.items())))
                return
            time.sleep(interval)
