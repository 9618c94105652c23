import datetime as dt
import itertools
from collections.abc import Callable, Sequence
from typing import Any

import pytest

from dgov.accounts.models import Applicant, Department, ServiceWindow
from dgov.applications import actions
from dgov.applications.models import Application, Channel
from dgov.cockpit import summary
from dgov.ratings import actions as rating_actions
from dgov.ratings.models import Level, Rectification, Source
from dgov.services.actions import do_publish_version
from dgov.services.models import Audience, Material, OnlineLevel, Trips

_keys = itertools.count(1)


def publish(district: Any, by: Any, code: str, *, department: str = "SCJG", max_trips: int = Trips.ONE) -> Any:
    data = {
        "district": district,
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
                actions.do_stop_clock(
                    application, by=approver, procedure="现场核查", expected_days=3, notice="现场核查"
                )
            elif verb == "resume":
                actions.do_resume_clock(application, by=approver)
            elif verb == "extend":
                actions.do_extend(application, by=approver, days=5, reason="情况复杂")
            else:
                raise AssertionError(verb)
        application.refresh_from_db()
        return application

    return run


def refresh() -> None:
    """Run the summary's passes until they have read everything."""
    while summary.refresh_cases() or summary.refresh_ratings():
        pass


@pytest.fixture
def history(district, items, walk, citizen, supervisor, approver, clock):
    """Cases of two months through every step the figures count."""
    one, none, health = items["one"], items["none"], items["health"]
    cases = {
        "done_online": walk(one, on=dt.date(2026, 3, 2), steps=["accept", "review", ("approve", 1), ("complete", 1)]),
        "done_at_window": walk(
            one,
            on=dt.date(2026, 3, 3),
            at_window=True,
            steps=["visit", "accept", "review", "approve", "visit", "complete"],
        ),
        "late": walk(none, on=dt.date(2026, 3, 4), steps=["accept", ("review", 30), "approve", "complete"]),
        "supplemented": walk(one, on=dt.date(2026, 3, 5), steps=["supplement", ("accept", 1), "review", "deny"]),
        "refused": walk(health, on=dt.date(2026, 3, 9), steps=["refuse"]),
        "deemed": walk(health, on=dt.date(2026, 3, 10), steps=[("deem", 10)]),
        "stopped": walk(one, on=dt.date(2026, 3, 30), steps=["accept", ("stop", 1), ("resume", 3), ("extend", 1)]),
        "april": walk(health, on=dt.date(2026, 4, 1), steps=["accept", "review", "approve", ("complete", 2)]),
        "open": walk(one, on=dt.date(2026, 4, 2)),
    }
    clock.set(dt.date(2026, 4, 8))
    good = rating_actions.do_rate(cases["done_online"], level=Level.VERY_SATISFIED, source=Source.PAGE, by=citizen)
    bad = rating_actions.do_rate(cases["refused"], level=Level.DISSATISFIED, source=Source.PAGE, by=citizen)
    worse = rating_actions.do_rate(cases["supplemented"], level=Level.VERY_DISSATISFIED, source=Source.PAGE, by=citizen)
    rectification = Rectification.objects.get(rating=bad)
    rating_actions.do_record_callback(rectification, by=supervisor, note="已回访")
    rating_actions.do_record_fix(rectification, by=supervisor, fix="已整改")
    rating_actions.do_reply(rectification, by=supervisor, reply="已答复")
    appeal = rating_actions.do_file_appeal(worse, by=approver, ground="malicious", reason="与本事项无关的恶意评价")
    rating_actions.do_decide_appeal(appeal, by=supervisor, uphold=True, decision="查实为恶意评价")
    return {**cases, "good": good}
