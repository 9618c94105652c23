"""``/api/v1/training/``: hours per person against the yearly minimum, for the cockpit."""

from decimal import Decimal
from typing import Annotated, Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Query, Router, Schema

from dgov.lib import clock
from dgov.training import actions, rules

router = Router(tags=["training"])
Year = Annotated[int | None, Query(ge=2000, le=2100)]


class HoursOut(Schema):
    username: str
    name: str
    unit: str
    hours: Decimal
    minimum: Decimal
    below: bool


@router.get("/hours", response=list[HoursOut], summary="Training hours of a year against each person's minimum")
def hours(request: HttpRequest, year: Year = None, below: bool = False) -> list[dict[str, Any]]:
    user = request.user
    if not rules.may_view_hours(user):
        raise PermissionDenied
    rows = actions.hours_of(user.district_id or 0, year or clock.today().year, rules.hours_scope(user))  # type: ignore[union-attr]
    return [
        {
            "username": r.person.username,
            "name": str(r.person),
            "unit": str(r.person.department or ""),
            "hours": r.hours,
            "minimum": r.minimum,
            "below": r.below,
        }
        for r in rows
        if r.below or not below
    ]
