"""Flash messages shown once: a message already waiting is not queued again.

A form posted twice (a double click, the back button, a repeated request answered
idempotently) reports the same success twice, and the next page showed "Saved." twice;
a message queued again while the same text at the same level waits is dropped here.
"""

from typing import Any

from django.contrib.messages.storage.fallback import FallbackStorage


class OnceStorage(FallbackStorage):
    def add(self, level: int, message: Any, extra_tags: str | None = "") -> None:
        # Django's own attributes (not in its type stubs): messages read from the request
        # and messages queued during it.
        waiting = [*getattr(self, "_loaded_messages", []), *getattr(self, "_queued_messages", [])]
        if any(m.level == int(level) and str(m.message) == str(message) for m in waiting):
            return
        super().add(level, message, extra_tags)
