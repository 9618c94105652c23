"""Offline: make a seal. Its keys go to ``settings.SEAL_KEY_DIR`` (mode 0600), the district
CA (key in ``settings.SEAL_CA_DIR``, read by no web process) certifies them, and the public
parts go to the database; the district's TSA and a current CRL are made if missing. Nobody
sees the private keys; the seal service loads the seal's keys when it seals.

    python manage.py create_seal --district 220103 --department SCJG \\
        --name 宽城区市场监督管理局行政审批专用章 --years 5
"""

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dgov.accounts.models import Department, District
from dgov.certificates.ca import do_create_seal
from dgov.certificates.models import CertificateType
from dgov.certificates.sealing import add_years
from dgov.lib import clock


class Command(BaseCommand):
    help = "Create a seal (keys kept by the seal service, outside the database)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--district", required=True, help="GB/T 2260 code of the district")
        parser.add_argument("--department", help="department code")
        parser.add_argument("--type", dest="type_code", help="certificate type code")
        parser.add_argument("--name", required=True)
        parser.add_argument("--valid-from", type=dt.date.fromisoformat)
        parser.add_argument("--years", type=int, default=5)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            district = District.objects.get(code=options["district"])
        except District.DoesNotExist:
            raise CommandError(f"no district {options['district']}") from None
        department = certificate_type = None
        if options["department"]:
            department = Department.objects.filter(district=district, code=options["department"]).first()
            if department is None:
                raise CommandError(f"no department {options['department']}")
        if options["type_code"]:
            certificate_type = CertificateType.objects.filter(district=district, code=options["type_code"]).first()
            if certificate_type is None:
                raise CommandError(f"no certificate type {options['type_code']}")
        if department is None and certificate_type is None:
            raise CommandError("give --department or --type")
        valid_from = options["valid_from"] or clock.today()
        seal = do_create_seal(
            district=district,
            department=department,
            certificate_type=certificate_type,
            name=options["name"],
            valid_from=valid_from,
            valid_to=add_years(valid_from, options["years"]) - dt.timedelta(days=1),
        )
        self.stdout.write(f"seal {seal.pk} {seal.key_id} valid {seal.valid_from} – {seal.valid_to}")
