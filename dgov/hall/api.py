"""``/api/v1/hall/``: the queue now and the waiting and service figures, for staff systems
and the cockpit."""

import datetime as dt
from typing import Any, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema

from dgov.accounts.access import is_staff
from dgov.hall import reports
from dgov.hall.models import HallItem
from dgov.hall.permissions import CALL, MANAGE, VIEW_FIGURES
from dgov.lib import clock

router = Router(tags=["hall"])


class QueueOut(Schema):
    prefix: str
    item: str
    waiting: int


class FiguresIn(Schema):
    start: dt.date
    end: dt.date
    by: Literal["item", "window", "hour"] = "item"


class FigureOut(Schema):
    key: int | None
    label: str
    tickets: int
    served: int
    no_shows: int
    mean_wait_minutes: float | None
    longest_wait_minutes: float | None
    mean_service_minutes: float | None


def _staff(request: HttpRequest, *permissions: str) -> Any:
    user = request.user
    if not is_staff(user) or not any(user.has_perm(p) for p in permissions):
        raise PermissionDenied
    return user


@router.get("/queue", response=list[QueueOut], summary="People waiting now, per item of the hall")
def queue(request: HttpRequest) -> list[dict[str, Any]]:
    user = _staff(request, CALL, MANAGE, VIEW_FIGURES)
    waiting = reports.waiting_now(user.district_id, clock.today())
    return [
        {"prefix": h.prefix, "item": h.name, "waiting": waiting.get(h.pk, 0)}
        for h in HallItem.objects.filter(district_id=user.district_id, active=True).select_related(
            "item__current_version"
        )
    ]


@router.get("/figures", response=list[FigureOut], summary="Waiting and service times per item, window or hour")
def figures(request: HttpRequest, params: Query[FiguresIn]) -> list[reports.Row]:
    user = _staff(request, VIEW_FIGURES)
    if params.start > params.end or (params.end - params.start).days > 366:
        raise ValidationError(_("Choose a period of at most one year, the start before the end."))
    return reports.figures(user.district_id, params.start, params.end, params.by)
