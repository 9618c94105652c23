"""Cases for tests that need applications in several places (visibility, the role × URL
matrix): an item published in a department of a district, and a case filed under it."""

from typing import Any

from dgov.accounts.models import Department
from dgov.applications import actions
from dgov.applications.models import Application, Channel
from dgov.services.actions import do_publish_version
from dgov.services.models import Audience, Material, OnlineLevel, Trips

BASIS = "《中华人民共和国行政许可法》第二十九条"


def department(district: Any, code: str, name: str, kind: str = Department.Kind.DEPARTMENT) -> Department:
    return Department.objects.get_or_create(district=district, code=code, defaults={"name": name, "kind": kind})[0]


def publish_item(district: Any, unit: Department, code: str, name: str = "食品经营许可") -> Any:
    """A published item of ``unit`` with one material the applicant hands in."""
    data = {
        "code": code,
        "district": district,
        "name": name,
        "kind": Audience.ENTERPRISE,
        "department": unit,
        "legal_basis": BASIS,
        "conditions": "有与经营相适应的场所。",
        "legal_limit_days": 20,
        "promised_limit_days": 5,
        "max_trips": Trips.ONE,
        "online_level": OnlineLevel.FULL,
        "fees": "",
        "fee_basis": "",
        "keywords": name,
    }
    material = {
        "name": "申请书",
        "form": Material.Form.ORIGINAL,
        "copies": 1,
        "source": Material.Source.APPLICANT,
        "legal_basis": BASIS,
        "required": True,
        "rongque": False,
    }
    return do_publish_version(None, data, [material], [], by=None)


def file_case(item: Any, applicant: Any, by: Any, key: str, document: Any = None) -> Application:
    """An application filed online by ``by`` for ``applicant`` (its material ``document``)."""
    material = item.current_version.materials.first()
    application, _created = actions.do_submit(
        item=item,
        applicant=applicant,
        by=by,
        channel=Channel.ONLINE,
        idempotency_key=key,
        materials=[(material, document, False)],
    )
    return application
