"""The API's one-statement read (``loading.load_visible``) admits exactly what
``Application.objects.visible_to`` admits (``models.visibility``, decision 0025), for
every persona of the root conftest and for an enterprise's agents (经办人)."""

from typing import Any

import pytest
from django.utils import timezone

from dgov.accounts.models import Agent, Applicant, User
from dgov.api.tests.conftest import bearer  # noqa: F401 — the fixture ``cases`` asks for
from dgov.applications import loading
from dgov.applications.models import Application, Visibility, visibility
from dgov.applications.testing import file_case
from dgov.applications.tests.test_visibility import SEES, cases  # noqa: F401 — the shared cases

pytestmark = pytest.mark.django_db

PERSONAS = sorted({*SEES, "bank_officer"})
# Who acts through the API on every transition: the literal statement serves them.
HOT = {"citizen", "enterprise_user", "clerk", "seal_officer", "reviewer", "approver"}


def _agree(person: Any, applications: list[Application]) -> set[str]:
    """The numbers ``person`` sees, after checking that both reads say the same."""
    seen = set()
    for case in applications:
        by_orm = Application.objects.visible_to(person).filter(pk=case.pk).exists()
        loaded = loading.load_visible(case.number, person)
        assert (loaded is not None) == by_orm, (person.username, case.number)
        if loaded is not None:
            assert loaded.pk == case.pk
            seen.add(case.number)
    return seen


def test_the_literal_read_and_visible_to_agree_for_every_persona(request, cases):  # noqa: F811
    # One set of cases for all personas (cheap: no parametrisation).
    literal = set()
    for persona in PERSONAS:
        person = request.getfixturevalue(persona)
        _agree(person, list(cases.values()))
        seen = visibility(person)
        if seen is not None and loading.visible_shape(seen) is not None:
            literal.add(persona)

    assert literal >= HOT  # the hot roles never fall back to the ORM
    assert "secretary" not in literal  # the key-project clause is read through the ORM, not copied


def test_an_enterprises_agents_see_what_the_enterprise_granted_them(cases, enterprise_user, clerk):  # noqa: F811
    enterprise = Applicant.objects.get(user=enterprise_user)
    employee = User.objects.create(username="employee", kind=User.Kind.CITIZEN)
    agent = Agent.objects.create(
        enterprise=enterprise, user=employee, name="张三", phone="13900000000", may_apply=True,
        added_by=enterprise_user, added_at=timezone.now(),
    )  # fmt: skip
    own = file_case(cases["cgj"].item, enterprise, employee, "by-employee")
    applications = [*cases.values(), own]

    assert _agree(employee, applications) == {own.number}  # may_apply: what they filed
    Agent.objects.filter(pk=agent.pk).update(may_view_all=True)
    assert _agree(employee, applications) == {own.number, cases["cgj"].number}
    Agent.objects.filter(pk=agent.pk).update(removed_at=timezone.now())
    assert _agree(employee, applications) == set()


def test_a_shape_the_literal_reads_do_not_know_goes_through_the_orm():
    assert loading.visible_shape(Visibility(applicant_user_id=1)) == "own"
    assert loading.visible_shape(Visibility(district_id=1, whole_district=True, secretary_id=2)) == "district"
    assert loading.visible_shape(Visibility(district_id=1, department_id=3)) == "department"
    assert loading.visible_shape(Visibility(district_id=1, department_id=3, secretary_id=2)) is None
    assert loading.visible_shape(Visibility(district_id=1, secretary_id=2)) is None
