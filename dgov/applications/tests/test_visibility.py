"""Issue 19 §1: which applications each role sees (decision 0025). Before, every staff
member of the district saw every case but the department-scoped roles: the hired agent,
the project secretary, the investment officer and the inspector opened 31 of 31 cases
through the case page, the API and the queue."""

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from dgov.accounts.models import Applicant, User
from dgov.api.tests.conftest import bearer  # noqa: F401 — the API token fixture
from dgov.applications import loading
from dgov.applications.models import Application
from dgov.applications.testing import department, file_case, publish_item
from dgov.investment.models import Project
from dgov.secretaries.models import Secretaryship

pytestmark = pytest.mark.django_db

# {persona fixture: the cases it sees}: "scjg" the citizen's case at the market regulator
# (every SCJG persona's department), "cgj" the enterprise's case at the 城管局 (the
# secretary's key project is the enterprise's), "far" a case of another district.
SEES = {
    "clerk": {"scjg", "cgj"},
    "seal_officer": {"scjg", "cgj"},
    "supervisor": {"scjg", "cgj"},
    "leader": {"scjg", "cgj"},
    "auditor": {"scjg", "cgj"},
    "reviewer": {"scjg"},
    "approver": {"scjg"},
    "unit_head": {"scjg"},
    "enterprise_officer": {"scjg"},
    "secretary": {"cgj"},
    "agent_user": set(),
    "officer": set(),
    "inspector": set(),
    "fund_manager": set(),
    "administrator": set(),
    "citizen": {"scjg"},
    "enterprise_user": {"cgj"},
}
READ_ONLY = ("supervisor", "leader", "auditor")


@pytest.fixture
def cases(district: Any, other_district: Any, citizen: Any, enterprise_user: Any, secretary: Any, leader: Any) -> Any:
    scjg = publish_item(district, department(district, "SCJG", "宽城区市场监督管理局"), "KC-SCJG-001")
    cgj = publish_item(district, department(district, "CGJ", "宽城区城市管理局"), "KC-CGJ-001", "占道施工许可")
    far = publish_item(other_district, department(other_district, "SCJG", "朝阳区市场监督管理局"), "CY-SCJG-001")
    enterprise = Applicant.objects.get(user=enterprise_user)
    project = Project.objects.create(
        district=district, name="智能装备产业园", investor=enterprise.name, investor_credit_code=enterprise.credit_code,
        is_key=True,
    )  # fmt: skip
    today = dt.date(2026, 9, 1)
    Secretaryship.objects.create(
        district=district, project=project, secretary=secretary, leader=leader, assigned_on=today,
        stage_when_assigned=project.stage, last_contact_on=today,
    )  # fmt: skip
    # A project that is not on the key list, of another enterprise with a blank code: neither
    # brings the secretary a case.
    Project.objects.create(district=district, name="普通项目", investor="某公司", investor_credit_code="")
    stranger = User.objects.create(username="stranger", kind=User.Kind.CITIZEN)
    far_applicant = Applicant.objects.create(
        district=other_district, user=stranger, kind=Applicant.Kind.CITIZEN, name="王五", id_number="11010519491231002X"
    )
    return {
        "scjg": file_case(scjg, Applicant.objects.get(user=citizen), citizen, "v-scjg"),
        "cgj": file_case(cgj, enterprise, enterprise_user, "v-cgj"),
        "far": file_case(far, far_applicant, stranger, "v-far"),
    }


@pytest.mark.parametrize("persona", sorted(SEES))
def test_each_role_sees_the_cases_of_its_role_on_every_path(persona, request, cases, client, bearer):  # noqa: F811
    person = request.getfixturevalue(persona)
    seen = SEES[persona]

    # The queryset, and the API's one-statement loader agreeing with it case by case.
    assert {name for name, case in cases.items() if Application.objects.visible_to(person).filter(pk=case.pk)} == seen
    assert {name for name, case in cases.items() if loading.load_visible(case.number, person)} == seen
    # The case page: 404 alike for missing and not visible.
    client.force_login(person)
    pages = {name: client.get(reverse("applications:case", args=[case.pk])).status_code for name, case in cases.items()}
    assert pages == {name: 200 if name in seen else 404 for name in cases}
    # The API (as a token of the same person).
    headers = bearer(person)
    answers = {
        name: client.get(f"/api/v1/applications/{case.number}", headers=headers).status_code
        for name, case in cases.items()
    }
    assert answers == {name: 200 if name in seen else 404 for name in cases}
    if person.kind != User.Kind.STAFF:
        return
    # The queue (every status) and its export list exactly the cases seen; empty for a
    # role that sees none.
    queue = client.get(reverse("applications:queue"), {"status": "all"})
    assert queue.status_code == 200
    assert {name for name, case in cases.items() if case.number in queue.content.decode()} == seen
    export = client.get(reverse("exports:download", args=["applications.queue", "csv"]), {"status": "all"})
    body = b"".join(export.streaming_content).decode() if export.streaming else export.content.decode()
    assert export.status_code == 200
    assert {name for name, case in cases.items() if case.number in body} == seen


