"""``/api/v1/events/``: target coverage and follow-ups due, for the cockpit."""

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Router, Schema

from dgov.events import reports, rules
from dgov.events.models import TargetCategory
from dgov.lib import clock

router = Router(tags=["events"])


class CoverageOut(Schema):
    list: str
    contacted: int
    total: int


class FollowUpOut(Schema):
    enterprise: str
    follow_up: str
    due: dt.date
    due_provisional: bool  # its year has no official calendar yet: the day it falls due may move
    light: str
    event: str


def _viewer(request: HttpRequest) -> Any:
    if not rules.may_view(request.user):
        raise PermissionDenied
    return request.user


@router.get("/targets", response=list[CoverageOut], summary="Targets per list and how many have been contacted")
def targets(request: HttpRequest) -> list[dict[str, Any]]:
    user = _viewer(request)
    coverage = reports.coverage(user.district_id)
    return [
        {"list": str(label), "contacted": coverage.get(value, (0, 0))[0], "total": coverage.get(value, (0, 0))[1]}
        for value, label in TargetCategory.choices
    ]


@router.get("/follow-ups", response=list[FollowUpOut], summary="Follow-ups of trips and events not done yet")
def follow_ups(request: HttpRequest) -> list[dict[str, Any]]:
    user = _viewer(request)
    return [
        {
            "enterprise": m.enterprise,
            "follow_up": m.follow_up,
            "due": m.follow_up_due,
            "due_provisional": m.due.provisional,  # type: ignore[attr-defined]
            "light": str(m.light),  # type: ignore[attr-defined]
            "event": m.event.title,
        }
        for m in reports.open_follow_ups(user.district_id, clock.today())
    ]
