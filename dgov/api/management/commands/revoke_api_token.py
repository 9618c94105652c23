from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dgov.api.actions import do_revoke_api_token
from dgov.api.models import ApiToken


class Command(BaseCommand):
    help = "Revoke the API token with PREFIX (the part of the secret before the dot)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("prefix")

    def handle(self, *args: Any, prefix: str, **options: Any) -> None:
        token = ApiToken.objects.select_related("user").filter(prefix=prefix).first()
        if token is None:
            raise CommandError(f"No API token {prefix!r}.")
        if do_revoke_api_token(token):
            self.stdout.write(f"Revoked {token}.")
        else:
            self.stdout.write(f"{token} was already revoked.")
