"""Every action of campaign supervision, tried by every role on tasks and problems in
several states: the page shows an enabled button exactly when the action succeeds, and a
disabled button's reason is the 403's message (``dgov/campaigns/rules.py``)."""

import datetime as dt

import pytest
from django.test import Client

from dgov.campaigns import actions
from dgov.campaigns.models import Problem, Task
from dgov.lib.testing import walk_pages

pytestmark = pytest.mark.django_db
D = dt.date

PROBLEM = {
    "problem": "招商引资存在等靠要现象",
    "root_cause": "依赖传统招商方式",
    "measures": "设立常驻招商点",
    "due_on": "2018-12-31",
    "responsible": "投资促进局局长",
}
TASK_DATA = {
    "report": {"text": "已挂牌", "percent": 80},
    "close": {"note": "完成"},
    "request_extension": {"new_due_on": "2019-03-29", "reason": "落位周期长"},
    "decide_extension": {"grant": "yes", "note": ""},
    "red_card": {"reason": "台账不实"},
    "lift_red_card": {"reason": "已整改"},
}
PROBLEM_DATA = {
    "report": {"text": "已完成第一步"},
    "evidence": {"note": "三地招商点均已运行"},
    "decide_evidence": {"accept": "yes", "note": ""},
    "request_extension": {"new_due_on": "2019-03-29", "reason": "落位周期长"},
    "decide_extension": {"grant": "yes", "note": ""},
}


@pytest.fixture
def people(every_role, inspector, head, other_head, units):
    """Every role of the lead unit (TCJ) and of another unit (WJJ), the inspector (督查室)
    and the two unit heads."""
    return [*every_role("TCJ").values(), *every_role("WJJ").values(), inspector, head, other_head]


def verbs(kind: str, pk: int, table: dict) -> dict:
    return {verb: (f"/campaigns/{kind}/{pk}/{verb}/", data) for verb, data in table.items()}


def test_on_a_task_in_each_state_the_buttons_and_the_actions_agree(make_task, people, head, inspector, clock):
    clock.set(D(2018, 11, 5))
    parent = make_task("1", D(2018, 12, 28))
    leaf = make_task("1.1", D(2018, 11, 30), parent=parent)
    overdue = make_task("2", D(2018, 11, 1))
    carded = make_task("3", D(2018, 12, 28))
    actions.do_red_card(carded, by=inspector, reason="台账不实")
    waiting = make_task("4", D(2018, 12, 28))
    actions.do_request_extension(waiting, by=head, reason="r", new_due_on=D(2019, 1, 31))
    closed = make_task("5", D(2018, 12, 28))
    actions.do_close_task(closed, by=head)
    client = Client()
    problems: list[str] = []
    seen: list[tuple[str, str, str]] = []
    tasks = {"parent": parent, "leaf": leaf, "overdue": overdue, "carded": carded, "waiting": waiting, "closed": closed}
    for state, task in tasks.items():
        who = people if state == "parent" else [head, inspector, people[0], people[-1]]
        for person in who:
            found = walk_pages(
                client, person, f"/campaigns/tasks/{task.pk}/", verbs("tasks", task.pk, TASK_DATA), seen=seen
            )
            problems += [f"{state}: {p}" for p in found]
    assert problems == []
    assert ("head", "close", "disabled") in seen  # the parent, while its subtask is open
    assert {("inspector", "red_card", "enabled"), ("inspector", "lift_red_card", "enabled")} <= set(seen)
    assert ("inspector", "decide_extension", "enabled") in seen


def test_on_a_problem_in_each_state_the_buttons_and_the_actions_agree(campaign, units, people, head, inspector):
    data = {**PROBLEM, "due_on": D(2018, 12, 31)}
    fresh = actions.do_add_problem(campaign, units["TCJ"], by=head, data={**data, "problem": "一"})
    waiting = actions.do_add_problem(campaign, units["TCJ"], by=head, data={**data, "problem": "二"})
    actions.do_submit_evidence(waiting, by=head, note="x")
    closed = actions.do_add_problem(campaign, units["TCJ"], by=head, data={**data, "problem": "三"})
    evidence = actions.do_submit_evidence(closed, by=head, note="x")
    actions.do_decide_evidence(evidence, by=inspector, accept=True)
    client = Client()
    problems: list[str] = []
    for state, problem in {"open": fresh, "evidence": waiting, "closed": closed}.items():
        who = people if state == "open" else [head, inspector, people[0]]
        for person in who:
            found = walk_pages(
                client, person, f"/campaigns/problems/{problem.pk}/", verbs("problems", problem.pk, PROBLEM_DATA)
            )
            problems += [f"{state}: {p}" for p in found]
    assert problems == []
    assert Problem.objects.get(pk=closed.pk).state == Problem.State.CLOSED


def test_on_the_unit_page_only_its_head_lists_and_publishes_once_a_problem_is_listed(campaign, units, people, head):
    unit = units["TCJ"]
    page = f"/campaigns/{campaign.pk}/units/{unit.pk}/"
    unit_verbs = {
        "add_problem": (f"{page}problems/", PROBLEM),
        "publish": (f"{page}publish/", {}),
    }
    client = Client()
    seen: list[tuple[str, str, str]] = []
    problems = [p for person in people for p in walk_pages(client, person, page, unit_verbs, seen=seen)]
    actions.do_add_problem(campaign, unit, by=head, data={**PROBLEM, "problem": "另一问题", "due_on": D(2018, 12, 31)})
    problems += [p for person in people for p in walk_pages(client, person, page, unit_verbs, seen=seen)]
    assert problems == []
    assert {("head", "publish", "disabled"), ("head", "publish", "enabled")} <= set(seen)


def test_only_an_inspector_creates_a_campaign(every_role, inspector):
    data = {"theme": "作风建设年", "starts_on": "2026-01-05", "ends_on": "2026-12-31", "reporting_period": "week"}
    client = Client()
    problems = [
        p
        for person in (*every_role("TCJ").values(), inspector)
        for p in walk_pages(client, person, "/campaigns/new/", {"create": ("/campaigns/new/", data)})
    ]
    assert problems == []
    assert not Task.objects.exists()
