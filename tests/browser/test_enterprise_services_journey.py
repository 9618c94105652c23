"""Enterprise services in the browser: an enterprise sees a policy it qualifies for and
receives it without applying (the department confirms the list); a bank answers an
enterprise's financing need on its desk.

Elements are found by ids, names and ``data-*`` attributes, not by translated text."""

import datetime as dt
from decimal import Decimal

import pytest

from dgov.accounts.models import Applicant, Department
from dgov.financing.models import FinancingNeed, NeedStatus, Product
from dgov.policies import matching
from dgov.policies.actions import profile_for
from dgov.policies.facts import ENTERPRISE_FACTS
from dgov.policies.models import Grant, Policy, PolicyStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def submit(page, name: str) -> None:
    with page.expect_navigation():
        page.click(f"form[data-action={name}] button[type=submit]")


@pytest.fixture
def qualified(enterprise_user, clock):
    clock.set(dt.date(2026, 6, 15))
    profile = profile_for(Applicant.objects.get(user=enterprise_user))
    profile.industry_code, profile.size_class, profile.employees = "C3720", "small", 80
    profile.founded_on, profile.tax_paid = dt.date(2015, 5, 1), Decimal("40")
    profile.save()
    return profile


def test_an_enterprise_sees_a_matched_policy_and_receives_it_without_applying(
    as_user, district, qualified, enterprise_officer
):
    policy = Policy.objects.create(
        district=district,
        title="中小微企业稳岗返还",
        issuer="长春市宽城区人民政府",
        is_example=True,
        department=Department.objects.get(district=district, code="SCJG"),
        valid_from=dt.date(2026, 1, 1),
        valid_to=dt.date(2026, 12, 31),
        conditions=[c.as_data() for c in ENTERPRISE_FACTS.parse_text("size in small, micro; employees >= 10")],
        mode="automatic",
        benefit_kind="fixed",
        benefit_amount=Decimal("3"),
        status=PolicyStatus.PUBLISHED,
        created_by=enterprise_officer,
    )
    matching.run(full=True)  # the job runner's pass

    # The enterprise sees the policy it qualifies for, why, and that it need not apply.
    page = as_user("enterprise")
    page.goto("/policies/mine/")
    card = page.locator(f"[data-match='{policy.title}']")
    assert card.locator("[data-outcome=met]").count() == 2
    assert card.locator("[data-state=automatic]").count() == 1
    assert card.locator("[data-apply], [data-receive]").count() == 0

    # The department confirms the list; the benefit is granted.
    staff = as_user("eso")
    staff.goto(f"/policies/library/{policy.pk}/")
    assert staff.locator(f"[data-enterprise='{qualified.name}']").count() == 1
    submit(staff, "confirm")
    assert staff.locator(f"[data-grant='{qualified.name}']").count() == 1

    # The enterprise finds it received, and everybody sees it published.
    page.reload()
    assert page.locator(f"[data-match='{policy.title}'] [data-state=received]").count() == 1
    assert page.locator(f"[data-received] [data-grant='{policy.title}']").count() == 1
    page.goto("/policies/grants/")
    assert page.locator(f"[data-published] [data-grant='{qualified.name}']").count() == 1
    assert Grant.objects.get().via == "automatic"


def test_a_bank_answers_a_financing_need(as_user, qualified, bank_officer):
    from dgov.financing.models import Bank

    bank = Bank.objects.get()
    Product.objects.create(
        district=bank.district,
        bank=bank,
        name="科技型企业信用贷",
        kind="credit",
        rate_min=Decimal("3.6"),
        rate_max=Decimal("5.2"),
        term_min=6,
        term_max=36,
        amount_min=Decimal("20"),
        amount_max=Decimal("1000"),
        collateral=",none,",
        created_by=bank.created_by,
    )

    # The enterprise states its need; it goes to the bank's product.
    page = as_user("enterprise")
    page.goto("/financing/mine/")
    page.fill("input[name=amount]", "200")
    page.fill("input[name=term_months]", "12")
    page.fill("input[name=purpose]", "采购转向架配件原材料")
    page.select_option("select[name=collateral]", "none")
    submit(page, "need")
    need = FinancingNeed.objects.get()
    assert page.locator(f"[data-need='{need.pk}'][data-status=open]").count() == 1

    # The bank sees it on its desk with the answer's due date, and grants the loan.
    desk = as_user("bank")
    desk.goto("/financing/bank/")
    desk.click(f"[data-pending] [data-offer='{qualified.name}'] a")
    desk.check("input[name=decision][value=grant]")
    desk.fill("input[name=amount]", "180")
    desk.fill("input[name=rate]", "3.95")
    desk.fill("input[name=term_months]", "12")
    submit(desk, "answer")
    assert desk.locator(f"[data-pending] [data-offer='{qualified.name}']").count() == 0

    # The enterprise sees the outcome.
    page.reload()
    assert page.locator(f"[data-need='{need.pk}'][data-status=financed]").count() == 1
    need.refresh_from_db()
    assert (need.status, need.granted_amount, need.granted_rate) == (
        NeedStatus.FINANCED,
        Decimal("180"),
        Decimal("3.95"),
    )
