"""Every act on a project, tried by every role on projects in several states: the page
shows an enabled button exactly when the act succeeds, and a disabled button's reason is
the 403's message (``dgov/investment/rules.py``) — "Move to 签约" among them, refused
with its reason until the admission gates are passed."""

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client

from dgov.investment import actions
from dgov.investment.models import Stage
from dgov.investment.tests.conftest import pass_gates
from dgov.lib import clock as the_clock
from dgov.lib.testing import walk_pages

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(every_role, officer, leader, agent_user, administrator):
    return [*every_role(None).values(), officer, leader, agent_user, administrator]


def verbs(project, leader, agent) -> dict:
    base = f"/investment/projects/{project.pk}/"
    later = (the_clock.today() + dt.timedelta(days=30)).isoformat()
    data = {
        "advance": {"note": ""},
        "lose": {"reason": "外迁"},
        "restore": {"note": ""},
        "probability": {"probability": 35},
        "transfer": {"owner": leader.pk, "reason": "分工调整"},
        "pause": {"until": later, "reason": "等待土地指标"},
        "resume": {"note": ""},
        "activity": {"text": "电话沟通"},
        "gate": {"gate": "energy", "passed": "0", "reference": "", "note": "待补材料"},
        "claim": {"agent": agent.pk},
        "verify": {"amount": "12000"},
        "pay": {"amount": "1", "paid_on": the_clock.today().isoformat(), "note": ""},
    }
    return {verb: (f"{base}{verb}/", values) for verb, values in data.items()}


def test_through_the_pipeline_the_buttons_and_the_acts_agree(
    make_project, officer, leader, people, rule, district, agent_user
):
    agent = actions.do_register_agent(district, name="周杰", user=agent_user, by=officer)
    other = actions.do_register_agent(district, name="李娜", by=officer)
    lead = make_project("线索")
    at_intent = make_project("意向")
    actions.do_advance(at_intent, by=officer)
    actions.do_advance(at_intent, by=officer)
    gated = make_project("已过关口")
    actions.do_advance(gated, by=officer)
    actions.do_advance(gated, by=officer)
    pass_gates(gated, leader)
    lost = make_project("流失")
    actions.do_lose(lost, by=officer, reason="外迁")
    paused = make_project("暂停")
    actions.do_pause(paused, until=the_clock.today() + dt.timedelta(days=10), reason="等待", by=officer)
    building = make_project("在建")
    actions.do_claim(other, building, by=officer)
    while building.stage != Stage.CONSTRUCTION:
        if building.next_stage == Stage.SIGNED:
            pass_gates(building, leader)
        actions.do_advance(building, by=officer)
    actions.do_verify_paid_in(building, amount=Decimal(12000), by=leader)
    states = {
        "lead": lead,
        "intent": at_intent,
        "gated": gated,
        "lost": lost,
        "paused": paused,
        "building": building,
    }
    client = Client()
    problems: list[str] = []
    seen: list[tuple[str, str, str]] = []
    for state, project in states.items():
        who = people if state == "lead" else [officer, leader, people[0]]
        for person in who:
            found = walk_pages(
                client, person, f"/investment/projects/{project.pk}/", verbs(project, leader, agent), seen=seen
            )
            problems += [f"{state}: {p}" for p in found]
    assert problems == []
    buttons = set(seen)
    assert ("officer", "advance", "disabled") in buttons  # 意向 → 签约 before the gates
    assert ("officer", "advance", "enabled") in buttons
    assert {("officer", "restore", "enabled"), ("officer", "resume", "enabled")} <= buttons
    assert {("leader", "gate", "enabled"), ("leader", "pay", "enabled"), ("officer", "claim", "enabled")} <= buttons


def test_offices_agents_and_parks_are_kept_by_whoever_holds_the_role(make_project, officer, people, district):
    from dgov.investment.models import Parcel, Park, ResidentOffice

    office = ResidentOffice.objects.create(district=district, name="深圳驻点招商处", city="深圳")
    target = actions.do_add_target(office, data={"name": "比亚迪", "industry": "", "status": "to_visit"}, by=officer)
    park = Park.objects.create(district=district, name="智慧产业园")
    Parcel.objects.create(district=district, park=park, phase="一期", code="ZH-1", area=Decimal(80000))
    parcel = park.parcels.get()
    project = make_project("落地")
    year = the_clock.today().year - 1
    office_url, park_url = f"/investment/offices/{office.pk}/", f"/investment/parks/{park.pk}/"
    pages = {
        office_url: {
            "target": (office_url, {"name": "华为", "industry": "", "status": "to_visit"}),
            "result": (office_url, {"which": "result", "result-target": target.pk, "result-status": "dropped"}),
            "staff": (office_url, {"which": "staff", "staff": [officer.pk]}),
        },
        "/investment/agents/": {"register_agent": ("/investment/agents/", {"name": "王五", "phone": ""})},
        park_url: {
            "allocate": (park_url, {"which": "allocate", "parcel": parcel.pk, "project": project.pk, "area": "100"}),
            "waiting": (park_url, {"which": "waiting", "project": project.pk, "area": "100"}),
            "report": (park_url, {"which": "report", "enterprise": "某厂", "year": year, "output": "1", "tax": "1"}),
        },
    }
    client = Client()
    seen: list[tuple[str, str, str]] = []
    problems = [
        p
        for person in people
        for page, acts in pages.items()
        for p in walk_pages(client, person, page, acts, seen=seen)
    ]
    assert problems == []
    enabled = {(who, verb) for who, verb, button in seen if button == "enabled"}
    assert {("officer", v) for v in ("target", "result", "staff", "register_agent", "allocate", "report")} <= enabled
