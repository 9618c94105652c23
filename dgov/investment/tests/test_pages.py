"""Offices, agents and settings through the pages: who may see and change what."""

from typing import Any

from dgov.audit.models import AuditEntry
from dgov.investment.models import Agent, InvestmentPolicy, ResidentOffice, Stage, StagePolicy, stage_settings
from dgov.investment.tests.conftest import login


def test_an_office_keeps_its_target_list_and_results(district, officer, leader, make_project, client):
    office = ResidentOffice.objects.create(district=district, name="深圳驻点招商处", city="深圳")
    make_project("深圳金鼎科技", office=office)
    login(client, officer)
    url = f"/investment/offices/{office.pk}/"
    assert client.post(url, {"name": "比亚迪", "industry": "汽车零部件", "status": "to_visit"}).status_code == 302
    assert client.post(url, {"name": "比亚迪", "industry": "", "status": "to_visit"}).status_code == 400
    assert office.targets.count() == 1
    assert AuditEntry.objects.filter(verb="investment.target_add").exists()
    page = login(client, leader).get("/investment/offices/").content.decode()
    assert 'data-office="深圳驻点招商处"' in page
    assert client.post(url, {"name": "华为", "status": "to_visit"}).status_code == 403  # leaders watch, officers add
    login(client, officer)
    assert client.post(url, {"which": "staff", "staff": [officer.pk]}).status_code == 302
    assert list(office.staff.all()) == [officer]
    assert client.post(url, {"which": "staff", "staff": ["999999"]}).status_code == 400


def test_an_agent_is_registered_with_a_masked_phone(officer, agent_user, client):
    login(client, officer)
    response = client.post("/investment/agents/", {"name": "周杰", "phone": "13800138000", "user": agent_user.pk})
    assert response.status_code == 302
    assert Agent.objects.get(name="周杰").user == agent_user
    page = client.get("/investment/agents/").content.decode()
    assert "13800138000" not in page and "138****8000" in page
    assert client.post("/investment/agents/", {"name": "", "phone": "12"}).status_code == 400


def test_the_administrator_changes_thresholds_and_stage_settings(district, administrator, officer, client):
    data: dict[str, Any] = {
        "min_fixed_assets_per_mu": "200",
        "min_tax_per_mu": "15",
        "province_review_tce": "5000",
        "county_review_tce": "1000",
        "exempt_below_kwh": "500",
        "score_full_scale": "50000",
    }
    for stage, (p, y, r) in {"lead": (15, 5, 10)}.items():
        data |= {f"{stage}-probability": p, f"{stage}-yellow_days": y, f"{stage}-red_days": r}
    for stage in ("talks", "intent", "signed", "land", "construction", "operation", "full_production"):
        data |= {f"{stage}-probability": 50, f"{stage}-yellow_days": 10, f"{stage}-red_days": 20}
    assert login(client, officer).post("/investment/settings/", data).status_code == 403
    login(client, administrator)
    bad = data | {"lead-red_days": 3}
    assert client.post("/investment/settings/", bad).status_code == 400
    assert not StagePolicy.objects.exists()
    assert client.post("/investment/settings/", data).status_code == 302
    assert InvestmentPolicy.objects.get(district=district).min_fixed_assets_per_mu == 200
    assert stage_settings(district.pk)[Stage.LEAD].probability == 15
    assert AuditEntry.objects.filter(verb="investment.policy_change").exists()


def test_the_charts_page_draws_the_four_charts_without_inline_script(make_project, leader, client):
    make_project()
    page = login(client, leader).get("/investment/charts/").content.decode()
    for chart in ("funnel-data", "amounts-data", "ages-data", "offices-data"):
        assert f'data-chart="{chart}"' in page and f'id="{chart}" type="application/json"' in page
    assert "<script>" not in page


def test_an_agent_sees_no_actions_on_their_own_lead(district, officer, agent_user, make_project, client):
    from dgov.investment import actions
    from dgov.investment.models import IncentiveRule

    IncentiveRule.objects.create(district=district, name="rule")
    agent = actions.do_register_agent(district, name="周杰", user=agent_user, by=officer)
    project = make_project()
    actions.do_claim(agent, project, by=officer)
    page = login(client, agent_user).get(f"/investment/projects/{project.pk}/").content.decode()
    assert "data-claim" in page and "data-action" not in page and "Owner transfers" not in page
    assert client.post(f"/investment/projects/{project.pk}/lose/", {"reason": "x"}).status_code == 403


def test_the_api_gives_the_pipeline_and_a_project_to_those_who_may_see_them(make_project, leader, agent_user, client):
    from dgov.api.actions import do_create_api_token

    project = make_project()
    _token, secret = do_create_api_token(leader, "dashboard")
    response = client.get("/api/v1/investment/pipeline", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 200
    lead = next(s for s in response.json()["stages"] if s["stage"] == "lead")
    assert lead["count"] == 1 and lead["default_probability"] == 10
    response = client.get(f"/api/v1/investment/projects/{project.pk}", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.json()["log"][0]["to_stage"] == "lead"
    _token, other = do_create_api_token(agent_user, "agent")
    assert client.get("/api/v1/investment/pipeline", HTTP_AUTHORIZATION=f"Bearer {other}").status_code == 403
    assert (
        client.get(f"/api/v1/investment/projects/{project.pk}", HTTP_AUTHORIZATION=f"Bearer {other}").status_code == 404
    )


def test_a_new_incentive_rule_applies_to_new_claims_only(district, administrator, rule, client):
    login(client, administrator)
    url = "/investment/settings/incentive-rule/"
    good = {
        "name": "2019 办法",
        "floor_fixed_assets": "5000",
        "cap": "80",
        "tiers": "2000:2, :4",
        "instalments": "signed:30, operation:70",
    }
    for field, bad in [
        ("tiers", ":3, 1000:4"),
        ("tiers", "1000:3, 500:4, :5"),
        ("instalments", "signed:30, operation:60"),
    ]:
        response = client.post(url, good | {field: bad})
        assert response.status_code == 400, bad
    assert client.post(url, good).status_code == 302
    from dgov.investment.actions import current_rule

    new = current_rule(district.pk)
    assert new is not None and new.name == "2019 办法" and new.cap == 80
    assert [(t.up_to, t.rate_permille) for t in new.tiers.all()] == [(2000, 2), (None, 4)]
    rule.refresh_from_db()
    assert not rule.active
    assert "2019 办法" in client.get("/investment/settings/").content.decode()
