import datetime as dt
from typing import Any

import pytest

from dgov.accounts.models import Department
from dgov.applications.tests.conftest import item  # noqa: F401 — a published service item
from dgov.campaigns.models import Campaign


@pytest.fixture
def campaign(district: Any) -> Campaign:
    return Campaign.objects.create(
        district=district,
        theme="解放思想推动宽城高质量发展大讨论",
        starts_on=dt.date(2018, 10, 24),
        ends_on=dt.date(2018, 12, 31),
        publication_deadline=dt.date(2018, 11, 15),
    )


@pytest.fixture
def unit(district: Any) -> Department:
    return Department.objects.get(district=district, code="SCJG")


@pytest.fixture
def other_unit(district: Any) -> Department:
    return Department.objects.get_or_create(district=district, code="WJJ", defaults={"name": "宽城区卫生健康局"})[0]


@pytest.fixture
def head(make_staff: Any) -> Any:
    """The head of the market-supervision bureau."""
    return make_staff("unit_head", "head")


@pytest.fixture
def other_head(make_staff: Any, other_unit: Department) -> Any:
    return make_staff("unit_head", "other_head", department="WJJ")
