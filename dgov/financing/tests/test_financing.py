import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from dgov.accounts.models import User
from dgov.audit.models import AuditEntry
from dgov.financing import actions, reports
from dgov.financing.models import FinancingNeed, Level, NeedStatus, Offer, OfferStatus, Product
from dgov.lib.conflicts import Conflict
from dgov.notifications.models import Notification
from dgov.policies.facts import ENTERPRISE_FACTS
from dgov.workdays.models import Deadline

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2026, 6, 15)


@pytest.fixture(autouse=True)
def _today(clock):
    clock.set(MONDAY)


def make_product(bank, name="科技贷", conditions="", **fields):
    values = {
        "kind": "credit",
        "rate_min": Decimal("3.45"),
        "rate_max": Decimal("5.5"),
        "term_min": 6,
        "term_max": 36,
        "amount_min": Decimal("50"),
        "amount_max": Decimal("1000"),
        "collateral": ",none,ip,",
        "answer_days": 5,
    }
    values.update(fields)
    return Product.objects.create(
        district=bank.district,
        bank=bank,
        name=name,
        conditions=[c.as_data() for c in ENTERPRISE_FACTS.parse_text(conditions)],
        created_by=bank.created_by,
        **values,
    )


def submit(profile, enterprise_user, **fields):
    values = {"amount": Decimal("300"), "term_months": 12, "purpose": "采购原材料", "collateral": "none"}
    values.update(fields)
    return actions.do_submit_need(profile, by=enterprise_user, **values)


def test_a_need_goes_to_every_product_it_fits_and_the_banks_are_told(
    enterprise_user, profile, bank, other_bank, bank_officer
):
    fits = make_product(bank, "科技贷", "industry in C37; employees >= 50")
    make_product(bank, "大额贷", amount_min=Decimal("500"))
    make_product(bank, "抵押贷", collateral=",real_estate,")
    make_product(other_bank, "税易贷", "tax_paid >= 100")
    need = submit(profile, enterprise_user)
    offer = Offer.objects.get(need=need)
    assert offer.product == fits and offer.level == Level.BANK
    assert offer.deadline.due_date == dt.date(2026, 6, 23)  # 5 working days after Monday, 6-19 (端午) skipped
    assert Notification.objects.filter(recipient=bank_officer, subject__contains="科技贷").exists()
    assert need.status == NeedStatus.OPEN
    assert AuditEntry.objects.filter(verb="financing.need.submit").exists()


def test_a_need_nothing_fits_waits_and_goes_out_when_a_product_appears(enterprise_user, profile, bank):
    need = submit(profile, enterprise_user, collateral="equipment")
    assert need.status == NeedStatus.UNMATCHED and not need.offers.exists()
    assert actions.resend_unmatched() == 0
    make_product(bank, "设备按揭贷", collateral=",equipment,")
    assert actions.resend_unmatched() == 1
    need.refresh_from_db()
    assert need.status == NeedStatus.OPEN and need.offers.count() == 1


def test_a_repeated_submission_makes_one_need(enterprise_user, profile, bank):
    make_product(bank)
    first = submit(profile, enterprise_user, idempotency_key="k-1")
    again = submit(profile, enterprise_user, idempotency_key="k-1")
    assert first.pk == again.pk and FinancingNeed.objects.count() == 1


def test_the_bank_grants_the_loan_and_the_need_is_financed(enterprise_user, profile, bank, other_bank, bank_officer):
    make_product(bank)
    make_product(other_bank, "微企贷")
    need = submit(profile, enterprise_user)
    mine, theirs = Offer.objects.get(bank=bank), Offer.objects.get(bank=other_bank)
    stale = Offer.objects.get(pk=mine.pk)
    actions.do_answer(mine, by=bank_officer, grant=True, amount=Decimal("280"), rate=Decimal("3.85"), term_months=12)
    need.refresh_from_db()
    theirs.refresh_from_db()
    assert (need.status, need.granted_amount, need.granted_rate) == (
        NeedStatus.FINANCED,
        Decimal("280"),
        Decimal("3.85"),
    )
    assert theirs.status == OfferStatus.WITHDRAWN
    assert Notification.objects.filter(recipient=enterprise_user, body__contains="3.85%").exists()
    # Answered meanwhile (a stale page), or answered again: both are conflicts.
    with pytest.raises(Conflict, match="answered or withdrawn meanwhile"):
        actions.do_answer(stale, by=bank_officer, grant=False, reason="重复")
    with pytest.raises(Conflict, match="has been answered"):
        actions.do_answer(mine, by=bank_officer, grant=False, reason="重复")


def test_an_answer_outside_the_products_terms_is_refused_with_nothing_written(
    enterprise_user, profile, bank, bank_officer
):
    make_product(bank)
    submit(profile, enterprise_user)
    offer = Offer.objects.get()
    with pytest.raises(ValidationError) as error:
        actions.do_answer(offer, by=bank_officer, grant=True, amount=Decimal("500"), rate=Decimal("8"), term_months=48)
    assert len(error.value.messages) == 3
    assert "at most what was asked (300 × 10,000 yuan)" in error.value.messages[0]
    assert "3.45%–5.5%" in error.value.messages[1]
    offer.refresh_from_db()
    assert offer.status == OfferStatus.PENDING
    with pytest.raises(ValidationError, match="states the reason"):
        actions.do_answer(offer, by=bank_officer, grant=False, reason=" ")


