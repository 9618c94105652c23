"""Verify a certificate file without the web: ``python manage.py verify_certificate FILE``.
Prints the verdict; exits 0 only when the certificate (or annotated copy) is valid."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dgov.certificates.verify import verify_file


class Command(BaseCommand):
    help = "Verify a certificate PDF: valid, altered, revoked, suspended, expired, or not issued here."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(str(error)) from error
        verdict = verify_file(data)
        parts = [verdict.outcome.value]
        if verdict.date:
            parts.append(verdict.date.isoformat())
        if verdict.sealed is not None:
            # What the seal covers, not the database's columns.
            sealed = verdict.sealed
            parts += [str(sealed.get(key, "")) for key in ("number", "identifier", "holder", "holder_code")]
            if verdict.seal is not None and verdict.signed_on is not None:
                parts.append(f"signed {verdict.signed_on.isoformat()} by {verdict.seal.name}")
        elif verdict.problems:
            parts += list(verdict.problems)
        if verdict.copy is not None:
            parts += [f"copy for {verdict.copy.purpose} until {verdict.copy.expires_on.isoformat()}"]
        self.stdout.write(" ".join(parts))
        if not verdict.is_valid:
            raise SystemExit(1)
