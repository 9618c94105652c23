"""The data migration ``financing.0002`` on offers written with plain due dates.

Offers are written with today's code (one escalated and pending, one declined, one pending
in 2027), the database is migrated back to ``0001`` (the dates are copied back onto
``due_on``) and forward again: every offer must get a deadline with the date it had, open
only while the offer waits, counted from the day its level started so that a recount gives
the same date, and a 2027 date provisional. The database is migrated to the latest state
again whatever happens.

Dates lie in weeks with no holiday and no make-up day (March 2026, March 2027), so that
they hold whether or not the seeded calendar survived an earlier transactional test.
"""

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest

from dgov.financing import actions
from dgov.financing.models import Level, Offer, OfferStatus
from dgov.financing.tests.test_financing import make_product, submit
from dgov.secretaries.tests.test_migrations import migrate, to_the_latest
from dgov.workdays.models import CalendarYear

pytestmark = [pytest.mark.migrations, pytest.mark.django_db(transaction=True)]

D = dt.date
BEFORE = [("financing", "0001_initial")]
AFTER = [("financing", "0002_offer_due_date_from_a_workdays_deadline")]


@pytest.fixture
def migrator(transactional_db: Any) -> Iterator[Any]:
    yield migrate
    to_the_latest()


def test_the_migration_puts_every_offer_on_a_deadline_with_the_date_it_had(
    migrator, clock, enterprise_user, profile, bank, bank_officer
):
    make_product(bank, answer_days=2)
    clock.set(D(2026, 3, 2))
    escalated = Offer.objects.get(need=submit(profile, enterprise_user))
    declined = Offer.objects.get(need=submit(profile, enterprise_user, amount=Decimal("200")))
    clock.set(D(2026, 3, 3))
    actions.do_answer(declined, by=bank_officer, grant=False, reason="额度已满")
    clock.set(D(2026, 3, 5))
    assert actions.escalate_overdue() == 1
    clock.set(D(2027, 3, 1))
    later = Offer.objects.get(need=submit(profile, enterprise_user, amount=Decimal("100")))
    written = {
        o.pk: (o.deadline.due_date, [s.deadline.due_date for s in o.steps.all() if s.deadline])
        for o in Offer.objects.all()
    }
    assert written == {
        escalated.pk: (D(2026, 3, 12), [D(2026, 3, 4), D(2026, 3, 12)]),
        declined.pk: (D(2026, 3, 4), [D(2026, 3, 4)]),
        later.pk: (D(2027, 3, 3), [D(2027, 3, 3)]),
    }

    old = migrator(BEFORE)
    OldOffer, OldStep = old.get_model("financing", "Offer"), old.get_model("financing", "OfferStep")
    assert "deadline" not in {f.name for f in OldOffer._meta.fields}
    copied = {
        o.pk: (o.due_on, [s.due_on for s in OldStep.objects.filter(offer_id=o.pk).order_by("at", "pk") if s.due_on])
        for o in OldOffer.objects.all()
    }
    assert copied == written

    migrator(AFTER)
    official = set(CalendarYear.objects.filter(official=True).values_list("year", flat=True))
    offers = {o.pk: o for o in Offer.objects.select_related("deadline")}
    filled = {
        pk: (o.deadline.due_date, [s.deadline.due_date for s in o.steps.select_related("deadline") if s.deadline])
        for pk, o in offers.items()
    }
    assert filled == written
    for offer in offers.values():
        deadline = offer.deadline
        assert (deadline.closed_at is None) == (offer.status == OfferStatus.PENDING)
        assert deadline.counted_from == "routed"
        assert deadline.provisional == (deadline.due_date.year not in official)
        assert deadline.compute_due().date == deadline.due_date  # counted from the level's start
    assert offers[later.pk].deadline.provisional  # 2027 has no official calendar
    top = offers[escalated.pk]
    assert top.level == Level.FINANCIAL_OFFICE
    assert (top.deadline.start_date, top.deadline.working_days) == (D(2026, 3, 5), 5)
    sent = top.steps.order_by("at", "pk").first().deadline
    assert (sent.start_date, sent.working_days, sent.closed_at is not None) == (D(2026, 3, 2), 2, True)
