from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from dgov.accounts import demo as accounts_demo
from dgov.lib.links import public_base, public_url
from dgov.lib.plugins import discover


class Command(BaseCommand):
    help = "Load the Kuancheng demo data (idempotent: a second run changes nothing) and print the demo logins."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--quiet", action="store_true", help="do not print the logins")

    def handle(self, *args: Any, quiet: bool = False, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("Demo data is not loaded in production.")
        with transaction.atomic():
            district, logins = accounts_demo.load()
            # Every other app loads its own demo in ``dgov/<app>/demo.py``, in the order
            # of INSTALLED_APPS (an app's demo may use the demo of the apps before it).
            for app, module in discover("demo"):
                if app != "accounts":
                    module.load(district)
        if quiet:
            return
        self.stdout.write(f"Demo district: {district}. Every demo account's password: {accounts_demo.DEMO_PASSWORD}")
        for username, role in logins:
            self.stdout.write(f"  {username:<12} {role}")
        self.stdout.write(f"Open {public_url('/accounts/login/')}")
        self.stdout.write(
            f"Public address (DGOV_PUBLIC_URL): {public_base()} — the demo's; every certificate's QR code and"
            " verification address carry it. Production refuses to start without an https:// one."
        )
