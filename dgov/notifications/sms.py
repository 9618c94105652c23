"""Text-message backends. Production plugs in the provider's gateway here
(``SMS_BACKEND = "yourpackage.Backend"``); development prints to the console."""

import sys

from dgov.lib.personal import mask_phone


class ConsoleBackend:
    def send(self, phone: str, text: str) -> None:
        sys.stdout.write(f"[sms to {mask_phone(phone)}] {text}\n")


class MemoryBackend:
    """For tests: keeps what was sent."""

    outbox: list[tuple[str, str]] = []

    def send(self, phone: str, text: str) -> None:
        MemoryBackend.outbox.append((phone, text))
