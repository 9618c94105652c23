"""Offline (on the machine holding ``DGOV_CA_KEY_DIR``): the district CA gives its local
timestamp authority a new key and certificate (valid ``ca.TSA_YEARS``). Run it before the
current TSA certificate ends: archival timestamps (``archive_certificates``) are renewed
only by a TSA that outlasts the one that made the latest timestamp.

    python manage.py renew_tsa --district 220103
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dgov.accounts.models import District
from dgov.certificates.archive import certificate_end
from dgov.certificates.ca import DistrictCA


class Command(BaseCommand):
    help = "Renew the district's local timestamp authority (offline)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--district", required=True, help="GB/T 2260 code of the district")

    def handle(self, *args: Any, **options: Any) -> None:
        district = District.objects.filter(code=options["district"]).first()
        if district is None:
            raise CommandError(f"no district {options['district']}")
        authority = DistrictCA(district).renew_tsa()
        self.stdout.write(f"TSA of {district.code} renewed, valid to {certificate_end(authority.tsa_certificate_pem)}")
