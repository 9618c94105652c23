from typing import Any

import pytest

from dgov.accounts.demo import demo_credit_code
from dgov.accounts.models import Applicant, Department
from dgov.investment.models import Project, Stage
from dgov.lib import clock
from dgov.secretaries import actions
from dgov.services.actions import do_publish_version
from dgov.services.models import Audience, Material, OnlineLevel, Trips

TAIMENG_CODE = demo_credit_code("91220103MA0YBT7W3")


@pytest.fixture(autouse=True)
def documents_root(settings: Any, tmp_path: Any) -> Any:
    settings.DOCUMENTS_ROOT = tmp_path / "uploads"
    return settings.DOCUMENTS_ROOT


@pytest.fixture
def departments(district: Any) -> dict[str, Department]:
    for code, name in [
        ("ZRZY", "长春市自然资源局宽城分局"),
        ("FGJ", "宽城区发展和改革局"),
        ("TCJ", "宽城区投资促进局"),
    ]:
        Department.objects.get_or_create(district=district, code=code, defaults={"name": name})
    return {d.code: d for d in Department.objects.filter(district=district)}


@pytest.fixture
def secretary(make_staff: Any, departments: Any) -> Any:
    return make_staff("project_secretary", "secretary", department="TCJ")


@pytest.fixture
def officer(make_staff: Any, departments: Any) -> Any:
    return make_staff("investment_officer", "officer", department="TCJ")


@pytest.fixture
def land_staff(make_staff: Any, departments: Any) -> Any:
    """Staff of the land department (自然资源局), who answer issues routed there."""
    return make_staff("department_approver", "land", department="ZRZY")


@pytest.fixture
def planning_staff(make_staff: Any, departments: Any) -> Any:
    return make_staff("unit_head", "planning", department="FGJ")


@pytest.fixture
def project(district: Any) -> Project:
    return Project.objects.create(
        district=district,
        name="泰盟智慧化工厂",
        investor="泰盟（长春）智能科技有限公司",
        stage=Stage.SIGNED,
        is_key=True,
        investor_credit_code=TAIMENG_CODE,
    )


@pytest.fixture
def assigned(project: Project, secretary: Any, leader: Any, officer: Any) -> Any:
    import datetime as dt

    return actions.do_assign(
        project, secretary=secretary, leader=leader, by=officer, today=clock.today() - dt.timedelta(days=30)
    )


@pytest.fixture
def item(district: Any, administrator: Any) -> Any:
    data = {
        "name": "建设工程规划许可",
        "kind": Audience.ENTERPRISE,
        "department": Department.objects.get(district=district, code="SCJG"),
        "legal_basis": "《中华人民共和国城乡规划法》第四十条",
        "conditions": "",
        "legal_limit_days": 20,
        "promised_limit_days": 10,
        "max_trips": Trips.ONE,
        "online_level": OnlineLevel.FULL,
        "fees": "",
        "fee_basis": "",
        "keywords": "",
    }
    materials = [
        {
            "name": "申请表",
            "form": Material.Form.ORIGINAL,
            "copies": 1,
            "source": Material.Source.APPLICANT,
            "legal_basis": "同上",
            "required": True,
            "rongque": False,
        }
    ]
    return do_publish_version(None, {"code": "KC-SCJG-009", **data}, materials, [], by=administrator)


@pytest.fixture
def enterprise_applicant(district: Any) -> Applicant:
    return Applicant.objects.create(
        district=district, kind=Applicant.Kind.ENTERPRISE, name="泰盟（长春）智能科技有限公司", credit_code=TAIMENG_CODE
    )
