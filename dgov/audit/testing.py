"""Test helpers for the append-only audit tables. Tests only: never call these from
application code.

The triggers that make the audit tables append-only also reject the flush that ends every
transactional test (``transactional_db``, ``live_server``). The root conftest.py calls
``install_flush_workaround()`` so that flush runs with the triggers suspended.
"""

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import Any

from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper

AUDIT_TABLES = ("audit_auditentry", "audit_auditlink", "audit_auditcheckpoint")


def _triggers(connection: BaseDatabaseWrapper) -> list[tuple[str, str, str]]:
    """(name, table, CREATE statement) of every trigger on the audit tables, read from
    the database itself so the definitions stay those of the migrations."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN (%s, %s, %s)",
                list(AUDIT_TABLES),
            )
        elif connection.vendor == "postgresql":
            cursor.execute(
                "SELECT t.tgname, c.relname, pg_get_triggerdef(t.oid) FROM pg_trigger t"
                " JOIN pg_class c ON c.oid = t.tgrelid"
                " WHERE c.relname = ANY(%s) AND NOT t.tgisinternal AND pg_table_is_visible(c.oid)"
                " ORDER BY t.tgname",
                [list(AUDIT_TABLES)],
            )
        else:
            return []
        return [(name, table, sql) for name, table, sql in cursor.fetchall()]


@contextmanager
def triggers_suspended(connection: BaseDatabaseWrapper) -> Iterator[None]:
    """Drop the append-only triggers for the duration of the block, then create them
    again exactly as they were (tamper tests; the flush between transactional tests)."""
    definitions = _triggers(connection)
    with connection.cursor() as cursor:
        for name, table, _sql in definitions:
            if connection.vendor == "postgresql":
                cursor.execute(f'DROP TRIGGER "{name}" ON "{table}"')
            else:
                cursor.execute(f'DROP TRIGGER "{name}"')
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for _name, _table, sql in definitions:
                cursor.execute(sql)


def install_flush_workaround() -> None:
    """Make ``TransactionTestCase`` (and so pytest-django's ``transactional_db`` and
    ``live_server``) flush the database with the audit triggers suspended. Idempotent."""
    from django.test import TransactionTestCase

    original = TransactionTestCase._fixture_teardown  # type: ignore[attr-defined]
    if getattr(original, "audit_flush_workaround", False):
        return

    def _fixture_teardown(self: Any) -> None:
        with ExitStack() as stack:
            for alias in self._databases_names(include_mirrors=False):
                stack.enter_context(triggers_suspended(connections[alias]))
            original(self)

    _fixture_teardown.audit_flush_workaround = True  # type: ignore[attr-defined]
    TransactionTestCase._fixture_teardown = _fixture_teardown  # type: ignore[attr-defined]


def genuine_entry(seq: int | None = None, verb: str = "test.act", **fields: Any) -> Any:
    """An entry as the application writes it (sealed), under a chosen number if given:
    the seal does not cover the number, which the database hands out."""
    from dgov.audit.trail import entry

    built = entry(verb, **fields)
    if seq is not None:
        built.id = seq
    built.save(force_insert=True)
    return built


def forged_entry(seq: int | None = None, verb: str = "forged", *, seal: str = "", **fields: Any) -> Any:
    """A row as a database writer without the application's key would insert it."""

    from dgov.audit.models import AuditEntry
    from dgov.lib import clock

    values = {"at": clock.now(), "verb": verb, "seal": seal, **fields}
    if seq is not None:
        values["id"] = seq
    return AuditEntry.objects.create(**values)
