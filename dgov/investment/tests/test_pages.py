"""Offices, agents and settings through the pages: who may see and change what."""

from typing import Any

import pytest

from dgov.audit.models import AuditEntry
from dgov.investment.models import (
    Agent,
    IncentiveRule,
    InvestmentPolicy,
    ResidentOffice,
    Stage,
    StagePolicy,
    stage_settings,
)
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


@pytest.mark.parametrize("tiers", ["1000:NaN, :5", "NaN:3, :5", "1000:3, :Infinity", "1e13:3, :5", "1000:3, :1000"])
def test_an_incentive_tier_that_is_not_a_finite_number_in_range_is_a_form_error(
    district, administrator, rule, client, tiers
):
    url = "/investment/settings/incentive-rule/"
    data = {"name": "坏规则", "floor_fixed_assets": "5000", "cap": "80", "tiers": tiers, "instalments": "signed:100"}
    assert login(client, administrator).post(url, data).status_code == 400
    rule.refresh_from_db()
    assert rule.active and IncentiveRule.objects.count() == 1


def test_the_office_page_shows_an_empty_target_form_without_errors(district, officer, client):
    office = ResidentOffice.objects.create(district=district, name="北京驻点招商处", city="北京")
    response = login(client, officer).get(f"/investment/offices/{office.pk}/")
    assert response.status_code == 200
    assert not response.context["form"].is_bound
    assert "This field is required." not in response.content.decode()


def test_saving_the_policy_scores_the_open_projects_again(district, administrator, make_project, client):
    from decimal import Decimal

    small = make_project("小项目", fixed_asset_investment=Decimal(3000), expected_tax=Decimal(100), land_mu=Decimal(20))
    before = small.selection_score
    data: dict[str, Any] = {
        "min_fixed_assets_per_mu": "200",
        "min_tax_per_mu": "15",
        "province_review_tce": "5000",
        "county_review_tce": "1000",
        "exempt_below_kwh": "500",
        "score_full_scale": "3000",  # the small project now earns the whole scale share
    }
    for stage in ("lead", "talks", "intent", "signed", "land", "construction", "operation", "full_production"):
        data |= {f"{stage}-probability": 50, f"{stage}-yellow_days": 10, f"{stage}-red_days": 20}
    assert login(client, administrator).post("/investment/settings/", data).status_code == 302
    small.refresh_from_db()
    policy = InvestmentPolicy.objects.get(district=district)
    assert small.selection_score != before
    assert small.selection_score == small.selection(policy).total


def test_an_office_records_what_became_of_a_target_company(district, officer, leader, make_project, client):
    office = ResidentOffice.objects.create(district=district, name="上海驻点招商处", city="上海")
    url = f"/investment/offices/{office.pk}/"
    login(client, officer)
    assert client.post(url, {"name": "中融国投", "status": "to_visit"}).status_code == 302
    target = office.targets.get()
    project = make_project("中融国投项目")
    result = {"which": "result", "result-target": target.pk, "result-status": "landed"}
    assert client.post(url, result).status_code == 400  # became a project, but which?
    assert client.post(url, result | {"result-project": project.pk}).status_code == 302
    target.refresh_from_db()
    assert (target.status, target.project) == ("landed", project)
    entry = AuditEntry.objects.get(verb="investment.target_update")
    assert entry.actor == officer and entry.changes["target"] == "中融国投"
    assert "中融国投项目" in client.get(url).content.decode()
    login(client, leader)
    assert client.post(url, result | {"result-status": "dropped"}).status_code == 403  # leaders watch


def test_the_project_and_settings_pages_name_every_control_once(district, administrator, officer, at_intent, client):
    # Before: 24 unlabelled inputs in the stage table, three reason inputs all "id_reason".
    from dgov.lib.pagecheck import problems

    login(client, officer)
    page = client.get(f"/investment/projects/{at_intent.pk}/").content.decode()
    assert 'data-action="lose"' in page
    assert problems(page) == []
    login(client, administrator)
    page = client.get("/investment/settings/").content.decode()
    assert 'name="intent-probability"' in page
    assert problems(page) == []
