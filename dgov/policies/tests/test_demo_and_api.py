"""The enterprise-service demos (policies, fund, financing, talent) and their API routes."""

from decimal import Decimal

import pytest

from dgov.api.tests.conftest import bearer  # noqa: F401 — the API tests' token fixture
from dgov.financing.models import FinancingNeed, NeedStatus, Offer
from dgov.funds.models import Commitment, Fund
from dgov.policies.models import Grant, Policy, PolicyMatch
from dgov.talent.models import Programme, Talent

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    from dgov.accounts import demo as accounts_demo
    from dgov.financing import demo as financing_demo
    from dgov.funds import demo as funds_demo
    from dgov.investment import demo as investment_demo
    from dgov.policies import demo as policies_demo
    from dgov.talent import demo as talent_demo

    district, _logins = accounts_demo.load()
    investment_demo.load(district)
    for module in (policies_demo, funds_demo, financing_demo, talent_demo):
        module.load(district)
    return district


def test_the_demo_shows_every_part_loads_once_and_the_api_serves_it(client, demo, bearer):  # noqa: F811
    from dgov.financing import demo as financing_demo
    from dgov.funds import demo as funds_demo
    from dgov.policies import demo as policies_demo
    from dgov.talent import demo as talent_demo

    # Every policy and programme is honestly marked: we hold no published document numbers.
    assert Policy.objects.count() == 7 and not Policy.objects.filter(is_example=False).exists()
    assert not Policy.objects.exclude(document_number="").exists()
    expired = Policy.objects.get(title__contains="已到期")
    assert not PolicyMatch.objects.filter(policy=expired, active=True).exists()
    restaurant = PolicyMatch.objects.filter(profile__applicant__user__username="enterprise", active=True)
    assert restaurant.filter(policy__title="中小微企业稳岗返还").exists()
    assert Grant.objects.filter(policy__title="高新技术企业首次认定奖励").count() == 5
    assert FinancingNeed.objects.filter(status=NeedStatus.FINANCED).count() == 1
    assert Offer.objects.filter(need__profile__applicant__user__username="enterprise").count() == 3
    fund = Fund.objects.get()
    assert fund.is_example and fund.paid_out == Decimal("3200") and fund.reserved == Decimal("4800")
    assert Commitment.objects.filter(status="proposed").count() == 1
    assert Talent.objects.count() == 5 and Programme.objects.filter(is_example=True).count() == 3
    counts = [m.objects.count() for m in (Policy, Grant, FinancingNeed, Commitment, Talent)]
    for module in (policies_demo, funds_demo, financing_demo, talent_demo):
        module.load(demo)
    assert [m.objects.count() for m in (Policy, Grant, FinancingNeed, Commitment, Talent)] == counts
    _the_open_data_needs_no_token_and_the_figures_need_a_staff_token(client, bearer)


def _the_open_data_needs_no_token_and_the_figures_need_a_staff_token(client, bearer):  # noqa: F811
    # (One demo load serves both: loading it costs half a minute.)
    from dgov.accounts.models import User

    policies = client.get("/api/v1/policies/policies")
    assert policies.status_code == 200
    assert {p["title"] for p in policies.json()} >= {"高新技术企业首次认定奖励", "中小微企业稳岗返还"}
    assert all(p["invented_example"] for p in policies.json())
    grants = client.get("/api/v1/policies/grants").json()
    assert len(grants) == 5 and {g["policy"] for g in grants} == {"高新技术企业首次认定奖励"}
    assert client.get("/api/v1/financing/figures").status_code == 401
    leader = User.objects.get(username="leader")
    figures = client.get("/api/v1/financing/figures", headers=bearer(leader)).json()
    assert figures["needs"] == 2 and figures["financed"] == 1 and figures["average_rate"] == "3.95"
    positions = client.get("/api/v1/funds/positions", headers=bearer(leader)).json()
    assert positions[0]["available"] == "42000.00"
    talent = client.get("/api/v1/talent/figures", headers=bearer(leader)).json()
    assert talent["total"] == 5
    eso = User.objects.get(username="eso")
    restaurant = User.objects.get(username="enterprise").applicant_profiles.get().credit_code
    matched = client.get(f"/api/v1/policies/matches/{restaurant}", headers=bearer(eso)).json()
    assert "中小微企业稳岗返还" in {m["policy"] for m in matched}
    clerk = User.objects.get(username="clerk")
    assert client.get("/api/v1/funds/positions", headers=bearer(clerk)).status_code == 403
