"""Facts the platform already holds reach the enterprise's profile without being asked for."""

from decimal import Decimal

import pytest

from dgov.certificates.models import Certificate
from dgov.certificates.tests.conftest import (  # noqa: F401 — the certificates suite's fixtures
    _certificate_settings,
    approved,
    certificate,
    certificate_type,
    citizen_applicant,
    item,
    make_approved,
    seal,
    seal_officer,
)
from dgov.investment.models import Project, Stage
from dgov.policies import matching, platform_facts
from dgov.policies.facts import ENTERPRISE_FACTS

pytestmark = pytest.mark.django_db


def test_projects_and_secretaries_records_become_facts(district, own_profile, make_policy):
    policy = make_policy("key_project = yes; project_investment >= 10000", title="重点项目投资奖励")
    assert platform_facts.refresh() == 0
    for name, amount, stage in [
        ("轨道装备二期", 8000, Stage.SIGNED),
        ("配件厂", 4000, Stage.LAND),
        ("已放弃", 90000, Stage.LOST),
    ]:
        Project.objects.create(
            district=district,
            name=name,
            investor=own_profile.name,
            investor_credit_code=own_profile.credit_code,
            stage=stage,
            is_key=name == "轨道装备二期",
            fixed_asset_investment=Decimal(amount),
        )
    assert platform_facts.refresh() == 1
    own_profile.refresh_from_db()
    assert (own_profile.project_investment, own_profile.key_project) == (Decimal("12000"), True)
    assert own_profile.sources["project_investment"] == "projects"
    assert ENTERPRISE_FACTS.check(policy.parsed_conditions, own_profile, policy.valid_from).qualifies
    assert platform_facts.refresh() == 0  # nothing changed: nothing saved
    matching.run(full=True)
    assert policy.matches.filter(profile=own_profile, active=True).exists()


def test_certificates_issued_on_the_platform_join_what_the_enterprise_holds(own_profile, certificate):  # noqa: F811
    Certificate.objects.filter(pk=certificate.pk).update(
        holder_code=own_profile.credit_code, holder_code_kind="credit_code"
    )
    assert platform_facts.refresh() == 1
    own_profile.refresh_from_db()
    assert own_profile.certificate_set == {"high_tech", "jyxk"}
    Certificate.objects.filter(pk=certificate.pk).update(status="03")  # annulled: no longer held
    assert platform_facts.refresh() == 1
    own_profile.refresh_from_db()
    assert own_profile.certificate_set == {"high_tech"}
