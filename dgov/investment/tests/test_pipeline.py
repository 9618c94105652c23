"""The pipeline: gates before signing, probabilities, lost and restored, idle flags,
owner transfers, and the summary by stage."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from dgov.audit.models import AuditEntry
from dgov.investment import actions
from dgov.investment.models import Gate, OwnerChange, Project, Stage, StageChange, StagePolicy, stage_settings
from dgov.investment.reports import pipeline_summary
from dgov.investment.tests.conftest import login, pass_gates
from dgov.lib import clock
from dgov.lib.conflicts import Conflict


def test_signing_is_refused_until_every_gate_is_passed(at_intent, officer, leader, client):
    login(client, officer)
    # "Move to 签约" is a disabled button with the reason, and the action refuses with it.
    page = client.get(f"/investment/projects/{at_intent.pk}/").content.decode()
    assert 'data-disabled-action="advance"' in page and "cannot be signed until these gates are passed" in page
    response = client.post(f"/investment/projects/{at_intent.pk}/advance/", {"note": ""})
    assert response.status_code == 403
    assert "cannot be signed until these gates are passed" in response.content.decode()
    actions.do_review_gate(at_intent, Gate.INDUSTRY, passed=True, by=leader)
    actions.do_review_gate(at_intent, Gate.ADMISSION, passed=True, by=leader)
    with pytest.raises(PermissionDenied, match="Energy"):
        actions.do_advance(at_intent, by=officer)
    actions.do_review_gate(at_intent, Gate.ENERGY, passed=True, by=leader)
    assert client.post(f"/investment/projects/{at_intent.pk}/advance/", {"note": "签约仪式"}).status_code == 302
    at_intent.refresh_from_db()
    assert at_intent.stage == Stage.SIGNED and at_intent.signed_at is not None


def test_a_later_failed_review_blocks_signing_again(at_intent, officer, leader):
    pass_gates(at_intent, leader)
    actions.do_review_gate(at_intent, Gate.ENERGY, passed=False, by=leader, note="能评未批")
    with pytest.raises(PermissionDenied):
        actions.do_advance(at_intent, by=officer)


def test_a_barred_industry_cannot_pass_the_orientation_gate(make_project, barred, leader):
    project = make_project("化工", industry=barred)
    with pytest.raises(ValidationError, match="barred"):
        actions.do_review_gate(project, Gate.INDUSTRY, passed=True, by=leader)


def test_the_admission_thresholds_per_mu_are_settings(make_project, leader, district):
    project = make_project("低效", fixed_asset_investment=Decimal(3000), land_mu=Decimal(40))  # 75万 per mu
    with pytest.raises(ValidationError, match="per mu"):
        actions.do_review_gate(project, Gate.ADMISSION, passed=True, by=leader)
    from dgov.investment.models import InvestmentPolicy

    InvestmentPolicy.objects.create(district=district, min_fixed_assets_per_mu=50)
    actions.do_review_gate(project, Gate.ADMISSION, passed=True, by=leader)


def test_an_energy_review_above_the_exemption_needs_the_approval_reference(make_project, leader):
    project = make_project("耗能", energy_tce=Decimal(2000))
    with pytest.raises(ValidationError, match="reference"):
        actions.do_review_gate(project, Gate.ENERGY, passed=True, by=leader)
    actions.do_review_gate(project, Gate.ENERGY, passed=True, by=leader, reference="吉发改能审〔2018〕9号")


def test_the_officer_cannot_review_gates(at_intent, officer, client):
    login(client, officer)
    response = client.post(f"/investment/projects/{at_intent.pk}/gate/", {"gate": "industry", "passed": "1"})
    assert response.status_code == 403
    assert not at_intent.gate_reviews.exists()


def test_a_probability_typed_by_hand_survives_stage_changes_and_is_marked(make_project, officer, client, district):
    project = make_project()
    table = stage_settings(district.pk)
    assert project.effective_probability(table) == 10
    login(client, officer)
    assert client.post(f"/investment/projects/{project.pk}/probability/", {"probability": "35"}).status_code == 302
    project.refresh_from_db()
    actions.do_advance(project, by=officer)
    project.refresh_from_db()
    assert project.stage == Stage.TALKS and project.effective_probability(table) == 35
    page = client.get(f"/investment/projects/{project.pk}/").content.decode()
    assert "35%" in page and "set by hand" in page
    client.post(f"/investment/projects/{project.pk}/probability/", {"probability": ""})
    project.refresh_from_db()
    assert project.effective_probability(table) == 20


def test_a_probability_over_100_is_a_form_error(make_project, officer, client):
    project = make_project()
    response = login(client, officer).post(f"/investment/projects/{project.pk}/probability/", {"probability": "140"})
    assert response.status_code == 400
    project.refresh_from_db()
    assert project.probability is None


def test_the_summary_counts_and_weighs_each_stage(make_project, officer, district):
    make_project("a", agreed_amount=Decimal(1000))
    make_project("b", agreed_amount=Decimal(3000))
    manual = make_project("c", agreed_amount=Decimal(2000))
    actions.do_set_probability(manual, 50, by=officer)
    rows, total = pipeline_summary(district.pk, stage_settings(district.pk))
    lead = next(r for r in rows if r.stage == Stage.LEAD)
    assert (lead.count, lead.amount) == (3, Decimal(6000))
    assert lead.weighted == Decimal(400) + Decimal(1000)  # 10% of 4,000 + 50% of 2,000
    assert total.count == 3


def test_a_lost_project_is_restored_to_the_stage_it_left(at_intent, officer, client):
    login(client, officer)
    assert client.post(f"/investment/projects/{at_intent.pk}/lose/", {"reason": ""}).status_code == 400
    assert client.post(f"/investment/projects/{at_intent.pk}/lose/", {"reason": "投资方转投他处"}).status_code == 302
    at_intent.refresh_from_db()
    assert at_intent.stage == Stage.LOST and at_intent.lost_from == Stage.LETTER_OF_INTENT
    assert client.post(f"/investment/projects/{at_intent.pk}/restore/", {"note": "重新洽谈"}).status_code == 302
    at_intent.refresh_from_db()
    assert at_intent.stage == Stage.LETTER_OF_INTENT and at_intent.lost_reason == ""
    log = list(at_intent.stage_changes.values_list("from_stage", "to_stage", "by"))
    assert log[-2:] == [("intent", "lost", officer.pk), ("lost", "intent", officer.pk)]


def test_two_moves_of_the_same_project_at_once_are_one_move(at_intent, officer):
    stale = Project.objects.get(pk=at_intent.pk)
    actions.do_lose(at_intent, by=officer, reason="x")
    with pytest.raises(Conflict):
        actions.do_lose(Project.objects.get(pk=at_intent.pk), by=officer, reason="y") if False else actions._move(
            stale, to=Stage.LOST, by=officer, verb="lose"
        )
    assert at_intent.stage_changes.filter(to_stage=Stage.LOST).count() == 1


def test_the_idle_flag_counts_working_days_across_a_holiday(make_project, district):
    StagePolicy.objects.create(district=district, stage=Stage.LEAD, probability=10, yellow_days=3, red_days=6)
    table = stage_settings(district.pk)
    project = make_project()
    project.stage_entered_at = timezone.make_aware(dt.datetime(2026, 9, 28, 10))
    # 9-29, 9-30, 10-8, 10-9: four working days, the National Day holiday not counted
    # (nine weekdays by the calendar alone would make it red).
    assert project.idle_days(dt.date(2026, 10, 9)) == 4
    assert project.idle_flag(dt.date(2026, 10, 9), table) == "yellow"
    assert project.idle_flag(dt.date(2026, 10, 13), table) == "red"


def test_a_paused_project_is_not_flagged_until_its_resume_date(make_project, district, officer):
    table = stage_settings(district.pk)
    project = make_project()
    entered = clock.now() - dt.timedelta(days=90)
    Project.objects.filter(pk=project.pk).update(stage_entered_at=entered, stage_entered_on=timezone.localdate(entered))
    project.refresh_from_db()
    today = clock.today()
    assert project.idle_flag(today, table) == "red"
    actions.do_pause(project, until=today + dt.timedelta(days=10), reason="等待董事会决议", by=officer)
    assert project.idle_flag(today, table) == ""
    assert project.idle_flag(today + dt.timedelta(days=11), table) == "red"


def test_the_idle_filter_lists_only_the_idle(make_project, officer, client):
    old, fresh = make_project("old"), make_project("fresh")
    entered = clock.now() - dt.timedelta(days=90)
    Project.objects.filter(pk=old.pk).update(stage_entered_at=entered, stage_entered_on=timezone.localdate(entered))
    page = login(client, officer).get("/investment/?idle=red").content.decode()
    assert f'data-project="{old.pk}"' in page and f'data-project="{fresh.pk}"' not in page


def test_a_note_of_activity_does_not_reset_a_project_idle_for_90_days(make_project, district, officer, client):
    """Idleness runs from the last stage change: one note on a project stuck for 90 days
    used to turn it back to unflagged."""
    table = stage_settings(district.pk)
    stuck = make_project("stuck")
    entered = clock.now() - dt.timedelta(days=90)
    Project.objects.filter(pk=stuck.pk).update(stage_entered_at=entered, stage_entered_on=timezone.localdate(entered))
    actions.do_note_activity(Project.objects.get(pk=stuck.pk), text="电话沟通，对方仍在考虑", by=officer)
    stuck.refresh_from_db()
    today = clock.today()
    assert stuck.idle_flag(today, table) == "red" and stuck.idle_days(today) >= 60
    page = login(client, officer).get("/investment/?idle=red").content.decode()
    assert f'data-project="{stuck.pk}"' in page
    actions.do_advance(stuck, by=officer)  # a stage change does reset it
    assert stuck.idle_flag(today, table) == ""


def test_a_project_at_full_production_is_not_flagged_idle(make_project, district, officer, client):
    table = stage_settings(district.pk)
    done = make_project("done")
    entered = clock.now() - dt.timedelta(days=400)
    Project.objects.filter(pk=done.pk).update(
        stage=Stage.FULL_PRODUCTION,
        stage_entered_at=entered,
        stage_entered_on=timezone.localdate(entered),
        last_activity_at=entered,  # idle by either measure: the stage alone exempts it
    )
    done.refresh_from_db()
    assert done.idle_flag(clock.today(), table) == ""
    for level in ("yellow", "red"):
        page = login(client, officer).get(f"/investment/?idle={level}").content.decode()
        assert f'data-project="{done.pk}"' not in page


def test_a_transfer_keeps_the_trail(at_intent, officer, make_staff, client):
    successor = make_staff("investment_officer", "successor", department=None)
    login(client, officer)
    response = client.post(
        f"/investment/projects/{at_intent.pk}/transfer/", {"owner": successor.pk, "reason": "岗位调整"}
    )
    assert response.status_code == 302
    at_intent.refresh_from_db()
    assert at_intent.owner == successor
    change = OwnerChange.objects.get(project=at_intent)
    assert (change.from_owner, change.to_owner, change.by, change.reason) == (officer, successor, officer, "岗位调整")
    assert StageChange.objects.filter(project=at_intent).count() == 3  # the history stays
    assert AuditEntry.objects.filter(verb="investment.transfer", object_id=str(at_intent.pk)).exists()
    page = client.get(f"/investment/projects/{at_intent.pk}/").content.decode()
    assert "岗位调整" in page


def test_every_stage_change_is_logged_with_who_and_when(at_intent, officer):
    log = list(at_intent.stage_changes.all())
    assert [c.to_stage for c in log] == ["lead", "talks", "intent"]
    assert all(c.by == officer and c.at for c in log)
    assert AuditEntry.objects.filter(verb="investment.advance", object_id=str(at_intent.pk)).count() == 2


def test_another_districts_project_is_not_found(make_project, other_district, make_staff, client):
    project = make_project()
    stranger = make_staff("investment_officer", "stranger", department=None, in_district=other_district)
    assert login(client, stranger).get(f"/investment/projects/{project.pk}/").status_code == 404
    assert client.post(f"/investment/projects/{project.pk}/lose/", {"reason": "x"}).status_code == 404


def test_the_pipeline_page_answers_in_a_fixed_number_of_queries(
    make_project, leader, client, django_assert_max_num_queries
):
    for n in range(30):
        make_project(f"p{n}")
    login(client, leader)
    client.get("/investment/")
    with django_assert_max_num_queries(15):
        response = client.get("/investment/")
    assert response.status_code == 200
    assert 'data-chart="funnel-data"' in response.content.decode()
    with django_assert_max_num_queries(15):
        assert client.get("/investment/charts/").status_code == 200


def test_a_repeated_lead_does_not_make_a_second_project(officer, encouraged, client):
    login(client, officer)
    data = {"name": "世久电气", "investor": "世久电气有限公司", "source": "park", "industry": encouraged.pk}
    data |= dict.fromkeys(("agreed_amount", "paid_in", "fixed_asset_investment", "jobs", "expected_output"), "0")
    data |= dict.fromkeys(("expected_tax", "land_mu", "floor_space", "energy_tce", "electricity_kwh"), "0")
    assert client.post("/investment/projects/new/", data).status_code == 302
    response = client.post("/investment/projects/new/", data)
    assert response.status_code == 400 and "already exists" in response.content.decode()
    assert Project.objects.filter(name="世久电气").count() == 1


def test_a_pass_no_longer_counts_once_the_facts_it_was_judged_on_change(at_intent, officer, leader, client):
    pass_gates(at_intent, leader)
    actions.do_update_project(at_intent, {"land_mu": Decimal(80)}, by=officer)  # the same money on twice the land
    with pytest.raises(PermissionDenied, match="Admission thresholds"):
        actions.do_advance(at_intent, by=officer)
    page = login(client, officer).get(f"/investment/projects/{at_intent.pk}/").content.decode()
    assert "data-stale" in page
    actions.do_update_project(at_intent, {"land_mu": Decimal(40)}, by=officer)  # back to what was reviewed
    actions.do_advance(at_intent, by=officer)
    assert at_intent.stage == Stage.SIGNED


def test_the_pipeline_can_be_ordered_by_the_selection_score(make_project, officer, client):
    low = make_project("低分", fixed_asset_investment=Decimal(3000), expected_tax=Decimal(50))
    high = make_project("高分", fixed_asset_investment=Decimal(40000), expected_tax=Decimal(1200))
    page = login(client, officer).get("/investment/?order=score").content.decode()
    assert page.index(f'data-project="{high.pk}"') < page.index(f'data-project="{low.pk}"')
    assert client.get("/investment/?order=nonsense").status_code == 200


def test_a_key_project_with_a_secretary_stays_on_the_key_list(make_project, officer, leader, make_staff):
    from dgov.secretaries import actions as secretaries

    project = make_project("泰盟智慧化工厂", is_key=True)
    secretary = make_staff("project_secretary", "secretary", department=None)
    secretaries.do_assign(project, secretary=secretary, leader=leader, by=officer)
    with pytest.raises(ValidationError) as refused:
        actions.do_update_project(project, {"is_key": False, "jobs": 10}, by=officer)
    assert refused.value.code == "secretaryship"
    project.refresh_from_db()
    assert project.is_key and project.jobs != 10
    other = make_project("未配秘书的项目", is_key=True)
    actions.do_update_project(other, {"is_key": False}, by=officer)  # no secretary: may leave the list
    other.refresh_from_db()
    assert not other.is_key


@pytest.mark.parametrize("field", ["land_mu", "floor_space", "energy_tce", "electricity_kwh", "jobs", "paid_in"])
def test_no_fact_of_a_project_may_be_negative(make_project, officer, client, field):
    project = make_project("负数项目")
    url = f"/investment/projects/{project.pk}/edit/"
    form = login(client, officer).get(url).context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None and name in form.fields}
    data |= {"source": project.source, "industry": project.industry_id, field: "-100000"}
    response = client.post(url, data)
    assert response.status_code == 400 and field in response.context["form"].errors
    project.refresh_from_db()
    assert getattr(project, field) >= 0
    assert client.post(url, data | {field: "5"}).status_code == 302  # only the negative number was wrong
