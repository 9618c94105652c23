import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from dgov.accounts.models import Department, ServiceWindow
from dgov.hall import actions
from dgov.hall.models import HallItem
from dgov.services.actions import do_publish_version
from dgov.services.models import Audience, Material, OnlineLevel, Trips


def publish(district: Any, by: Any, code: str, name: str, trips: int = Trips.ONE) -> Any:
    data = {
        "name": name,
        "kind": Audience.CITIZEN,
        "department": Department.objects.get(district=district, code="SCJG"),
        "legal_basis": "《中华人民共和国行政许可法》",
        "conditions": "",
        "legal_limit_days": 20,
        "promised_limit_days": 5,
        "max_trips": trips,
        "online_level": OnlineLevel.FULL,
        "fees": "",
        "fee_basis": "",
        "keywords": "",
    }
    materials = [
        {
            "name": "申请书",
            "form": Material.Form.ORIGINAL,
            "copies": 1,
            "source": Material.Source.APPLICANT,
            "legal_basis": "同上",
            "required": True,
            "rongque": False,
        }
    ]
    return do_publish_version(None, {"code": code, **data}, materials, [], by=by)


@pytest.fixture
def windows(district: Any) -> list[ServiceWindow]:
    centre = Department.objects.get(district=district, code="ZWFW")
    second, _ = ServiceWindow.objects.get_or_create(
        district=district, number="02", defaults={"service_centre": centre, "name": "市场监管窗口"}
    )
    return [ServiceWindow.objects.get(district=district, number="01"), second]


@pytest.fixture
def items(district: Any, administrator: Any) -> list[Any]:
    return [
        publish(district, administrator, "KC-SCJG-101", "个体工商户登记"),
        publish(district, administrator, "KC-SCJG-102", "食品经营许可"),
    ]


@pytest.fixture
def hall_items(items: list[Any], windows: list[ServiceWindow], supervisor: Any) -> list[HallItem]:
    """A: registration at both windows; B: food licences at window 02 only."""
    return [
        actions.do_set_hall_item(items[0], prefix="A", windows=windows, by=supervisor),
        actions.do_set_hall_item(items[1], prefix="B", windows=[windows[1]], by=supervisor),
    ]


@pytest.fixture
def clerk_at(make_staff: Any, windows: list[ServiceWindow]) -> Any:
    """``clerk_at(0)``: a window clerk sitting at window 01 (``1``: at 02)."""
    made: dict[int, Any] = {}

    def make(index: int) -> Any:
        if index not in made:
            clerk = make_staff("window_clerk", f"clerk{index + 1}", department="ZWFW")
            clerk.window = windows[index]
            clerk.save(update_fields=["window"])
            made[index] = clerk
        return made[index]

    return make


@pytest.fixture
def morning(clock: Any) -> Any:
    """10:00 on a Wednesday."""
    moment = timezone.make_aware(dt.datetime(2026, 12, 2, 10, 0))
    clock.set(moment)
    return moment
