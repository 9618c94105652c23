"""Text-message backends. Production plugs in the provider's gateway here
(``SMS_BACKEND = "yourpackage.Backend"``).

Every send carries ``dedup_key``, the notification's stable identifier: a gateway that
receives the same key twice delivers once (every SMS provider we know takes such a
client reference). That is what makes a message go out exactly once although the outbox
may hand it over twice — when a runner dies after sending and before marking it sent, the
next runner sends it again with the same key. The built-in backends honour the key the
same way: their delivery is recording the key (``Delivery``, one row per key), and a key
already recorded is not delivered again.
"""

import logging
import sys

from django.db import IntegrityError, transaction

from dgov.lib.personal import mask_phone

logger = logging.getLogger("dgov.sms")


def deliver_once(key: str, channel: str) -> bool:
    """Record the delivery of ``key``: False when it was delivered before."""
    from dgov.notifications.models import Delivery

    try:
        with transaction.atomic():
            Delivery.objects.create(key=key, channel=channel)
    except IntegrityError:
        return False
    return True


class LogBackend:
    """The default: the message stays in the outbox (the platform's record of what was
    sent) and a line goes to the log, with the phone number masked."""

    def send(self, phone: str, text: str, *, dedup_key: str) -> None:
        if deliver_once(dedup_key, "sms"):
            logger.info("sms %s to %s: %s", dedup_key, mask_phone(phone), text)


class ConsoleBackend:
    """For ``make run``: prints each message (masked number) on the runner's console."""

    def send(self, phone: str, text: str, *, dedup_key: str) -> None:
        if deliver_once(dedup_key, "sms"):
            sys.stdout.write(f"[sms to {mask_phone(phone)}] {text}\n")


class MemoryBackend:
    """For tests: keeps what was delivered."""

    outbox: list[tuple[str, str]] = []

    def send(self, phone: str, text: str, *, dedup_key: str) -> None:
        if deliver_once(dedup_key, "sms"):
            MemoryBackend.outbox.append((phone, text))
