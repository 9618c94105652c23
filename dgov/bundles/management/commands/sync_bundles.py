"""``python manage.py sync_bundles``: move open bundles on from their parts' states.

Each part's transition already does this in its own transaction; the command is the
safety net for a part moved by a path that bypassed the hook. Idempotent.
"""

from typing import Any

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Move open bundle applications on from the states of their parts (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        from dgov.bundles.actions import sync_open

        self.stdout.write(f"bundles_synced={sync_open()}")
