"""A bank's answer is due by a ``workdays.Deadline`` (issue 20, items 4c and 5a): a calendar
import recomputes it, a 2027 date is provisional until the State Council's notice is
imported, every page shows the date through ``workdays/_due.html`` with its derivation,
and the ladder reads the deadline."""

import datetime as dt

import pytest
from django.urls import reverse

from dgov.financing import actions
from dgov.financing.models import Level, Offer, OfferStatus
from dgov.financing.tests.test_financing import make_product, submit
from dgov.notifications.models import Notification
from dgov.workdays.actions import do_import_year
from dgov.workdays.calendar import default_calendar
from dgov.workdays.testing import CALENDAR_2027, agrees, shown_due

pytestmark = pytest.mark.django_db

D = dt.date


def pages(client, offer):
    """The offer's page (the bank's) and the need's page (the staff's), with the marker of
    the answer's due date on each."""
    return [
        ("answer", reverse("financing:offer", args=[offer.pk]), 'data-due="answer"'),
        ("need", reverse("financing:need", args=[offer.need_id]), f'data-due="offer-{offer.pk}"'),
    ]


def shown(client, who, url, marker):
    client.force_login(who)
    response = client.get(url)
    assert response.status_code == 200, url
    return shown_due(response.content.decode(), marker)


def test_a_2027_answer_date_is_provisional_until_the_notice_is_imported_and_then_follows_it(
    client, clock, enterprise_user, profile, bank, bank_officer, enterprise_officer, administrator
):
    clock.set(D(2027, 2, 4))  # Thu 4 Feb 2027, sent; the day itself is not counted
    make_product(bank, answer_days=2)
    submit(profile, enterprise_user)
    offer = Offer.objects.get()
    # Estimated: 5 Feb (除夕) and 8–10 Feb off, so the 2nd working day is Fri 12 Feb.
    assert (offer.deadline.due_date, offer.deadline.provisional) == (D(2027, 2, 12), True)
    # The bank's e-mail writes the date as the pages do: marked provisional.
    sent = Notification.objects.get(recipient=bank_officer)
    assert "2027-02-12 (provisional)" in sent.body, sent.body
    viewers = {"answer": bank_officer, "need": enterprise_officer}
    for which, url, marker in pages(client, offer):
        before = shown(client, viewers[which], url, marker)
        assert (before.date, before.provisional) == ("2027-02-12", True), which
        assert agrees(before), before
        assert before.steps[0].startswith("Routed to this level on 2027-02-04"), before.steps

    clock.set(D(2027, 2, 15))
    do_import_year(CALENDAR_2027, by=administrator)
    offer.refresh_from_db()
    # Official: 5 Feb is a working day (1st), 8–12 Feb off, Mon 15 Feb the 2nd.
    assert (offer.deadline.due_date, offer.deadline.provisional) == (D(2027, 2, 15), False)
    for which, url, marker in pages(client, offer):
        after = shown(client, viewers[which], url, marker)
        assert (after.date, after.provisional) == ("2027-02-15", False), which
        assert agrees(after), after
    # The ladder reads the recomputed date: due today, so the bank still has the day.
    assert actions.escalate_overdue() == 0
    clock.set(D(2027, 2, 16))
    assert actions.escalate_overdue() == 1
    # After the import both dates are official and written bare.
    escalated = Notification.objects.filter(recipient=bank_officer).latest("pk")
    assert "due 2027-02-15. Now at:" in escalated.body and escalated.body.endswith("due 2027-02-22."), escalated.body


def test_an_answer_counted_across_national_day_ends_on_a_working_day_art_203_has_nothing_to_carry(
    client, clock, enterprise_user, profile, bank, bank_officer
):
    """Counted in working days, the last day is always a working day: sent Tue 30 Sep 2025,
    1–8 Oct off, Sat 11 Oct a make-up working day: the 5th working day is Tue 14 Oct."""
    clock.set(D(2025, 9, 30))
    make_product(bank, answer_days=5)
    submit(profile, enterprise_user)
    offer = Offer.objects.get()
    due = offer.deadline.due_date
    assert due == D(2025, 10, 14) and default_calendar.roll_forward(due) == due
    assert not offer.deadline.provisional
    page = shown(client, bank_officer, reverse("financing:offer", args=[offer.pk]), 'data-due="answer"')
    assert agrees(page) and page.date == "2025-10-14"
    assert any("2025-10-11" in step and "make-up working day" in step for step in page.steps), page.steps
    clock.set(D(2025, 10, 14))
    assert actions.escalate_overdue() == 0
    clock.set(D(2025, 10, 15))
    assert actions.escalate_overdue() == 1


def test_escalation_starts_a_new_deadline_from_the_day_it_climbs_and_closes_the_old_one(
    client, clock, enterprise_user, profile, bank, enterprise_officer
):
    clock.set(D(2026, 3, 2))  # Mon 2 Mar 2026, a week with no holiday
    make_product(bank, answer_days=2)
    submit(profile, enterprise_user)
    offer = Offer.objects.get()
    sent = offer.deadline
    assert sent.due_date == D(2026, 3, 4)
    clock.set(D(2026, 3, 5))
    assert actions.escalate_overdue() == 1
    offer.refresh_from_db()
    sent.refresh_from_db()
    assert offer.level == Level.FINANCIAL_OFFICE and offer.deadline_id != sent.pk
    assert sent.closed_at is not None and offer.deadline.closed_at is None
    assert (offer.deadline.start_date, offer.deadline.due_date) == (D(2026, 3, 5), D(2026, 3, 12))  # 5 working days
    assert [s.deadline_id for s in offer.steps.all()] == [sent.pk, offer.deadline_id]
    page = shown(
        client, enterprise_officer, reverse("financing:need", args=[offer.need_id]), f'data-due="offer-{offer.pk}"'
    )
    assert page.date == "2026-03-12" and agrees(page)
    assert page.steps[0].startswith("Routed to this level on 2026-03-05"), page.steps
    # The answer closes the deadline: nothing left for an import to move.
    actions.do_answer(offer, by=bank.officers.get().user, grant=False, reason="额度已满")
    offer.refresh_from_db()
    assert offer.status == OfferStatus.DECLINED and offer.deadline.closed_at is not None
