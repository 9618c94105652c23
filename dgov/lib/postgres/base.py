"""Django's PostgreSQL backend (``ENGINE = "dgov.lib.postgres"``), reading timestamps
with psycopg's C loader.

Django registers a loader of its own for ``timestamptz`` (``psycopg_any.BaseTzLoader``):
psycopg's pure-Python parser, then ``replace(tzinfo=…)``, for every timestamp of every
row, which takes precedence over the C loader of ``psycopg[binary]``. With ``USE_TZ``
Django sets each session's ``TimeZone`` to UTC (``ensure_timezone``), and psycopg's C
loader then returns exactly what Django's does: aware datetimes in ``datetime.timezone.utc``
(``dgov/lib/tests/test_postgres.py`` compares the two). A transition reads some fifteen
timestamps (the token's, the application's and its deadlines'); measured together with
psycopg's statement cache in ``bench/README.md`` (2026-12-04), not on its own.
"""

import datetime as dt
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.db.backends.postgresql import base
from psycopg import adapt
from psycopg.abc import AdaptContext
from psycopg.postgres import adapters
from psycopg.pq import Format

TIMESTAMPTZ_OID = adapters.types["timestamptz"].oid
# psycopg's own loader: the C one of psycopg[binary] (final: it cannot be subclassed).
PSYCOPG_LOADER: Any = adapters.get_loader(TIMESTAMPTZ_OID, Format.TEXT)


class UtcTimestamptzLoader(adapt.Loader):
    """psycopg's loader under the name Django looks for: ``timezone`` is what Django's
    ``create_cursor`` compares with the connection's (UTC: no loader of its own is then
    registered on the cursor), ``load`` is psycopg's, bound to an instance made for the
    same context (so psycopg calls it without a Python frame in between)."""

    timezone = dt.UTC

    def __init__(self, oid: int, context: AdaptContext | None = None) -> None:
        super().__init__(oid, context)
        self.load = PSYCOPG_LOADER(oid, context).load  # type: ignore[method-assign]

    def load(self, data: Any) -> dt.datetime:  # replaced on each instance
        raise NotImplementedError


@lru_cache
def adapters_with_psycopg_timestamps(template: adapt.AdaptersMap) -> adapt.AdaptersMap:
    found = adapt.AdaptersMap(template)
    found.register_loader("timestamptz", UtcTimestamptzLoader)
    return found


class DatabaseWrapper(base.DatabaseWrapper):
    def get_connection_params(self) -> dict[str, Any]:
        params = super().get_connection_params()
        # Only where Django would load UTC itself (USE_TZ, no TIME_ZONE of the database's).
        if settings.USE_TZ and self.timezone == dt.UTC and "context" in params:
            params["context"] = adapters_with_psycopg_timestamps(params["context"])
        return params
