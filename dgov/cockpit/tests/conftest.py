import datetime as dt
import itertools
from collections.abc import Callable, Sequence
from typing import Any

import pytest

from dgov.accounts.models import Applicant, Department, ServiceWindow
from dgov.applications import actions
from dgov.applications.models import Application, Channel
from dgov.services.actions import do_publish_version
from dgov.services.models import Audience, Material, OnlineLevel, Trips

_keys = itertools.count(1)


def publish(district: Any, by: Any, code: str, *, department: str = "SCJG", max_trips: int = Trips.ONE) -> Any:
    data = {
        "code": code,
        "name": f"事项{code}",
        "kind": Audience.ENTERPRISE,
        "department": Department.objects.get(district=district, code=department),
        "legal_basis": "《中华人民共和国行政许可法》",
        "conditions": "",
        "legal_limit_days": 20,
        "promised_limit_days": 5,
        "max_trips": max_trips,
        "online_level": OnlineLevel.FULL,
        "fees": "",
        "fee_basis": "",
        "keywords": "",
    }
    material = {
        "name": "申请书",
        "form": Material.Form.ORIGINAL,
        "copies": 1,
        "source": Material.Source.APPLICANT,
        "legal_basis": "《中华人民共和国行政许可法》第二十九条",
        "required": True,
        "rongque": False,
    }
    return do_publish_version(None, data, [material], [], by=by)


@pytest.fixture
def items(district: Any, administrator: Any) -> dict[str, Any]:
    Department.objects.get_or_create(district=district, code="WJJ", defaults={"name": "宽城区卫生健康局"})
    return {
        "one": publish(district, administrator, "KC-SCJG-001"),
        "none": publish(district, administrator, "KC-SCJG-002", max_trips=Trips.NONE),
        "health": publish(district, administrator, "KC-WJJ-001", department="WJJ"),
    }


@pytest.fixture
def window(district: Any) -> Any:
    return ServiceWindow.objects.get(district=district, number="01")


@pytest.fixture
def walk(
    clock: Any, clerk: Any, reviewer: Any, approver: Any, citizen: Any, window: Any, make_staff: Any
) -> Callable[..., Application]:
    """``walk(item, on=date, steps=[...])``: a case filed on ``on`` and taken through
    ``steps``, each a verb or (verb, days later); the clock moves with it."""
    applicant = Applicant.objects.get(user=citizen)
    clerk.window = window
    clerk.save()
    deciders = {reviewer.department_id: (reviewer, approver)}

    def staff_of(application: Application) -> tuple[Any, Any]:
        if application.department_id not in deciders:
            code = application.department.code
            deciders[application.department_id] = (
                make_staff("reviewer", f"reviewer_{code}", department=code),
                make_staff("department_approver", f"approver_{code}", department=code),
            )
        return deciders[application.department_id]

    def run(item: Any, *, on: dt.date, steps: Sequence[Any] = (), at_window: bool = False) -> Application:
        clock.set(on)
        application, _new = actions.do_submit(
            item=item,
            applicant=applicant,
            by=clerk if at_window else citizen,
            channel=Channel.WINDOW if at_window else Channel.ONLINE,
            window=window if at_window else None,
            idempotency_key=f"k{next(_keys)}",
        )
        day = on
        for step in steps:
            verb, later = (step, 0) if isinstance(step, str) else step
            day = day + dt.timedelta(days=later)
            clock.set(day)
            application.refresh_from_db()
            reviewer, approver = staff_of(application)
            if verb == "supplement":
                material = application.item_version.materials.first()
                actions.do_request_supplement(application, by=clerk, problems=[(material, "缺签字")])
                application.refresh_from_db()
                actions.do_supplement(application, by=clerk, documents=[(material, None)])
            elif verb == "refuse":
                actions.do_refuse(application, by=clerk, reasons="不属于本机关职权")
            elif verb == "accept":
                actions.do_accept(application, by=clerk)
            elif verb == "deem":
                actions.deem_accepted()
            elif verb == "review":
                actions.do_review(application, by=reviewer, note="齐全")
            elif verb == "approve":
                actions.do_decide(application, by=approver, approve=True)
            elif verb == "deny":
                actions.do_decide(application, by=approver, approve=False, reasons="不符合条件")
            elif verb == "complete":
                actions.do_complete(application, by=clerk)
            elif verb == "visit":
                actions.do_check_in(application, by=clerk, window=window)
            elif verb == "stop":
                actions.do_stop_clock(application, by=approver, procedure="现场核查", expected_days=3, notice="现场核查")
            elif verb == "resume":
                actions.do_resume_clock(application, by=approver)
            elif verb == "extend":
                actions.do_extend(application, by=approver, days=5, reason="情况复杂")
            else:
                raise AssertionError(verb)
        application.refresh_from_db()
        return application

    return run
