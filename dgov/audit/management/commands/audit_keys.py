"""Create the audit trail's two keys where the settings say, if they are missing.

In production the seal key is never made on the fly (a new key would make every earlier
entry look forged): run this once when provisioning, on the machine that holds the keys.
"""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from dgov.audit.chain import create_signing_key, key_id, signing_key
from dgov.audit.seal import create_seal_key


class Command(BaseCommand):
    help = "Create the audit seal key and checkpoint signing key if they are missing."

    def handle(self, *args: Any, **options: Any) -> None:
        seal_path = Path(settings.AUDIT_SEAL_KEY_FILE)
        signing_path = Path(settings.AUDIT_SIGNING_KEY_FILE)
        made = create_seal_key(seal_path)
        self.stdout.write(f"seal key {seal_path}: {'created' if made else 'kept'}")
        made = create_signing_key(signing_path)
        public = signing_key().public_key()
        self.stdout.write(f"signing key {signing_path}: {'created' if made else 'kept'} (key id {key_id(public)})")
