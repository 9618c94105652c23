"""Two submissions of one rating at the same instant, on PostgreSQL."""

import threading

import pytest
from django.db import connection, connections

from dgov.lib.conflicts import Conflict
from dgov.ratings import actions
from dgov.ratings.models import Level, Rating, Rectification, Source

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]


def test_a_double_submit_at_the_same_instant_leaves_one_rating_and_one_rectification(citizen, completed):
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def submit(level: int) -> None:
        try:
            barrier.wait()
            actions.do_rate(completed, level=level, source=Source.PAGE, by=citizen)
            outcomes.append("rated")
        except Conflict:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=submit, args=(level,)) for level in (Level.DISSATISFIED, Level.VERY_DISSATISFIED)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["rated", "refused"]
    assert Rating.objects.count() == 1
    assert Rectification.objects.count() == 1
