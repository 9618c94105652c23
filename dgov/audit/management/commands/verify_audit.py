"""Check the audit trail against its hash chain and the signed checkpoint file.

Exit status 0 when intact (one summary line), 1 with the first bad sequence number and
the reason otherwise. ``--checkpoints DIR`` checks against an exported copy of the
checkpoint directory (the file and ``public-key.pem``).
"""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dgov.audit.verify import verify


class Command(BaseCommand):
    help = "Verify the audit trail: hash chain, signed checkpoints, no edited, deleted or inserted rows."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--checkpoints", type=Path, help="checkpoint directory (default: AUDIT_CHECKPOINT_DIR)")
        parser.add_argument("--chunk", type=int, default=20000, help="rows read per query")

    def handle(self, *args: Any, checkpoints: Path | None = None, chunk: int = 20000, **options: Any) -> None:
        report = verify(checkpoints, chunk=chunk)
        if not report.intact:
            raise CommandError(report.summary(), returncode=1)
        self.stdout.write(report.summary())
