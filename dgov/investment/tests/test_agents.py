"""Hired agents: registered before the claim, a claim after signing earns nothing, the
tiered sum with its cap, payment in instalments by progress."""

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from dgov.investment import actions
from dgov.investment.models import AgentClaim, Project, Stage, entitlement
from dgov.investment.tests.conftest import login, pass_gates
from dgov.lib import clock
from dgov.lib.conflicts import Conflict


def _to(project: Project, stage: Stage, officer: Any, leader: Any) -> None:
    while project.stage != stage:
        if project.next_stage == Stage.SIGNED:
            pass_gates(project, leader)
        actions.do_advance(project, by=officer)


@pytest.fixture
def agent(district: Any, officer: Any, agent_user: Any) -> Any:
    return actions.do_register_agent(district, name="周杰", phone="13800138000", user=agent_user, by=officer)


def _claim(agent: Any, project: Project, officer: Any) -> AgentClaim:
    actions.do_claim(agent, project, by=officer)
    return AgentClaim.objects.select_related("agent", "project", "rule").get(project=project)


def test_a_claim_registered_after_signing_earns_nothing(at_intent, agent, rule, officer, leader):
    _to(at_intent, Stage.OPERATION, officer, leader)
    actions.do_verify_paid_in(at_intent, amount=Decimal(5000), by=leader)
    claim = _claim(agent, at_intent, officer)
    result = entitlement(claim)
    assert result.earned == 0 and result.owed == 0
    assert "after the project was signed" in " ".join(result.reasons)


def test_a_claim_before_signing_earns_the_tiered_sum_in_instalments(at_intent, agent, rule, officer, leader):
    claim = _claim(agent, at_intent, officer)
    _to(at_intent, Stage.CONSTRUCTION, officer, leader)
    actions.do_verify_paid_in(at_intent, amount=Decimal(12000), by=leader)
    claim.project.refresh_from_db()
    result = entitlement(claim)
    # 1,000 × 3‰ + 9,000 × 4‰ + 2,000 × 5‰ = 3 + 36 + 10
    assert result.earned == Decimal(49)
    assert result.due == Decimal("24.5")  # half falls due at 开工
    _to(at_intent, Stage.OPERATION, officer, leader)
    claim.project.refresh_from_db()
    assert entitlement(claim).due == Decimal(49)


def test_the_sum_is_capped_per_project(at_intent, agent, rule, officer, leader):
    claim = _claim(agent, at_intent, officer)
    _to(at_intent, Stage.OPERATION, officer, leader)
    actions.do_verify_paid_in(at_intent, amount=Decimal(100000), by=leader)  # 3 + 36 + 450 = 489
    claim.project.refresh_from_db()
    result = entitlement(claim)
    assert result.earned == Decimal(100)
    assert any("capped" in reason for reason in result.reasons)


def test_an_agent_registered_after_the_claim_earns_nothing(at_intent, agent, rule, officer):
    claim = _claim(agent, at_intent, officer)
    agent.registered_at = claim.claimed_at + dt.timedelta(days=1)
    agent.save()
    claim.refresh_from_db()
    assert entitlement(claim).earned == 0


def test_a_project_below_the_floor_earns_nothing(make_project, agent, rule, officer):
    claim = _claim(agent, make_project("small", fixed_asset_investment=Decimal(2000)), officer)
    assert "below the floor" in " ".join(entitlement(claim).reasons)


def test_a_second_agent_cannot_claim_the_same_project(at_intent, agent, rule, officer, district):
    _claim(agent, at_intent, officer)
    other = actions.do_register_agent(district, name="李娜", by=officer)
    with pytest.raises(Conflict):
        actions.do_claim(other, at_intent, by=officer)


def test_nobody_is_paid_more_than_is_owed(at_intent, agent, rule, officer, leader, client):
    claim = _claim(agent, at_intent, officer)
    _to(at_intent, Stage.CONSTRUCTION, officer, leader)
    actions.do_verify_paid_in(at_intent, amount=Decimal(12000), by=leader)
    login(client, leader)
    url = f"/investment/projects/{at_intent.pk}/pay/"
    today = clock.today().isoformat()
    response = client.post(url, {"amount": "30", "paid_on": today})
    assert response.status_code == 400 and "Only 24.5 × 10,000 yuan is owed." in response.content.decode()
    assert client.post(url, {"amount": "24.5", "paid_on": today}).status_code == 302
    assert entitlement(AgentClaim.objects.get(pk=claim.pk)).owed == 0


def test_an_agent_sees_only_their_own_leads(at_intent, agent, rule, agent_user, make_project, client):
    other = make_project("not mine")
    login(client, agent_user)
    response = client.post(
        "/investment/my-leads/",
        {"name": "深圳金鼎科技", "investor": "金鼎", "agreed_amount": "30000", "fixed_asset_investment": "20000"},
    )
    assert response.status_code == 302
    mine = Project.objects.get(name="深圳金鼎科技")
    assert mine.agent_claim.agent == agent
    page = client.get("/investment/my-leads/").content.decode()
    assert "深圳金鼎科技" in page and "not mine" not in page
    assert client.get(f"/investment/projects/{mine.pk}/").status_code == 200
    assert client.get(f"/investment/projects/{other.pk}/").status_code == 404
    assert client.get("/investment/").status_code == 403


def test_the_agents_page_says_what_each_is_owed_and_why(at_intent, agent, rule, officer, leader, client):
    _claim(agent, at_intent, officer)
    _to(at_intent, Stage.CONSTRUCTION, officer, leader)
    actions.do_verify_paid_in(at_intent, amount=Decimal(12000), by=leader)
    page = login(client, officer).get("/investment/agents/").content.decode()
    assert "24.5" in page and "at 3‰" in page
    response = client.get("/investment/agents/?format=xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_an_agent_is_not_told_which_projects_exist(agent, rule, agent_user, make_project, client):
    make_project("中融国投")
    response = login(client, agent_user).post(
        "/investment/my-leads/",
        {"name": "中融国投", "investor": "某公司", "agreed_amount": "100", "fixed_asset_investment": "100"},
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "already exists" not in page and "This lead cannot be recorded" in page
    assert Project.objects.filter(name="中融国投").count() == 1


def test_a_lead_with_a_negative_amount_is_a_form_error(agent, rule, agent_user, client):
    response = login(client, agent_user).post(
        "/investment/my-leads/",
        {"name": "负数项目", "investor": "某公司", "agreed_amount": "-5", "fixed_asset_investment": "100"},
    )
    assert response.status_code == 400 and "agreed_amount" in response.context["form"].errors
    assert not Project.objects.filter(name="负数项目").exists()
