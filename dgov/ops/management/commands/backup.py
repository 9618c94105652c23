"""``manage.py backup DEST``: the database (in one snapshot), the files, the audit
checkpoints and a manifest, in ``DEST/<UTC time>/`` (``dgov.ops.backup``)."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dgov.ops.backup import BackupError, files_in_bucket, prune, take


class Command(BaseCommand):
    help = "Back up the database, the files (uploads, certificates, keys) and the audit checkpoints."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("dest", type=Path, help="directory that receives the backup (one subdirectory per run)")
        parser.add_argument("--pg-bin", default="", help="directory of pg_dump (default: from PATH)")
        parser.add_argument(
            "--keep-days", type=int, default=0, help="then remove backups older than this (0: keep all)"
        )

    def handle(self, *args: Any, dest: Path, pg_bin: str = "", keep_days: int = 0, **options: Any) -> None:
        try:
            target = take(dest, pg_bin=pg_bin)
        except BackupError as error:
            raise CommandError(str(error)) from error
        if files_in_bucket():
            self.stderr.write(
                "Uploads and certificates are in the S3 bucket (DGOV_FILE_STORAGE=s3) and not in this backup: "
                "keep them with the bucket's versioning and replication (docs/operations.md). Keys and audit "
                "checkpoints are in it."
            )
        self.stdout.write(str(target))
        if keep_days:
            for removed in prune(dest, keep_days):
                self.stdout.write(f"removed {removed}")
