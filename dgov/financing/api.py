"""``/api/v1/financing/``: the figures of financing matching, for a staff system or the
cockpit (a staff token that may see financing)."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Router, Schema

from dgov.api.schemas import Error
from dgov.financing import reports, rules
from dgov.lib import clock

router = Router(tags=["financing"])
ERRORS: dict[int, Any] = dict.fromkeys((400, 401, 403, 404), Error)


class FiguresOut(Schema):
    start: dt.date
    end: dt.date
    needs: int
    matched: int
    financed: int
    amount_asked: Decimal
    amount_granted: Decimal
    average_rate: Decimal | None
    answers: int
    mean_days_to_answer: Decimal | None
    answered_on_time: int
    escalated_now: int


@router.get("/figures", response={200: FiguresOut, **ERRORS}, summary="Needs, matched, financed, rate, days to answer")
def figures(request: HttpRequest, start: dt.date | None = None, end: dt.date | None = None) -> dict[str, Any]:
    if not rules.may_view(request.user):
        raise PermissionDenied
    today = clock.today()
    start, end = start or dt.date(today.year, 1, 1), end or today
    found = reports.figures(request.user.district_id, start, end)  # type: ignore[union-attr,arg-type]
    return {"start": start, "end": end, **found.__dict__}
