from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from dgov.audit.chain import chain_pending


class Command(BaseCommand):
    help = "Link the audit entries that are final into the hash chain (the job runner does this too)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", type=int, default=5000, help="entries per transaction")

    def handle(self, *args: Any, batch: int = 5000, **options: Any) -> None:
        self.stdout.write(f"chained={chain_pending(batch)}")
