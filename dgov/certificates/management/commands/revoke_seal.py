"""Offline: revoke a seal's certificate (a lost or leaked key). The district CA lists it
in a new CRL; certificates sealed before ``--at`` (default: now) stay valid, the seal seals
nothing after it.

    python manage.py revoke_seal --key-id seal-220103-... --reason 私钥泄露 [--at 2026-12-01T09:00:00+08:00]
"""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from dgov.certificates.ca import do_revoke_seal
from dgov.certificates.models import Seal


class Command(BaseCommand):
    help = "Revoke a seal's certificate and issue the CRL that lists it (offline)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--key-id", required=True)
        parser.add_argument("--reason", required=True)
        parser.add_argument("--at", type=dt.datetime.fromisoformat, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        seal = Seal.objects.filter(key_id=options["key_id"]).select_related("district").first()
        if seal is None:
            raise CommandError(f"no seal {options['key_id']}")
        at = options["at"]
        if at is not None and at.tzinfo is None:
            raise CommandError("give --at with its time zone, e.g. 2026-12-01T09:00:00+08:00")
        try:
            crl = do_revoke_seal(seal, reason=options["reason"], at=at)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(f"seal {seal.key_id} revoked at {seal.revoked_at}; CRL {crl.number} issued")
