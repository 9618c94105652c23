"""Problem lists: rectification closes only with evidence an inspector accepts; the lists
are published by the deadline, and the public page shows measures, dates and progress."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from dgov.campaigns import actions, demo
from dgov.campaigns.models import Campaign, Evidence, Problem, Publication, Task
from dgov.campaigns.reports import board_rows
from dgov.lib.conflicts import Conflict

D = dt.date
pytestmark = pytest.mark.django_db

DATA = {
    "problem": "招商引资存在等靠要现象",
    "root_cause": "依赖传统招商方式",
    "measures": "在北京、上海、深圳设立常驻招商点",
    "due_on": D(2018, 12, 31),
    "responsible": "投资促进局局长",
}


@pytest.fixture
def problem(campaign, units, head):
    return actions.do_add_problem(campaign, units["TCJ"], by=head, data=dict(DATA))


def test_a_unit_head_lists_a_problem_through_the_unit_page(campaign, units, head, client):
    client.force_login(head)
    data = {**DATA, "due_on": "2018-12-31"}
    response = client.post(reverse("campaigns:add_problem", args=[campaign.pk, units["TCJ"].pk]), data)
    assert response.status_code == 302
    problem = Problem.objects.get()
    assert (problem.unit, problem.original_due_on) == (units["TCJ"], D(2018, 12, 31))


def test_listing_the_same_problem_twice_makes_one(campaign, units, head, client):
    client.force_login(head)
    data = {**DATA, "due_on": "2018-12-31"}
    url = reverse("campaigns:add_problem", args=[campaign.pk, units["TCJ"].pk])
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 409
    assert Problem.objects.count() == 1


def test_a_problem_without_a_root_cause_is_refused(campaign, units, head, client):
    client.force_login(head)
    data = {**DATA, "due_on": "2018-12-31", "root_cause": ""}
    response = client.post(reverse("campaigns:add_problem", args=[campaign.pk, units["TCJ"].pk]), data)
    assert response.status_code == 400
    assert not Problem.objects.exists()


def test_a_head_cannot_list_problems_for_another_unit(campaign, units, other_head, client):
    client.force_login(other_head)
    data = {**DATA, "due_on": "2018-12-31"}
    response = client.post(reverse("campaigns:add_problem", args=[campaign.pk, units["TCJ"].pk]), data)
    assert response.status_code == 403
    assert not Problem.objects.exists()


def test_a_problem_closes_only_when_an_inspector_accepts_the_evidence(problem, head, inspector):
    evidence = actions.do_submit_evidence(problem, by=head, note="三地招商点已运行")
    problem.refresh_from_db()
    assert problem.state == Problem.State.EVIDENCE
    with pytest.raises(PermissionDenied):
        actions.do_decide_evidence(evidence, by=head, accept=True)
    actions.do_decide_evidence(evidence, by=inspector, accept=True, note="核实无误")
    problem.refresh_from_db()
    assert problem.state == Problem.State.CLOSED
    assert Evidence.objects.get().decided_by == inspector


def test_rejected_evidence_reopens_the_problem_for_new_evidence(problem, head, inspector):
    first = actions.do_submit_evidence(problem, by=head, note="x")
    actions.do_decide_evidence(first, by=inspector, accept=False, note="缺少佐证")
    problem.refresh_from_db()
    assert problem.state == Problem.State.OPEN
    actions.do_submit_evidence(problem, by=head, note="补充佐证")
    with pytest.raises(Conflict):
        actions.do_submit_evidence(problem, by=head, note="again")
    assert Evidence.objects.filter(state=Evidence.State.PENDING).count() == 1


def test_a_problems_extension_keeps_its_original_date(problem, head, inspector):
    extension = actions.do_request_extension(problem, by=head, reason="落位周期长", new_due_on=D(2019, 3, 31))
    actions.do_decide_extension(extension, by=inspector, grant=True)
    problem.refresh_from_db()
    assert (problem.due_on, problem.original_due_on, problem.extensions) == (D(2019, 3, 31), D(2018, 12, 31), 1)


def test_the_board_flags_a_unit_that_has_not_published_by_the_deadline(campaign, units, problem, other_head):
    actions.do_add_problem(campaign, units["WJJ"], by=other_head, data=dict(DATA))
    actions.do_publish(campaign, units["WJJ"], by=other_head)
    before = {r.unit.code: r.not_published for r in board_rows(campaign, D(2018, 11, 15))}
    assert before == {"TCJ": False, "WJJ": False}
    after = {r.unit.code: r.not_published for r in board_rows(campaign, D(2018, 11, 16))}
    assert after == {"TCJ": True, "WJJ": False}


def test_the_public_sees_only_published_lists_with_original_dates_and_the_timeline(
    campaign, units, problem, head, inspector, client
):
    url = reverse("campaigns:public_unit", args=[campaign.pk, "TCJ"])
    assert client.get(url).status_code == 404
    actions.do_report_problem(problem, by=head, text="北京招商点已设立")
    extension = actions.do_request_extension(problem, by=head, reason="落位周期长", new_due_on=D(2019, 3, 31))
    actions.do_decide_extension(extension, by=inspector, grant=True)
    actions.do_publish(campaign, units["TCJ"], by=head)
    html = client.get(url).content.decode()
    assert DATA["measures"] in html
    assert 'data-original-due="2018-12-31"' in html and 'data-due="2019-03-31"' in html
    assert "北京招商点已设立" in html
    assert str(head) not in html  # no staff names in public
    assert client.get(reverse("campaigns:public", args=[campaign.pk])).status_code == 200


def test_the_public_timeline_masks_phone_and_id_numbers_in_notes(campaign, units, problem, head, inspector, client):
    actions.do_report_problem(problem, by=head, text="已电话回访投诉人，手机13812345678")
    evidence = actions.do_submit_evidence(problem, by=head, note="投诉人身份证110105194912310025已核实")
    actions.do_decide_evidence(evidence, by=inspector, accept=True, note="回访13987654321满意")
    actions.do_publish(campaign, units["TCJ"], by=head)
    html = client.get(reverse("campaigns:public_unit", args=[campaign.pk, "TCJ"])).content.decode()
    api = client.get(f"/api/v1/campaigns/public/{campaign.pk}/TCJ").content.decode()
    for page in (html, api):
        assert "138****5678" in page and "110105********0025" in page and "139****4321" in page
        assert "13812345678" not in page and "110105194912310025" not in page and "13987654321" not in page


def test_publishing_twice_keeps_the_first_date(campaign, units, problem, head, clock):
    clock.set(D(2018, 11, 14))
    actions.do_publish(campaign, units["TCJ"], by=head)
    clock.set(D(2018, 11, 20))
    with pytest.raises(Conflict):
        actions.do_publish(campaign, units["TCJ"], by=head)
    assert Publication.objects.get().published_on == D(2018, 11, 14)


def test_a_list_due_on_a_saturday_published_the_next_monday_is_on_time(campaign, units, problem, head, clock):
    campaign.publication_deadline = D(2018, 11, 17)  # a Saturday: due on Monday 19 November (Art. 203)
    campaign.save()
    clock.set(D(2018, 11, 19))
    assert not campaign.publication_overdue(D(2018, 11, 19))
    assert not actions.do_publish(campaign, units["TCJ"], by=head).late()
    assert campaign.publication_overdue(D(2018, 11, 20))


def test_a_unit_with_no_problems_cannot_publish(campaign, units, head):
    with pytest.raises(PermissionDenied, match="List at least one problem before publishing."):
        actions.do_publish(campaign, units["TCJ"], by=head)


def test_the_unit_page_is_the_heads_own(campaign, units, problem, head, other_head, client):
    url = reverse("campaigns:unit", args=[campaign.pk, units["TCJ"].pk])
    client.force_login(head)
    assert DATA["problem"] in client.get(url).content.decode()
    client.force_login(other_head)
    assert client.get(url).status_code == 404


def test_the_demo_is_the_2018_campaign_and_loads_once(district, inspector):
    demo.load(district)
    demo.load(district)
    campaign = Campaign.objects.get()
    assert campaign.theme == "解放思想推动宽城高质量发展大讨论"
    assert campaign.publication_deadline == D(2018, 11, 15)
    assert Task.objects.filter(campaign=campaign, parent__isnull=False).exists()
    flagged = [r.unit.code for r in board_rows(campaign, D(2018, 11, 16)) if r.not_published]
    assert flagged == ["RSJ"]
