from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dgov.accounts.models import User
from dgov.api.actions import do_create_api_token


class Command(BaseCommand):
    help = "Create an API token for USERNAME and print its secret (shown this once only)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("name", help="What the token is for, e.g. the staff system using it.")

    def handle(self, *args: Any, username: str, name: str, **options: Any) -> None:
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user {username!r}.")
        token, secret = do_create_api_token(user, name)
        self.stderr.write(f"Token {token.prefix} for {user.username} ({name}); the secret is shown only now:")
        self.stdout.write(secret)
