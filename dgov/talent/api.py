"""``/api/v1/talent/``: talent figures for a staff system or the cockpit (a staff token
that may see the register). No personal data leaves through it."""

from typing import Annotated, Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Query, Router, Schema

from dgov.api.schemas import Error
from dgov.lib import clock
from dgov.talent import reports, rules

router = Router(tags=["talent"])
ERRORS: dict[int, Any] = dict.fromkeys((400, 401, 403, 404), Error)


class FiguresOut(Schema):
    year: int
    total: int
    this_year: int
    brought_in: int
    by_tier: dict[str, int]
    awarded_amount: float


@router.get("/figures", response={200: FiguresOut, **ERRORS}, summary="Talents landed, by class; awards")
def figures(request: HttpRequest, year: Annotated[int | None, Query(ge=2000, le=2100)] = None) -> dict[str, Any]:
    if not rules.may_view(request.user):
        raise PermissionDenied
    year = year or clock.today().year
    found = reports.figures(request.user.district_id, year)  # type: ignore[union-attr,arg-type]
    return {"year": year, **found, "awarded_amount": float(found["awarded_amount"])}
