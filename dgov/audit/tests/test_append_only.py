import pytest
from django.db import DatabaseError, connection, transaction

from dgov.audit.chain import chain_pending, write_checkpoint
from dgov.audit.models import AuditCheckpoint, AuditEntry, AuditLink
from dgov.audit.testing import triggers_suspended

pytestmark = pytest.mark.django_db


def _rejected(action) -> str:
    with pytest.raises(DatabaseError) as raised, transaction.atomic():
        action()
    return str(raised.value)


def test_an_entry_cannot_be_updated(make_entries):
    entry = make_entries(1)[0]
    message = _rejected(lambda: AuditEntry.objects.filter(pk=entry.pk).update(verb="edited"))
    assert "audit trail is append-only" in message
    assert AuditEntry.objects.get(pk=entry.pk).verb == "test.act"


def test_an_entry_cannot_be_deleted(make_entries):
    entry = make_entries(1)[0]
    assert "audit trail is append-only" in _rejected(lambda: AuditEntry.objects.filter(pk=entry.pk).delete())
    assert "audit trail is append-only" in _rejected(entry.delete)
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_saving_a_loaded_entry_again_is_rejected(make_entries):
    entry = AuditEntry.objects.get(pk=make_entries(1)[0].pk)
    entry.verb = "edited"
    assert "append-only" in _rejected(entry.save)


def test_links_and_checkpoints_cannot_be_updated_or_deleted(make_entries):
    make_entries(2)
    write_checkpoint()
    assert "append-only" in _rejected(lambda: AuditLink.objects.update(chain_hash="0" * 64))
    assert "append-only" in _rejected(lambda: AuditLink.objects.all().delete())
    assert "append-only" in _rejected(lambda: AuditCheckpoint.objects.update(seq=1))
    assert "append-only" in _rejected(lambda: AuditCheckpoint.objects.all().delete())


@pytest.mark.skipif(connection.vendor != "postgresql", reason="TRUNCATE is PostgreSQL's")
def test_the_audit_tables_cannot_be_truncated(db):
    # Empty tables: rows inserted in this transaction would hold deferred FK checks.
    for table in ("audit_auditentry", "audit_auditlink", "audit_auditcheckpoint"):

        def truncate(table=table):
            with connection.cursor() as cursor:
                cursor.execute(f"TRUNCATE {table} CASCADE")

        assert "append-only" in _rejected(truncate)


def test_suspending_the_triggers_lets_a_test_tamper_and_then_restores_them(make_entries):
    entry = make_entries(1)[0]
    with triggers_suspended(connection):
        AuditEntry.objects.filter(pk=entry.pk).update(verb="edited")
    assert AuditEntry.objects.get(pk=entry.pk).verb == "edited"
    assert "append-only" in _rejected(lambda: AuditEntry.objects.filter(pk=entry.pk).update(verb="again"))


@pytest.mark.django_db(transaction=True)
def test_a_transactional_test_with_audit_entries_is_flushed_afterwards(make_entries):
    # The teardown flush of this test is the real assertion (install_flush_workaround).
    make_entries(3)
    chain_pending()
    write_checkpoint()
    assert AuditLink.objects.count() == 3