def test_every_bank_declining_closes_the_need(enterprise_user, profile, bank, bank_officer):
    make_product(bank)
    need = submit(profile, enterprise_user)
    actions.do_answer(Offer.objects.get(), by=bank_officer, grant=False, reason="近两年连续亏损")
    need.refresh_from_db()
    assert need.status == NeedStatus.DECLINED


def test_a_bank_cannot_answer_another_banks_need(enterprise_user, profile, bank, other_bank):
    make_product(bank)
    submit(profile, enterprise_user)
    ccb = User.objects.get(username="ccb")
    with pytest.raises(PermissionDenied, match="Only the bank the need was sent to"):
        actions.do_answer(Offer.objects.get(), by=ccb, grant=False, reason="x")


def test_needs_not_answered_in_time_climb_the_ladder(enterprise_user, profile, bank, make_staff, clock, leader):
    office = make_staff("enterprise_service", "finance_office", department="ZWFW")
    make_product(bank, answer_days=2)
    submit(profile, enterprise_user)
    offer = Offer.objects.get()
    assert offer.deadline.due_date == dt.date(2026, 6, 17)
    clock.set(dt.date(2026, 6, 17))
    assert actions.escalate_overdue() == 0  # due today: the bank still has the day
    with pytest.raises(PermissionDenied, match="The bank has until 2026-06-17"):
        actions.do_follow_up(offer, by=office, note="电话督促")
    clock.set(dt.date(2026, 6, 18))
    assert actions.escalate_overdue() == 1
    assert actions.escalate_overdue() == 0  # a second runner moves nothing
    offer.refresh_from_db()
    assert offer.level == Level.FINANCIAL_OFFICE and offer.deadline.due_date == dt.date(2026, 6, 26)
    assert Notification.objects.filter(recipient=office, subject__startswith="Financing need not answered").exists()
    actions.do_follow_up(offer, by=office, note="已约谈支行行长")
    with pytest.raises(PermissionDenied, match="A district leader follows up"):
        offer.level = Level.DISTRICT_LEADER
        actions.do_follow_up(offer, by=office, note="x")
    clock.set(dt.date(2026, 6, 29))
    assert actions.escalate_overdue() == 1
    offer.refresh_from_db()
    assert offer.level == Level.DISTRICT_LEADER
    assert Notification.objects.filter(recipient=leader).exists()
    clock.set(dt.date(2026, 7, 30))
    assert actions.escalate_overdue() == 0  # the top level stays
    assert [s.verb for s in offer.steps.all()] == ["sent", "escalated", "follow_up", "escalated"]
    figures = reports.figures(profile.district_id, dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert figures.escalated_now == 1


def test_a_due_date_on_a_rest_day_runs_to_the_next_working_day(enterprise_user, profile, bank, clock):
    make_product(bank)
    submit(profile, enterprise_user)
    Deadline.objects.filter(pk=Offer.objects.get().deadline_id).update(due_date=dt.date(2026, 6, 20))  # a Saturday
    clock.set(dt.date(2026, 6, 22))  # Monday: still the due day (Civil Code Art. 203)
    assert actions.escalate_overdue() == 0
    clock.set(dt.date(2026, 6, 23))
    assert actions.escalate_overdue() == 1


def test_the_figures_count_needs_matches_grants_rates_and_days(enterprise_user, profile, bank, bank_officer, clock):
    make_product(bank)
    submit(profile, enterprise_user, amount=Decimal("100"))
    submit(profile, enterprise_user, amount=Decimal("300"))
    submit(profile, enterprise_user, collateral="equipment")
    first, second = Offer.objects.order_by("pk")
    clock.set(dt.date(2026, 6, 17))
    actions.do_answer(first, by=bank_officer, grant=True, amount=Decimal("100"), rate=Decimal("4"), term_months=12)
    clock.set(dt.date(2026, 6, 25))
    actions.do_answer(second, by=bank_officer, grant=True, amount=Decimal("300"), rate=Decimal("5"), term_months=12)
    f = reports.figures(profile.district_id, dt.date(2026, 6, 1), dt.date(2026, 6, 30))
    assert (f.needs, f.matched, f.financed, f.amount_granted) == (3, 2, 2, Decimal("400"))
    assert f.average_rate == Decimal("4.75")  # (100 × 4 + 300 × 5) / 400
    assert f.mean_days_to_answer == Decimal("6.0") and f.answered_on_time == 1


# Pages ----------------------------------------------------------------------------------


def test_an_enterprise_states_a_need_on_its_page(client, enterprise_user, profile, bank):
    make_product(bank)
    client.force_login(enterprise_user)
    assert client.get(reverse("financing:mine")).status_code == 200
    response = client.post(
        reverse("financing:need_new", args=[profile.pk]),
        {"amount": "200", "term_months": "12", "purpose": "扩大产能", "collateral": "none"},
    )
    assert response.status_code == 302
    assert FinancingNeed.objects.get().offers.count() == 1
    bad = client.post(
        reverse("financing:need_new", args=[profile.pk]),
        {"amount": "-5", "term_months": "0", "purpose": "", "collateral": "gold"},
    )
    assert bad.status_code == 400 and FinancingNeed.objects.count() == 1


def test_a_bank_answers_on_its_desk_and_sees_only_its_own_needs(
    client, enterprise_user, profile, bank, other_bank, bank_officer
):
    make_product(bank)
    make_product(other_bank, "微企贷")
    submit(profile, enterprise_user)
    mine, theirs = Offer.objects.get(bank=bank), Offer.objects.get(bank=other_bank)
    client.force_login(bank_officer)
    desk = client.get(reverse("financing:desk")).content.decode()
    assert profile.name in desk
    assert client.get(reverse("financing:offer", args=[theirs.pk])).status_code == 404
    refused = client.post(
        reverse("financing:offer", args=[mine.pk]),
        {"decision": "grant", "amount": "300", "rate": "9", "term_months": "12"},
    )
    assert refused.status_code == 400 and "3.45%–5.5%" in refused.content.decode()
    done = client.post(
        reverse("financing:offer", args=[mine.pk]),
        {"decision": "grant", "amount": "300", "rate": "4.2", "term_months": "12"},
    )
    assert done.status_code == 302
    again = client.post(reverse("financing:offer", args=[mine.pk]), {"decision": "decline", "reason": "x"})
    assert again.status_code == 409 and "has been answered" in again.content.decode()


def test_staff_cannot_use_the_bank_desk_and_enterprises_cannot_see_the_staff_lists(
    client, enterprise_user, enterprise_officer
):
    client.force_login(enterprise_officer)
    assert client.get(reverse("financing:desk")).status_code == 403
    assert client.get(reverse("financing:needs")).status_code == 200
    client.force_login(enterprise_user)
    assert client.get(reverse("financing:needs")).status_code == 403
    assert client.get(reverse("financing:desk")).status_code == 403


def test_a_product_with_a_range_upside_down_is_refused(client, enterprise_officer, bank):
    client.force_login(enterprise_officer)
    response = client.post(
        reverse("financing:product_new", args=[bank.pk]),
        {
            "name": "倒挂贷",
            "kind": "credit",
            "rate_min": "6",
            "rate_max": "4",
            "term_min": "12",
            "term_max": "6",
            "amount_min": "10",
            "amount_max": "100",
            "collateral": ["none"],
            "conditions": "turnover >= 10",
            "answer_days": "5",
        },
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "there is no fact field “turnover”" in page
    assert not Product.objects.exists()


def test_the_page_shows_why_the_office_cannot_follow_up_yet(client, enterprise_user, profile, bank, enterprise_officer):
    from dgov.lib.testing import offers_on_page

    make_product(bank, answer_days=2)
    need = submit(profile, enterprise_user)
    client.force_login(enterprise_officer)
    page = client.get(reverse("financing:need", args=[need.pk])).content.decode()
    reason = offers_on_page(page)["follow_up"]
    assert reason == "The bank has until 2026-06-17 to answer; the need comes to the financial office after that."
    with pytest.raises(PermissionDenied, match="The bank has until 2026-06-17"):
        actions.do_follow_up(Offer.objects.get(), by=enterprise_officer, note="催办")


def test_on_the_offer_and_need_pages_every_person_sees_exactly_what_they_may_do(
    client, enterprise_user, profile, bank, other_bank, bank_officer, every_role, clock
):
    from dgov.lib.testing import walk_pages

    make_product(bank, answer_days=2)
    submit(profile, enterprise_user)
    offer = Offer.objects.get(bank=bank)
    ccb = User.objects.get(username="ccb")
    answer = {"answer": (reverse("financing:offer", args=[offer.pk]), {"decision": "decline", "reason": "额度已满"})}
    follow = {"follow_up": (reverse("financing:follow_up", args=[offer.pk]), {"note": "电话催办"})}
    people = [bank_officer, ccb, enterprise_user, *every_role.values()]
    seen: list[tuple[str, str, str]] = []
    problems = []
    for when in (MONDAY, dt.date(2026, 6, 30)):  # at the bank; past its due date, climbed
        clock.set(when)
        actions.escalate_overdue()
        for person in people:
            problems += walk_pages(client, person, reverse("financing:offer", args=[offer.pk]), answer, seen=seen)
            problems += walk_pages(client, person, reverse("financing:need", args=[offer.need_id]), follow, seen=seen)
    assert problems == []
    assert ("bank", "answer", "enabled") in seen
    assert ("every_enterprise_service", "follow_up", "disabled") in seen
    assert {s for s in seen if s[1] == "follow_up" and s[2] == "enabled"}
