"""``manage.py verify_restore BACKUP``: exit 0 when the restored instance matches the
backup (counts, files and their hashes, certificates, audit trail), else 1 and each
difference on its own line. ``--no-counts`` after a point-in-time recovery."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from dgov.ops.backup import verify_restored


class Command(BaseCommand):
    help = "Check a restored instance against the backup it came from."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("backup", type=Path)
        parser.add_argument("--no-counts", action="store_true", help="skip row counts (point-in-time recovery)")

    def handle(self, *args: Any, backup: Path, no_counts: bool, **options: Any) -> None:
        problems = verify_restored(backup, counts=not no_counts)
        for problem in problems:
            self.stderr.write(problem)
        if problems:
            raise SystemExit(1)
        self.stdout.write(f"restore matches {backup}")
