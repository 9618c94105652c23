from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from dgov.investment import actions
from dgov.investment.models import (
    Gate,
    IncentiveInstalment,
    IncentiveRule,
    IncentiveTier,
    Industry,
    Orientation,
    Project,
    Stage,
)


@pytest.fixture
def rule(district: Any) -> IncentiveRule:
    """The published practice: 3‰ to 1,000万, 4‰ to 1亿, 5‰ above, capped at 100万, paid
    half at 开工 and half at 投产."""
    rule = IncentiveRule.objects.create(district=district, name="rule", floor_fixed_assets=3000, cap=100)
    IncentiveTier.objects.create(rule=rule, up_to=Decimal(1000), rate_permille=Decimal(3))
    IncentiveTier.objects.create(rule=rule, up_to=Decimal(10000), rate_permille=Decimal(4))
    IncentiveTier.objects.create(rule=rule, up_to=None, rate_permille=Decimal(5))
    IncentiveInstalment.objects.create(rule=rule, stage=Stage.CONSTRUCTION, percent=50)
    IncentiveInstalment.objects.create(rule=rule, stage=Stage.OPERATION, percent=50)
    return rule


@pytest.fixture
def encouraged(district: Any) -> Industry:
    return Industry.objects.create(
        district=district, code="C37", name="轨道交通装备制造", orientation=Orientation.ENCOURAGED, chain="轨道交通装备"
    )


@pytest.fixture
def barred(district: Any) -> Industry:
    return Industry.objects.create(district=district, code="C26X", name="高耗能化工", orientation=Orientation.BARRED)


@pytest.fixture
def make_project(district: Any, officer: Any, encouraged: Industry) -> Callable[..., Project]:
    def make(name: str = "南京康尼门系统", **facts: Any) -> Project:
        data: dict[str, Any] = {
            "name": name,
            "investor": "南京康尼机电股份有限公司",
            "industry": encouraged,
            "agreed_amount": Decimal(10000),
            "fixed_asset_investment": Decimal(8000),
            "expected_tax": Decimal(800),
            "land_mu": Decimal(40),
            "energy_tce": Decimal(300),
            "electricity_kwh": Decimal(200),
        }
        return actions.do_create_project(district, data | facts, by=officer)

    return make


@pytest.fixture
def at_intent(make_project: Callable[..., Project], officer: Any) -> Project:
    project = make_project()
    actions.do_advance(project, by=officer)
    actions.do_advance(project, by=officer)
    assert project.stage == Stage.LETTER_OF_INTENT
    return project


def pass_gates(project: Project, leader: Any) -> None:
    for gate in Gate:
        actions.do_review_gate(project, gate, passed=True, by=leader, reference="宽发改能审〔2018〕1号")


def login(client: Any, user: Any) -> Any:
    client.force_login(user)
    return client
