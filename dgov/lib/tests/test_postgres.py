"""The PostgreSQL backend reads timestamps with psycopg's C loader, and they come out as
Django's own loader would give them (``dgov/lib/postgres``)."""

import datetime as dt

import pytest
from django.db import connection

pytestmark = [pytest.mark.django_db]

MOMENTS = [
    "2026-12-04 17:13:54.123456+00",
    "2026-12-05 01:13:54+08",  # another offset: the same moment in UTC
    "2026-03-08 02:30:00-05",
    "0001-01-01 00:00:00+00",
    "9999-12-31 23:59:59.999999+00",
    "1969-12-31 23:59:59.5+00",
]


def _read(register_django_loader: bool) -> list[dt.datetime]:
    from django.db.backends.postgresql.psycopg_any import register_tzloader

    connection.ensure_connection()
    with connection.connection.cursor() as cursor:
        if register_django_loader:
            register_tzloader(dt.UTC, cursor)
        values = ", ".join(["%s::timestamptz"] * len(MOMENTS))
        cursor.execute(f"SELECT {values}", MOMENTS)
        return list(cursor.fetchone())


def test_timestamps_read_as_djangos_own_loader_reads_them() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's backend")
    from django.db.backends.postgresql.psycopg_any import BaseTzLoader

    from dgov.lib.postgres.base import TIMESTAMPTZ_OID, UtcTimestamptzLoader

    assert connection.connection.adapters.get_loader(TIMESTAMPTZ_OID, 0) is UtcTimestamptzLoader
    ours, djangos = _read(False), _read(True)
    assert ours == djangos
    assert [value.tzinfo for value in ours] == [dt.UTC] * len(MOMENTS)
    assert [value.isoformat() for value in ours] == [value.isoformat() for value in djangos]
    assert not issubclass(UtcTimestamptzLoader, BaseTzLoader)


def test_a_saved_moment_reads_back_the_same_through_the_orm() -> None:
    from dgov.api.models import BenchRow

    moment = dt.datetime(2026, 12, 4, 17, 13, 54, 123456, tzinfo=dt.UTC)
    row = BenchRow.objects.create(kind="moment")
    BenchRow.objects.filter(pk=row.pk).update(created_at=moment)
    read = BenchRow.objects.values_list("created_at", flat=True).get(pk=row.pk)
    assert read == moment
    if connection.vendor == "postgresql":
        assert read.tzinfo is dt.UTC
