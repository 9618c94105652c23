from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from dgov.audit.chain import write_checkpoint


class Command(BaseCommand):
    help = "Chain pending audit entries, then sign the head of the chain into the checkpoint file."

    def handle(self, *args: Any, **options: Any) -> None:
        checkpoint = write_checkpoint()
        if checkpoint is None:
            self.stdout.write(_("The audit chain is empty: no checkpoint written."))
        else:
            self.stdout.write(f"checkpoint seq={checkpoint.seq} chain_hash={checkpoint.chain_hash}")
