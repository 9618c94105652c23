from typing import Any

import pytest

from dgov.accounts.models import Applicant, Department
from dgov.services.actions import do_publish_version
from dgov.services.models import Audience, Material, OnlineLevel, Trips

FOOD_BASIS = "《中华人民共和国食品安全法》第三十五条；《食品经营许可和备案管理办法》"


@pytest.fixture
def item(district: Any, administrator: Any) -> Any:
    data = {
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
        "keywords": "开饭店",
    }
    materials = [
        {
            "name": "食品经营许可申请书",
            "form": Material.Form.ORIGINAL,
            "copies": 1,
            "source": Material.Source.APPLICANT,
            "legal_basis": "《食品经营许可和备案管理办法》第十二条",
            "required": True,
            "rongque": False,
        },
        {
            "name": "营业执照",
            "form": Material.Form.ORIGINAL,
            "copies": 1,
            "source": Material.Source.SHARED,
            "legal_basis": "《食品经营许可和备案管理办法》第十二条",
            "required": True,
            "rongque": False,
        },
    ]
    return do_publish_version(None, {"code": "KC-SCJG-001", **data}, materials, [], by=administrator)


@pytest.fixture
def citizen_applicant(citizen: Any) -> Applicant:
    return Applicant.objects.get(user=citizen)