@pytest.mark.parametrize("persona", READ_ONLY)
def test_supervisors_leaders_and_auditors_read_a_case_without_acting_on_it(persona, request, cases, client):
    person = request.getfixturevalue(persona)
    client.force_login(person)
    case = cases["scjg"]

    page = client.get(reverse("applications:case", args=[case.pk]))

    assert page.status_code == 200
    assert b"data-action=" not in page.content and b'name="action"' not in page.content
    refused = client.post(reverse("applications:act", args=[case.pk, "accept"]))
    assert refused.status_code == 403
    case.refresh_from_db()
    assert case.status == "submitted"


def test_a_person_with_several_roles_sees_the_union(make_staff, cases):
    from django.contrib.auth.models import Group

    person = make_staff("reviewer", "reviewer-and-secretary")
    person.groups.add(Group.objects.get(name="project_secretary"))
    Secretaryship.objects.update(secretary=person)
    person = User.objects.get(pk=person.pk)

    seen = {name for name, case in cases.items() if Application.objects.visible_to(person).filter(pk=case.pk)}
    loaded = {name for name, case in cases.items() if loading.load_visible(case.number, person)}

    assert seen == loaded == {"scjg", "cgj"}


def test_a_secretary_loses_the_cases_when_the_project_leaves_the_key_list(secretary, cases):
    Project.objects.update(is_key=False)

    assert not Application.objects.visible_to(secretary).exists()
    assert loading.load_visible(cases["cgj"].number, secretary) is None


@pytest.fixture
def agents(district: Any, enterprise_user: Any, cases: Any) -> dict[str, Any]:
    """Three agents (经办人) of the enterprise: one who may apply (and filed a case for
    it), one granted all its cases, one removed; the enterprise's own case is ``cgj``."""
    from dgov.accounts.models import Agent
    from dgov.lib import clock

    enterprise = Applicant.objects.get(user=enterprise_user)
    made = {}
    for name, grants in {
        "filer": {"may_apply": True},
        "watcher": {"may_apply": False, "may_view_all": True},
        "removed": {"may_apply": True, "may_view_all": True, "removed_at": clock.now()},
    }.items():
        made[name] = User.objects.create(username=f"agent-{name}", kind=User.Kind.CITIZEN)
        Agent.objects.create(
            enterprise=enterprise, user=made[name], name=name, phone=f"1380000000{len(made)}",
            added_by=enterprise_user, added_at=clock.now(), **grants,
        )  # fmt: skip
    item = Application.objects.get(pk=cases["cgj"].pk).item
    cases["by_agent"] = file_case(item, enterprise, made["filer"], "v-by-agent")
    return made


AGENTS_SEE = {"filer": {"by_agent"}, "watcher": {"cgj", "by_agent"}, "removed": set()}


def test_an_enterprise_agent_loads_through_the_api_what_the_case_page_shows(agents, cases):
    """Before, ``load_visible`` knew only the applicant's own cases: an agent's filed case
    and the cases a firm granted them opened on the page but answered 404 in the API."""
    for name, person in agents.items():
        assert {case for case, app in cases.items() if loading.load_visible(app.number, person)} == AGENTS_SEE[name]


def test_the_queryset_and_the_loader_agree_for_every_persona_and_every_case(request, agents, cases):
    people = {persona: request.getfixturevalue(persona) for persona in SEES} | agents
    for name, person in people.items():
        for case_name, case in cases.items():
            by_queryset = Application.objects.visible_to(person).filter(pk=case.pk).exists()
            by_loader = loading.load_visible(case.number, person) is not None
            assert by_queryset == by_loader, (name, case_name)
    assert {
        case for case, app in cases.items() if Application.objects.visible_to(agents["watcher"]).filter(pk=app.pk)
    } == {
        "cgj",
        "by_agent",
    }
