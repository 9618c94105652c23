"""``/api/v1/funds/``: each guidance fund's position, for a staff system or the cockpit
(a staff token that may see the fund)."""

from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Router, Schema

from dgov.api.schemas import Error
from dgov.funds import reports, rules
from dgov.funds.models import Fund

router = Router(tags=["funds"])
ERRORS: dict[int, Any] = dict.fromkeys((400, 401, 403, 404), Error)


class PositionOut(Schema):
    fund: str
    size: Decimal
    committed: Decimal
    paid_out: Decimal
    reserved: Decimal
    proceeds: Decimal
    available: Decimal
    live: int
    proposed: int
    exited: int


@router.get("/positions", response={200: list[PositionOut], **ERRORS}, summary="Each fund's position")
def positions(request: HttpRequest) -> list[dict[str, Any]]:
    if not rules.may_view(request.user):
        raise PermissionDenied
    rows = []
    for fund in Fund.objects.visible_to(request.user).order_by("name"):
        p = reports.position(fund)
        rows.append(
            {
                "fund": fund.name,
                "size": p.size,
                "committed": p.committed,
                "paid_out": p.paid_out,
                "reserved": p.reserved,
                "proceeds": p.proceeds,
                "available": p.available,
                "live": p.live,
                "proposed": p.proposed,
                "exited": p.exited,
            }
        )
    return rows
