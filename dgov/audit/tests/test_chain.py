import hashlib
import json

import pytest
from django.db import connection

from dgov.audit.chain import GENESIS, SELECT_ENTRIES, chain_pending, chain_status
from dgov.audit.models import CANONICAL_COLUMNS, AuditEntry, AuditLink, canonical_bytes, utc_text
from dgov.audit.testing import genuine_entry
from dgov.audit.trail import record

pytestmark = pytest.mark.django_db


def test_the_chainer_links_every_entry_in_order_from_the_genesis(make_entries):
    entries = make_entries(5)
    assert not AuditLink.objects.exists()
    assert chain_pending() == 5
    prev = GENESIS
    for entry, link in zip(entries, AuditLink.objects.order_by("seq"), strict=True):
        stored = AuditEntry.objects.get(pk=entry.pk)
        prev = hashlib.sha256(prev + canonical_bytes(stored.canonical())).digest()
        assert (link.seq, link.chain_hash) == (entry.pk, prev.hex())


def test_a_second_pass_chains_only_what_is_new(make_entries):
    make_entries(3)
    assert chain_pending() == 3
    assert chain_pending() == 0
    make_entries(2)
    assert chain_pending(batch=1) == 2
    assert AuditLink.objects.count() == 5


def test_small_batches_chain_the_same_as_one_big_one(make_entries, tamper):
    make_entries(7)
    chain_pending(batch=2)
    in_pairs = list(AuditLink.objects.order_by("seq").values_list("seq", "chain_hash"))
    tamper("DELETE FROM audit_auditlink")
    chain_pending(batch=5000)
    assert list(AuditLink.objects.order_by("seq").values_list("seq", "chain_hash")) == in_pairs


def test_the_chainer_skips_a_gap_in_the_numbers(make_entries):
    first = make_entries(1)[0]
    # A rolled-back transaction leaves such a gap on PostgreSQL.
    genuine_entry(first.pk + 5, "test.later")
    assert chain_pending() == 2
    assert list(AuditLink.objects.values_list("seq", flat=True).order_by("seq")) == [first.pk, first.pk + 5]


def test_the_canonical_form_is_sorted_compact_json_with_utc_microseconds(make_entries):
    entry = AuditEntry.objects.get(pk=make_entries(1)[0].pk)
    text = canonical_bytes(entry.canonical()).decode()
    data = json.loads(text)
    assert list(data) == sorted(data)
    assert list(data["changes"]) == ["amount", "b", "status"]
    assert data["at"].endswith("Z") and len(data["at"]) == len("2026-01-01T00:00:00.000000Z")
    assert ", " not in text and ": " not in text
    assert "\\u8349\\u7a3f" in text  # 草稿, escaped: the bytes are ASCII


def test_timestamps_are_written_the_same_whatever_the_database_returns():
    import datetime as dt
    from zoneinfo import ZoneInfo

    moment = dt.datetime(2026, 3, 1, 8, 0, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    assert utc_text(moment) == "2026-03-01T00:00:00.000000Z"
    assert utc_text(moment.astimezone(dt.UTC).replace(tzinfo=None)) == "2026-03-01T00:00:00.000000Z"
    assert utc_text("2026-03-01 00:00:00") == "2026-03-01T00:00:00.000000Z"


def test_the_chainer_reads_the_columns_the_canonical_form_names():
    selected = SELECT_ENTRIES.split("SELECT ", 1)[1].split(" FROM", 1)[0]
    assert tuple(column.strip() for column in selected.split(",")) == (*CANONICAL_COLUMNS, "seal")


def test_record_writes_one_insert_and_reads_nothing_of_the_chain(district, django_assert_num_queries):
    with django_assert_num_queries(1) as captured:
        record("test.act", district=district, object_type="test.thing", object_id="1")
    assert captured.captured_queries[0]["sql"].startswith("INSERT")


def test_the_status_tells_how_far_the_chain_reaches(make_entries):
    make_entries(3)
    assert chain_status().pending == 3
    chain_pending()
    make_entries(1)
    status = chain_status()
    assert (status.chained_upto, status.pending, status.last_checkpoint) == (
        AuditLink.objects.order_by("-seq").first().seq,
        1,
        None,
    )


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's key default")
def test_an_entry_number_comes_after_its_transaction_id(make_entries):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_get_expr(adbin, adrelid) FROM pg_attrdef WHERE adrelid = 'audit_auditentry'::regclass"
        )
        assert cursor.fetchone()[0] == "audit_entry_next_id()"
        cursor.execute("SELECT pg_get_serial_sequence('audit_auditentry', 'id')")
        assert cursor.fetchone()[0] == "public.audit_auditentry_id_seq"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="transaction ids are a PostgreSQL cluster's")
def test_a_transaction_open_in_another_database_of_the_cluster_does_not_hold_the_chain_up(make_entries):
    """Only this database's transactions can still commit an entry here: a long one in a
    neighbouring database (another application on the same server) is not waited for."""
    import psycopg

    params = connection.get_connection_params()
    neighbour = psycopg.connect(**{**params, "dbname": "postgres"})
    try:
        neighbour.execute("SELECT pg_current_xact_id()")  # holds a transaction id, open
        make_entries(3)
        assert chain_pending(wait=0.5) == 3
    finally:
        neighbour.rollback()
        neighbour.close()
