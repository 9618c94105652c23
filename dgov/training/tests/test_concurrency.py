"""The same person signing in from two devices at the same instant, on PostgreSQL."""

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.db import connection, connections
from django.utils import timezone

from dgov.accounts.models import User
from dgov.audit.models import AuditEntry
from dgov.training import actions
from dgov.training.models import Attendance, Kind

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]


def test_two_sign_ins_at_once_count_once_for_the_expected_and_for_a_walk_in(make_staff, clock):
    organiser = make_staff("administrator", "organiser", department="ZWFW")
    expected = make_staff("window_clerk", "clerk", department="ZWFW")
    walk_in = make_staff("investment_officer", "visitor", department="TCJ")
    start = timezone.make_aware(dt.datetime(2026, 12, 9, 9, 0))
    clock.set(start - dt.timedelta(days=1))
    course = actions.do_plan_course(
        by=organiser,
        kind=Kind.COURSE,
        title="培训",
        place="会议室",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        hours=Decimal(2),
        roles=["window_clerk"],
    )
    clock.set(start)
    for person in (expected, walk_in):
        barrier = threading.Barrier(2)
        outcomes: list[object] = []

        def sign_in(
            pk: int = person.pk, barrier: threading.Barrier = barrier, outcomes: list[object] = outcomes
        ) -> None:
            try:
                barrier.wait()
                outcomes.append(actions.do_sign_in(course, by=User.objects.get(pk=pk)))
            except Exception as error:  # the outcome is what the test looks at
                outcomes.append(error)
            finally:
                connections.close_all()

        threads = [threading.Thread(target=sign_in) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sum(isinstance(o, Attendance) for o in outcomes) == 1, outcomes
        assert Attendance.objects.filter(course=course, person=person, signed_in_at__isnull=False).count() == 1
    assert AuditEntry.objects.filter(verb="training.sign_in").count() == 2
