"""The partitioning plan of docs/scale.md, run on a copy of the audit table."""

import datetime as dt
from typing import Any

import pytest
from django.db import connection

from dgov.ops import partitioning

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="declarative partitioning is PostgreSQL's")


def test_the_audit_table_copy_is_partitioned_by_month_with_every_row_kept(db: Any) -> None:
    first = dt.date(2027, 1, 1)
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE audit_copy (LIKE audit_auditentry INCLUDING DEFAULTS INCLUDING CONSTRAINTS)")
        cursor.execute("ALTER TABLE audit_copy ADD PRIMARY KEY (id)")
        cursor.execute(
            "INSERT INTO audit_copy (id, at, actor_name, role, verb, object_type, object_id, object_repr, changes,"
            " request_id, outcome, seal) SELECT g, timestamptz '2026-06-01' + g * interval '1 hour', 'clerk', '', 'x.y',"
            " '', '', '', '{}', '', 'ok', '' FROM generate_series(1, 3000) g"
        )
        for statement in partitioning.prepare("audit_copy", "at", first, concurrently=False):
            cursor.execute(statement)
        for statement in partitioning.switch("audit_copy", "at", first, months_ahead=2):
            cursor.execute(statement)
        cursor.execute(
            "INSERT INTO audit_copy (id, at, actor_name, role, verb, object_type, object_id, object_repr, changes,"
            " request_id, outcome, seal) VALUES (3001, '2027-02-10T09:00:00+08:00', 'clerk', '', 'x.y', '', '', '',"
            " '{}', '', 'ok', '')"
        )
        cursor.execute("SELECT tableoid::regclass::text, count(*) FROM audit_copy GROUP BY 1 ORDER BY 1")
        assert cursor.fetchall() == [("audit_copy_202702", 1), ("audit_copy_legacy", 3000)]
        cursor.execute(
            "SELECT inhrelid::regclass::text FROM pg_inherits WHERE inhparent = 'audit_copy'::regclass ORDER BY 1"
        )
        assert [name for (name,) in cursor.fetchall()] == [
            "audit_copy_202701", "audit_copy_202702", "audit_copy_202703", "audit_copy_legacy"]  # fmt: skip
        # A month's query reads that month's partition only.
        cursor.execute("EXPLAIN SELECT count(*) FROM audit_copy WHERE at >= '2027-02-01' AND at < '2027-03-01'")
        plan = "\n".join(line for (line,) in cursor.fetchall())
        assert "audit_copy_202702" in plan and "legacy" not in plan and "202701" not in plan
        # Ids stay unique through the sequence; the primary key now includes the month.
        cursor.execute(
            "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = 'audit_copy'::regclass AND contype = 'p'"
        )
        assert cursor.fetchone()[0] == "PRIMARY KEY (id, at)"
        cursor.execute("SELECT count(*), min(id), max(id) FROM audit_copy")
        assert cursor.fetchone() == (3001, 1, 3001)


def test_months_roll_over_the_year() -> None:
    assert partitioning.next_month(dt.date(2026, 12, 1)) == dt.date(2027, 1, 1)
    assert partitioning.create_month("t", "at", dt.date(2026, 12, 1)) == (
        "CREATE TABLE IF NOT EXISTS t_202612 PARTITION OF t FOR VALUES FROM ('2026-12-01') TO ('2027-01-01')"
    )
