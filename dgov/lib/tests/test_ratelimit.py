"""Rate limits count for every worker together and survive a restart: the counters are
rows, and each attempt is one atomic upsert."""

import datetime as dt
import threading

import pytest
from django.core.cache import cache
from django.db import connection, connections

from dgov.accounts.models import RateCounter
from dgov.lib.ratelimit import RateLimit

LIMIT = RateLimit("test.limit", limit=3, window_seconds=600)


@pytest.mark.django_db
def test_a_limit_refuses_the_attempt_after_the_last_allowed_one():
    assert [LIMIT.take("10.0.0.1") for _ in range(4)] == [True, True, True, False]
    assert LIMIT.take("10.0.0.2")  # another address has its own count


@pytest.mark.django_db
def test_the_count_is_kept_in_the_database_not_in_a_workers_memory():
    LIMIT.take("10.0.0.1")
    LIMIT.take("10.0.0.1")
    cache.clear()  # what a restarted worker (or another worker) has: an empty local cache
    assert RateCounter.objects.get(key="test.limit:10.0.0.1").hits == 2
    assert LIMIT.count("10.0.0.1") == 2


@pytest.mark.django_db
def test_a_success_given_back_does_not_count(clock):
    for _ in range(10):
        assert LIMIT.take("10.0.0.1")
        LIMIT.give_back("10.0.0.1")
    assert LIMIT.count("10.0.0.1") == 0


@pytest.mark.django_db
def test_the_window_starts_again_once_it_has_passed(clock):
    clock.set(dt.datetime(2026, 12, 1, 9, 0))
    for _ in range(3):
        LIMIT.take("10.0.0.1")
    assert not LIMIT.take("10.0.0.1")
    clock.set(dt.datetime(2026, 12, 1, 9, 11))
    assert LIMIT.take("10.0.0.1")
    assert LIMIT.count("10.0.0.1") == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="parallel connections need PostgreSQL")
def test_parallel_attempts_never_get_past_the_limit_together():
    limit = RateLimit("test.parallel", limit=20, window_seconds=600)
    results: list[bool] = []
    lock = threading.Lock()
    barrier = threading.Barrier(8)

    def attempts() -> None:
        barrier.wait()
        mine = [limit.take("10.0.0.9") for _ in range(5)]
        with lock:
            results.extend(mine)
        connections.close_all()

    threads = [threading.Thread(target=attempts) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results.count(True) == 20
    assert RateCounter.objects.get(key="test.parallel:10.0.0.9").hits == 40
