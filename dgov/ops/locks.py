"""Locks held by one process at a time across every node, released by the system when the
holder dies (a kill -9 included), so nothing waits for a lease to run out.

PostgreSQL: a session-level advisory lock (``pg_try_advisory_lock``) on the connection of
the process; the server drops it with the connection. SQLite (one machine by nature): an
``flock`` on a file in ``settings.LOCK_DIR``; the kernel drops it with the process.
"""

import contextlib
import fcntl
import hashlib
import os
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections


def lock_key(name: str) -> int:
    """A stable signed 64-bit key for ``name`` (advisory locks take a bigint)."""
    return int.from_bytes(hashlib.sha256(f"dgov:{name}".encode()).digest()[:8], "big", signed=True)


class Held:
    """A lock this process holds; ``release()`` once."""

    def __init__(self, name: str, using: str, fd: int | None) -> None:
        self.name, self.using, self.fd = name, using, fd

    def release(self) -> None:
        if self.fd is not None:
            os.close(self.fd)  # closing the descriptor drops the flock
            self.fd = None
            return
        # A broken connection has dropped the lock already.
        with contextlib.suppress(Exception), connections[self.using].cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [lock_key(self.name)])


def try_lock(name: str, using: str = DEFAULT_DB_ALIAS) -> Held | None:
    """The lock named ``name`` if no other process holds it, else ``None`` (never waits)."""
    connection = connections[using]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [lock_key(name)])
            return Held(name, using, None) if cursor.fetchone()[0] else None
    directory = Path(settings.LOCK_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    fd = os.open(directory / f"{lock_key(name) & 0xFFFFFFFFFFFFFFFF:016x}.lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return None
    return Held(name, using, fd)


@contextlib.contextmanager
def exclusive(name: str, using: str = DEFAULT_DB_ALIAS) -> Iterator[bool]:
    """``with exclusive("audit.checkpoint") as mine: if mine: ...`` — ``mine`` is False
    when another process holds the lock; the block then does nothing of its own."""
    held = try_lock(name, using)
    try:
        yield held is not None
    finally:
        if held is not None:
            held.release()
