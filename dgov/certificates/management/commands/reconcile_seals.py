"""``python manage.py reconcile_seals --date D``: the seal's books (``dgov.certificates.ledger``).

Prints every finding, keeps them for the seal officers' and auditors' pages, and exits 1
when it finds anything, 0 when the books are clean. The job runner runs the same daily.
"""

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from dgov.certificates import ledger
from dgov.lib import clock


class Command(BaseCommand):
    help = "Reconcile the seal ledger with approvals, certificates, copies and the audit trail."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", type=dt.date.fromisoformat, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        day = options["date"] or clock.today()
        findings = ledger.reconcile(day)
        ledger.keep(findings)
        for finding in findings:
            self.stdout.write(f"{finding.kind.label}: {finding.detail}")
        if findings:
            self.stdout.write(f"{len(findings)} finding(s) for {day}")
            raise SystemExit(1)
        self.stdout.write(f"no findings for {day}")
