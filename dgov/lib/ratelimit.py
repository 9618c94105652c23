"""Rate limits shared by every worker and surviving restarts.

A limit counts attempts per key (a client address, a phone number, an account) in a fixed
window. Counters live in the database (``accounts.RateCounter``), so four gunicorn workers
and two web nodes count together, and every count is one atomic upsert: under parallel
requests exactly ``limit`` attempts get through, never more.

Use ``take(key)`` before an attempt (False: over the limit, answer 429) and, where only
failures should count, ``give_back(key)`` after a success: reserving first is what keeps
parallel attempts from slipping past the limit together.
"""

import datetime as dt
from dataclasses import dataclass

from django.db import connection

from dgov.lib import clock


@dataclass(frozen=True)
class RateLimit:
    name: str
    limit: int
    window_seconds: int

    def _key(self, key: str) -> str:
        return f"{self.name}:{key}"[:200]

    def _window_start(self) -> dt.datetime:
        return clock.now() - dt.timedelta(seconds=self.window_seconds)

    def count(self, key: str) -> int:
        from dgov.accounts.models import RateCounter

        row = RateCounter.objects.filter(key=self._key(key), started_at__gt=self._window_start()).first()
        return row.hits if row else 0

    def exceeded(self, key: str) -> bool:
        return self.count(key) >= self.limit

    def hit(self, key: str) -> int:
        """Count one attempt; the count within the window afterwards."""
        from dgov.accounts.models import RateCounter

        table = connection.ops.quote_name(RateCounter._meta.db_table)
        now = clock.now()
        with connection.cursor() as cursor:
            # One statement, atomic on both databases: a new key starts at 1; a key whose
            # window has passed starts again at 1; otherwise one more.
            cursor.execute(
                f"INSERT INTO {table} (key, started_at, hits) VALUES (%s, %s, 1) "  # noqa: S608 — table name from the model
                f"ON CONFLICT (key) DO UPDATE SET "
                f"hits = CASE WHEN {table}.started_at > %s THEN {table}.hits + 1 ELSE 1 END, "
                f"started_at = CASE WHEN {table}.started_at > %s THEN {table}.started_at ELSE excluded.started_at END "
                f"RETURNING hits",
                [self._key(key), now, self._window_start(), self._window_start()],
            )
            return int(cursor.fetchone()[0])

    def take(self, key: str) -> bool:
        """Count an attempt before it is tried: False when it is over the limit."""
        return self.hit(key) <= self.limit

    def give_back(self, key: str) -> None:
        """Uncount one attempt (it succeeded, and only failures are limited)."""
        from django.db.models import F

        from dgov.accounts.models import RateCounter

        RateCounter.objects.filter(key=self._key(key), hits__gt=0).update(hits=F("hits") - 1)

    def reset(self, key: str) -> None:
        from dgov.accounts.models import RateCounter

        RateCounter.objects.filter(key=self._key(key)).delete()
