"""The hand-written statements of the hot path write what the ORM would, and only when
they should: on SQLite one statement each, on PostgreSQL in one."""

from typing import Any

import pytest
from django.db import connection

from dgov.api.models import BenchRow
from dgov.audit.models import AuditEntry
from dgov.audit.trail import entry
from dgov.lib import fastsql

pytestmark = pytest.mark.django_db


def test_a_conditional_update_writes_its_rows_when_it_changes_the_row() -> None:
    row = BenchRow.objects.create(kind="first")
    trace = entry("bench.moved", row)

    changed = fastsql.update_where(BenchRow, row.pk, {"counter": 5}, column="kind", allowed=["first"], then=[trace])

    assert changed == 1
    row.refresh_from_db()
    assert row.counter == 5
    assert AuditEntry.objects.get(pk=trace.pk).object_id == str(row.pk)


def test_a_conditional_update_that_changes_nothing_writes_nothing() -> None:
    row = BenchRow.objects.create(kind="first")
    other = BenchRow.objects.create(kind="other")
    trace = entry("bench.not_moved", row)
    also = [("UPDATE api_benchrow SET counter = %s WHERE id = %s", [9, other.pk])]

    changed = fastsql.update_where(
        BenchRow, row.pk, {"counter": 5}, column="kind", allowed=["second"], then=[trace], also=also
    )

    assert changed == 0
    assert trace.pk is None
    assert not AuditEntry.objects.filter(verb="bench.not_moved").exists()
    assert BenchRow.objects.get(pk=other.pk).counter == 0
    assert BenchRow.objects.get(pk=row.pk).counter == 0


def test_also_runs_with_the_update_and_none_means_is_null() -> None:
    from django.utils import timezone

    from dgov.workdays.models import Deadline

    row = BenchRow.objects.create(kind="first")
    other = BenchRow.objects.create(kind="other")

    changed = fastsql.update_where(
        BenchRow,
        row.pk,
        {"kind": "second"},
        column="kind",
        allowed=["first", None],
        also=[("UPDATE api_benchrow SET counter = %s WHERE id = %s", [9, other.pk])],
    )

    assert changed == 1
    assert BenchRow.objects.get(pk=other.pk).counter == 9
    assert fastsql.update_where(Deadline, 0, {"closed_at": timezone.now()}, column="closed_at", allowed=[None]) == 0


def test_rows_inserted_together_point_at_the_first_by_key_or_by_object_id(district: Any) -> None:
    head = BenchRow(kind="head")
    trace = entry("bench.together", head, district=district, object_id=fastsql.HEAD_PK)

    fastsql.insert_together([head, trace])

    assert head.pk is not None
    assert trace.object_id == str(head.pk)
    assert AuditEntry.objects.get(pk=trace.pk).object_id == str(head.pk)


def test_on_postgresql_a_transition_is_one_statement(django_assert_num_queries: Any) -> None:
    row = BenchRow.objects.create(kind="first")
    statements = 1 if connection.vendor == "postgresql" else 3
    with django_assert_num_queries(statements):
        fastsql.update_where(
            BenchRow,
            row.pk,
            {"counter": 1},
            column="kind",
            allowed=["first"],
            then=[entry("bench.a", row), entry("bench.b", row)],
        )
    assert AuditEntry.objects.filter(verb__in=["bench.a", "bench.b"], object_id=str(row.pk)).count() == 2


def test_a_row_read_by_hand_equals_the_orm_s(district: Any) -> None:
    from dgov.accounts.models import District

    found = fastsql.select_one(District, (), "a.id = %s", [district.pk])

    assert found == district
    assert (found.code, found.name, found.city_id) == (district.code, district.name, district.city_id)
    assert not found._state.adding
    assert fastsql.select_one(District, (), "a.id = %s", [0]) is None
