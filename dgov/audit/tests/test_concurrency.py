"""The chainer on PostgreSQL, where transactions commit out of entry-number order."""

import threading

import psycopg
import pytest
from django.db import connection, connections

from dgov.audit.chain import chain_pending
from dgov.audit.models import AuditLink
from dgov.audit.testing import genuine_entry
from dgov.audit.trail import entry
from dgov.audit.verify import verify

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]

INSERT = (
    "INSERT INTO audit_auditentry (at, actor_name, role, verb, object_type, object_id, object_repr, changes,"
    " request_id, outcome, seal) VALUES (%s, '', '', %s, '', '', '', '{}', '', 'ok', %s) RETURNING id"
)


def sealed(verb: str) -> list[object]:
    """The parameters of ``INSERT`` for a genuine entry: sealed as ``record`` seals it."""
    built = entry(verb)
    return [built.at, verb, built.seal]


@pytest.fixture
def other_session():
    params = connection.get_connection_params()
    session = psycopg.connect(
        **{k: v for k, v in params.items() if k in {"dbname", "user", "password", "host", "port"}}
    )
    yield session
    session.close()


def _entry(verb: str) -> int:
    return genuine_entry(verb=verb).pk


def _chained() -> list[int]:
    return list(AuditLink.objects.order_by("seq").values_list("seq", flat=True))


def test_an_open_transaction_holding_a_lower_number_stops_the_chain_until_it_commits(other_session):
    before = _entry("test.before")
    open_id = other_session.execute(INSERT, sealed("test.open")).fetchone()[0]
    later = _entry("test.later")
    assert before < open_id < later

    assert chain_pending(wait=0.2) == 0
    assert open_id not in _chained() and later not in _chained()

    other_session.commit()
    chain_pending()
    assert _chained() == [before, open_id, later]
    assert verify().intact


def test_a_transaction_that_took_its_id_first_but_its_number_last_is_waited_for(other_session):
    # The case a plain "transaction id below xmin" rule gets wrong: the committed entry's
    # transaction id is older than the open one's, yet the open one holds a lower number.
    with connection.cursor() as cursor:
        cursor.execute("BEGIN")
        cursor.execute("SELECT pg_current_xact_id()")
        open_id = other_session.execute(INSERT, sealed("test.open")).fetchone()[0]
        cursor.execute(INSERT, sealed("test.later"))
        later = cursor.fetchone()[0]
        cursor.execute("COMMIT")
    assert open_id < later

    chain_pending(wait=0.2)
    assert later not in _chained()

    other_session.commit()
    chain_pending()
    assert _chained()[-2:] == [open_id, later]
    assert verify().intact


def test_a_rolled_back_number_is_skipped_once_its_transaction_has_ended(other_session):
    gone = other_session.execute(INSERT, sealed("test.rolled_back")).fetchone()[0]
    later = _entry("test.later")
    chain_pending(wait=0.2)
    assert later not in _chained()

    other_session.rollback()
    chain_pending()
    assert gone not in _chained() and later in _chained()
    assert verify().intact


def test_two_chainers_at_once_do_not_fork_the_chain():
    for number in range(300):
        _entry(f"test.{number}")
    results: list[int] = []

    def chainer() -> None:
        try:
            results.append(chain_pending(batch=7))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=chainer) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(results) == 300
    assert AuditLink.objects.count() == 300
    assert verify().intact
