"""Read scale on PostgreSQL streaming replication.

A view marked ``@reads_from_replica`` (the cockpit, open data, exports, public search:
pages that read much, write nothing and may be a second behind) sends its reads to the
``replica`` database when one is configured (``DB_REPLICA_HOST``). Everything else goes
to the primary, and so do, within a marked view:

1. every write (``db_for_write``), and every read after the request's first write, so a
   request reads what it wrote;
2. every read inside a transaction on the primary;
3. every read while the replica is unreachable or more than ``DB_REPLICA_MAX_LAG_SECONDS``
   behind, measured at most every ``REPLICA_PROBE_SECONDS`` per process;
4. every read of who is asking (sessions, users, groups and permissions, API tokens,
   lock-outs): a person who just logged in must not be logged out by a lagging replica.

Writes made with a raw cursor (``dgov.lib.fastsql``, the audit trail) go to the primary's
connection directly and never pass the router; they are not reads to redirect either.
"""

import threading
import time
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, TypeVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

REPLICA = "replica"
REPLICA_PROBE_SECONDS = 5.0
# Who is asking is always read from the primary (rule 4).
PRIMARY_APPS = frozenset({"sessions", "auth", "contenttypes", "axes", "api"})
PRIMARY_MODELS = frozenset({"accounts.user"})

ViewT = TypeVar("ViewT", bound=Callable[..., Any])


def reads_from_replica(view: ViewT) -> ViewT:
    """Mark a view whose reads may be served by the replica (put it above the others)."""
    view.reads_from_replica = True  # type: ignore[attr-defined]
    return view


@dataclass
class RequestRouting:
    prefer_replica: bool = False
    wrote: bool = False


routing: ContextVar[RequestRouting | None] = ContextVar("dgov_request_routing", default=None)


def replica_configured() -> bool:
    return REPLICA in connections.settings


class _Probe:
    """Whether the replica is usable, re-measured at most every ``REPLICA_PROBE_SECONDS``."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.checked = -1e9
        self.usable = False

    def __call__(self) -> bool:
        now = time.monotonic()
        if now - self.checked < REPLICA_PROBE_SECONDS:
            return self.usable
        with self.lock:
            if now - self.checked >= REPLICA_PROBE_SECONDS:
                lag = replica_lag()
                self.usable = lag is not None and lag <= settings.DB_REPLICA_MAX_LAG
                self.checked = now
        return self.usable

    def reset(self) -> None:
        self.checked = -1e9


probe = _Probe()


def replica_lag() -> float | None:
    """Seconds the replica is behind (0 when it has replayed all it received), or ``None``
    when it cannot be reached or is not a replica."""
    try:
        with connections[REPLICA].cursor() as cursor:
            cursor.execute(
                "SELECT pg_is_in_recovery(), CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0"
                " ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0) END"
            )
            in_recovery, lag = cursor.fetchone()
    except Exception:  # noqa: BLE001 — unreachable means "use the primary"
        connections[REPLICA].close()
        return None
    return float(lag) if in_recovery else None


class ReplicaRouter:
    def db_for_read(self, model: Any, **hints: Any) -> str | None:
        state = routing.get()
        if state is None or not state.prefer_replica or state.wrote or not replica_configured():
            return None
        if model._meta.app_label in PRIMARY_APPS or model._meta.label_lower in PRIMARY_MODELS:
            return None
        if connections[DEFAULT_DB_ALIAS].in_atomic_block or not probe():
            return None
        return REPLICA

    def db_for_write(self, model: Any, **hints: Any) -> str | None:
        state = routing.get()
        if state is not None:
            state.wrote = True
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        return True  # the replica holds the same rows as the primary

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        return db == DEFAULT_DB_ALIAS
