"""The data migration of decision 0033 (``applications.0007``) on cases decided before it.

Cases are decided with today's code, the database is migrated back to ``0006`` (the
lateness columns are gone) and forward again: the migration must fill each decided
case's lateness from its deadlines as the decision writes it now, and leave an undecided
case without one. The database is migrated to the latest state again whatever happens.
"""

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest

from dgov.applications import actions
from dgov.applications.models import Application, Channel
from dgov.secretaries.tests.test_migrations import migrate, to_the_latest

pytestmark = [pytest.mark.migrations, pytest.mark.django_db(transaction=True)]

D = dt.date
BEFORE = [("applications", "0006_result_delivery")]
AFTER = [("applications", "0007_lateness_stored_with_the_decision")]


@pytest.fixture
def migrator(transactional_db: Any) -> Iterator[Any]:
    yield migrate
    to_the_latest()


def decided(clock: Any, item: Any, applicant: Any, clerk: Any, reviewer: Any, approver: Any, on: dt.date, key: str):
    """Accepted Mon 2 Mar 2026 (promised 5, legal 20 working days: 9 and 30 Mar), decided ``on``."""
    clock.set(D(2026, 3, 2))
    application, _ = actions.do_submit(
        item=item, applicant=applicant, by=clerk, channel=Channel.WINDOW, idempotency_key=key
    )
    actions.do_accept(application, by=clerk)
    actions.do_review(application, by=reviewer)
    if on is not None:
        clock.set(on)
        actions.do_decide(application, by=approver, approve=True)
    return Application.objects.get(pk=application.pk)


def test_the_migration_fills_the_lateness_of_cases_decided_before_it(
    migrator, clock, item, citizen_applicant, clerk, reviewer, approver
):
    people = (item, citizen_applicant, clerk, reviewer, approver)
    cases = [
        decided(clock, *people, D(2026, 3, 6), "on-time"),
        decided(clock, *people, D(2026, 3, 11), "late-promise"),  # 9 Mar due: 10, 11 Mar
        decided(clock, *people, D(2026, 4, 1), "late-both"),  # 30 Mar due: 31 Mar, 1 Apr
        decided(clock, *people, None, "open"),
    ]
    written = {c.pk: (c.late_legal_days, c.late_promised_days) for c in cases}
    assert list(written.values()) == [(0, 0), (0, 2), (2, 17), (None, None)]

    old = migrator(BEFORE)
    assert "late_promised_days" not in {f.name for f in old.get_model("applications", "Application")._meta.fields}
    migrator(AFTER)
    filled = {
        pk: (legal, promised)
        for pk, legal, promised in Application.objects.values_list("pk", "late_legal_days", "late_promised_days")
    }
    assert filled == written
