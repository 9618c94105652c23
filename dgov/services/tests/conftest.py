from collections.abc import Callable
from typing import Any

import pytest

from dgov.accounts.models import Department
from dgov.services.actions import do_publish_version
from dgov.services.models import Audience, Material, OnlineLevel, ServiceItem, Trips

FOOD_BASIS = "《中华人民共和国食品安全法》第三十五条；《食品经营许可和备案管理办法》"


@pytest.fixture(autouse=True)
def _administrators_manage_the_catalogue(db: Any) -> None:
    # Until roles.py grants it (the lead's change), give the administrator group the
    # permission here; once granted this is a no-op.
    from django.contrib.auth.models import Group, Permission

    from dgov.accounts.roles import sync_roles

    sync_roles()
    permission = Permission.objects.get(content_type__app_label="services", codename="manage_catalogue")
    Group.objects.get(name="administrator").permissions.add(permission)


def guide_data(district: Any, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "食品经营许可",
        "kind": Audience.ENTERPRISE,
        "department": Department.objects.get(district=district, code="SCJG"),
        "legal_basis": FOOD_BASIS,
        "conditions": "有与经营的食品品种、数量相适应的经营场所。",
        "legal_limit_days": 20,
        "promised_limit_days": 5,
        "max_trips": Trips.ONE,
        "online_level": OnlineLevel.FULL,
        "fees": "",
        "fee_basis": "",
        "keywords": "开饭店 开餐馆 卖熟食",
    }
    data.update(overrides)
    return data


def material(name: str = "食品经营许可申请书", **overrides: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "name": name,
        "form": Material.Form.ORIGINAL,
        "copies": 1,
        "source": Material.Source.APPLICANT,
        "legal_basis": "《食品经营许可和备案管理办法》第十二条",
        "required": True,
        "rongque": False,
    }
    row.update(overrides)
    return row


@pytest.fixture
def publish(district: Any, administrator: Any) -> Callable[..., ServiceItem]:
    def make(
        code: str = "SCJG-001",
        *,
        item: ServiceItem | None = None,
        materials: list[dict[str, Any]] | None = None,
        procedures: list[dict[str, Any]] | None = None,
        **overrides: Any,
    ) -> ServiceItem:
        data = guide_data(district, code=code, **overrides)
        return do_publish_version(
            item,
            data,
            materials if materials is not None else [material()],
            procedures or [],
            administrator,
        )

    return make
