"""``manage.py restore BACKUP``: a backup of ``manage.py backup`` into an empty database
and empty file directories; then run ``manage.py verify_restore BACKUP``."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dgov.ops.backup import BackupError, restore


class Command(BaseCommand):
    help = "Restore a backup into an empty database and empty file directories."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("backup", type=Path, help="one backup directory (with its manifest.json)")
        parser.add_argument("--files-only", action="store_true", help="files and checkpoints, not the database")
        parser.add_argument("--database-only", action="store_true", help="the database, not the files")
        parser.add_argument("--pg-bin", default="", help="directory of pg_restore (default: from PATH)")

    def handle(
        self, *args: Any, backup: Path, files_only: bool, database_only: bool, pg_bin: str, **options: Any
    ) -> None:
        try:
            restore(backup, database=not files_only, files=not database_only, pg_bin=pg_bin)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"restored {backup}")
