"""Record the shortened promised due date of green-channel cases whose application has
been accepted since it entered the channel (run daily, or after acceptance batches)."""

from typing import Any

from django.core.management.base import BaseCommand

from dgov.secretaries.actions import refresh_green_dues


class Command(BaseCommand):
    help = "Fill the shortened promised due date of newly accepted green-channel applications."

    def handle(self, *args: Any, **options: Any) -> None:
        filled = refresh_green_dues()
        self.stdout.write(f"{filled} green-channel due dates recorded")
