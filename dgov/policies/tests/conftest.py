import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from dgov.accounts.models import Applicant, Department
from dgov.lib.idnumbers import uscc_check_character
from dgov.policies.actions import profile_for
from dgov.policies.facts import ENTERPRISE_FACTS
from dgov.policies.models import EnterpriseProfile, Policy, PolicyStatus, certificate_text

TODAY = dt.date(2026, 6, 15)


@pytest.fixture(autouse=True)
def _today(clock: Any) -> Any:
    clock.set(TODAY)
    return clock


def credit_code(n: int) -> str:
    body = f"91220103MA{n:07d}"
    return body + uscc_check_character(body)


@pytest.fixture
def make_profile(district: Any) -> Any:
    counter = iter(range(1, 10**6))

    def make(name: str | None = None, *, user: Any = None, **facts: Any) -> EnterpriseProfile:
        n = next(counter)
        applicant = Applicant.objects.create(
            district=district,
            user=user,
            kind=Applicant.Kind.ENTERPRISE,
            name=name or f"企业{n}",
            credit_code=credit_code(n),
        )
        profile = profile_for(applicant)
        if "certificates" in facts:
            facts["certificates"] = certificate_text(facts["certificates"])
        for key, value in facts.items():
            setattr(profile, key, value)
        profile.save()
        return profile

    return make


@pytest.fixture
def own_profile(enterprise_user: Any) -> EnterpriseProfile:
    profile = profile_for(Applicant.objects.get(user=enterprise_user))
    profile.industry_code = "C3720"
    profile.size_class = "small"
    profile.employees = 80
    profile.founded_on = dt.date(2019, 3, 1)
    profile.revenue = Decimal("5000")
    profile.rd_spend = Decimal("300")
    profile.certificates = certificate_text(["high_tech"])
    profile.save()
    return profile


@pytest.fixture
def make_policy(district: Any, enterprise_officer: Any) -> Any:
    def make(conditions: str = "", **fields: Any) -> Policy:
        values: dict[str, Any] = {
            "title": "高新技术企业认定奖励",
            "issuer": "长春市宽城区人民政府",
            "department": Department.objects.get(district=district, code="SCJG"),
            "valid_from": dt.date(2026, 1, 1),
            "valid_to": dt.date(2026, 12, 31),
            "mode": "one_click",
            "benefit_kind": "fixed",
            "benefit_amount": Decimal("10"),
            "status": PolicyStatus.PUBLISHED,
        }
        values.update(fields)
        return Policy.objects.create(
            district=district,
            created_by=enterprise_officer,
            conditions=[c.as_data() for c in ENTERPRISE_FACTS.parse_text(conditions)],
            **values,
        )

    return make
