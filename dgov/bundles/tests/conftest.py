"""Two departments' items that share one material, their officers, and a bundle of them."""

from typing import Any

import pytest

from dgov.accounts.models import Applicant, Department
from dgov.bundles.models import Bundle, BundleItem, OnDenial
from dgov.services.actions import do_publish_version
from dgov.services.models import Audience, Material, OnlineLevel, Trips

FOOD_BASIS = "《中华人民共和国食品安全法》第三十五条"
DRAIN_BASIS = "《城镇排水与污水处理条例》第二十一条"
LEASE = "经营场所租赁合同"


def publish(code: str, name: str, department: Any, basis: str, legal: int, materials: list[tuple[str, str]], by: Any):
    data = {
        "code": code,
        "name": name,
        "kind": Audience.ENTERPRISE,
        "department": department,
        "legal_basis": basis,
        "conditions": "",
        "legal_limit_days": legal,
        "promised_limit_days": min(legal, 5),
        "max_trips": Trips.ONE,
        "online_level": OnlineLevel.FULL,
        "fees": "",
        "fee_basis": "",
        "keywords": "开饭店",
    }
    rows = [
        {"name": n, "source": source, "legal_basis": basis, "required": True, "form": Material.Form.ORIGINAL}
        for n, source in materials
    ]
    return do_publish_version(None, data, rows, [], by=by)


@pytest.fixture
def departments(district: Any) -> dict[str, Department]:
    scjg = Department.objects.get(district=district, code="SCJG")
    zjj, _ = Department.objects.get_or_create(
        district=district, code="ZJJ", defaults={"name": "宽城区住房和城乡建设局"}
    )
    return {"SCJG": scjg, "ZJJ": zjj}


@pytest.fixture
def food_item(departments: Any, administrator: Any) -> Any:
    return publish(
        "KC-SCJG-008",
        "食品经营许可",
        departments["SCJG"],
        FOOD_BASIS,
        10,
        [
            ("食品经营许可申请书", Material.Source.APPLICANT),
            (LEASE, Material.Source.APPLICANT),
            ("营业执照", Material.Source.SHARED),
        ],
        administrator,
    )


@pytest.fixture
def drain_item(departments: Any, administrator: Any) -> Any:
    return publish(
        "KC-ZJJ-005",
        "城镇污水排入排水管网许可",
        departments["ZJJ"],
        DRAIN_BASIS,
        15,
        [
            ("排水许可申请表", Material.Source.APPLICANT),
            (LEASE, Material.Source.APPLICANT),
            ("营业执照", Material.Source.SHARED),
        ],
        administrator,
    )


def make_bundle(district: Any, items: list[Any], *, on_denial: str = OnDenial.CONTINUE, limit: int = 25) -> Bundle:
    bundle = Bundle.objects.create(
        district=district, code="restaurant", name="我要开饭店", limit_days=limit, on_denial=on_denial
    )
    for order, item in enumerate(items, start=1):
        BundleItem.objects.create(bundle=bundle, item=item, order=order)
    return bundle


@pytest.fixture
def bundle(district: Any, food_item: Any, drain_item: Any) -> Bundle:
    return make_bundle(district, [food_item, drain_item])


@pytest.fixture
def stopping_bundle(district: Any, food_item: Any, drain_item: Any) -> Bundle:
    return make_bundle(district, [food_item, drain_item], on_denial=OnDenial.STOP)


@pytest.fixture
def officers(make_staff: Any, departments: Any) -> dict[str, Any]:
    return {
        "scjg_reviewer": make_staff("reviewer", "scjg_reviewer", department="SCJG"),
        "scjg_approver": make_staff("department_approver", "scjg_approver", department="SCJG"),
        "zjj_reviewer": make_staff("reviewer", "zjj_reviewer", department="ZJJ"),
        "zjj_approver": make_staff("department_approver", "zjj_approver", department="ZJJ"),
    }


@pytest.fixture
def citizen_applicant(citizen: Any) -> Applicant:
    return Applicant.objects.get(user=citizen)


SCJG_CREDIT_CODE = "11220103MB1234567Y"
ZJJ_CREDIT_CODE = "11220103MB7654321U"


def certificates_for(district: Any, departments: Any, food_item: Any, drain_item: Any) -> None:
    """Certificate types for both items and a valid seal for each department."""
    import datetime as dt

    from dgov.certificates.ca import do_create_seal
    from dgov.certificates.models import CertificateType
    from dgov.lib import clock

    today = clock.today()
    for code, credit_code, type_code, name, item in (
        ("SCJG", SCJG_CREDIT_CODE, "JYXK", "食品经营许可证", food_item),
        ("ZJJ", ZJJ_CREDIT_CODE, "PSXK", "城镇污水排入排水管网许可证", drain_item),
    ):
        department = departments[code]
        Department.objects.filter(pk=department.pk).update(credit_code=credit_code)
        CertificateType.objects.create(district=district, code=type_code, name=name, item=item)
        do_create_seal(
            district=district,
            department=department,
            name=f"{department.name}行政审批专用章",
            valid_from=today - dt.timedelta(days=1),
            valid_to=today + dt.timedelta(days=3650),
        )
