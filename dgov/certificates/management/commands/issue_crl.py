"""Offline (on the machine holding ``DGOV_CA_KEY_DIR``): the district CA issues a new CRL,
valid ``DGOV_CRL_DAYS`` days. Run it well before the current one lapses (``reconcile_seals``
warns two days ahead): without a current CRL the seal service stops sealing.

    python manage.py issue_crl --district 220103
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dgov.accounts.models import District
from dgov.certificates.ca import DistrictCA


class Command(BaseCommand):
    help = "Issue the district CA's next certificate revocation list (offline)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--district", required=True, help="GB/T 2260 code of the district")

    def handle(self, *args: Any, **options: Any) -> None:
        district = District.objects.filter(code=options["district"]).first()
        if district is None:
            raise CommandError(f"no district {options['district']}")
        crl = DistrictCA(district).issue_crl()
        self.stdout.write(f"CRL {crl.number} of {district.code}: {crl.this_update} – {crl.next_update}")
