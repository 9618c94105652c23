"""Ratings in the API (``/api/v1/ratings/``): the applicant's own token rates a finished
case, or one visit of it; a second rating is a 409 (``Conflict``). Errors of the ``do_*``
functions become status codes through the API's handlers (403 with the reason of
``rules.may_rate``, 400, 404, 409)."""

import datetime as dt
from typing import Any

from django.db.models import Q
from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema
from ninja.responses import Status as Reply

from dgov.accounts.access import AuthedRequest
from dgov.api.schemas import CaseNumber, Error, Id
from dgov.applications.models import Application, Visit
from dgov.ratings import actions
from dgov.ratings.models import Level, Rating, Source

router = Router(tags=["ratings"])
ERRORS: dict[int, Any] = dict.fromkeys((400, 401, 403, 404, 409), Error)


class RatingIn(Schema):
    level: int = Field(..., ge=1, le=5, description="5 very satisfied … 1 very dissatisfied")
    comment: str = Field("", max_length=500)
    visit: Id | None = None


class RatingOut(Schema):
    application: str
    visit: int | None
    level: int
    level_label: str
    comment: str
    source: str
    rated_on: dt.date
    rectification_due: dt.date | None = None


def _own_application(request: HttpRequest, number: CaseNumber) -> Application:
    """The caller's own case (404 alike for missing and someone else's)."""
    try:
        return (
            Application.objects.select_related("applicant", "district")
            .order_by()
            .get(Q(applicant__user_id=request.user.pk), number=number.strip().upper())
        )
    except Application.DoesNotExist:
        raise Http404 from None


def _out(rating: Rating) -> dict[str, Any]:
    rectification = getattr(rating, "rectification", None) if rating.is_bad else None
    return {
        "application": rating.application.number,
        "visit": rating.visit_id,
        "level": rating.level,
        "level_label": str(Level(rating.level).label),
        "comment": rating.comment,
        "source": rating.source,
        "rated_on": rating.rated_on,
        "rectification_due": rectification.deadline.due_date if rectification else None,
    }


@router.post("/cases/{number}", response={201: RatingOut, **ERRORS}, summary="Rate a finished case or one visit")
def rate(request: AuthedRequest, number: CaseNumber, body: RatingIn) -> Reply[dict[str, Any]]:
    application = _own_application(request, number)
    visit = None
    if body.visit is not None:
        visit = Visit.objects.filter(pk=body.visit, application=application).first()
        if visit is None:
            raise Http404
    rating = actions.do_rate(
        application, level=body.level, comment=body.comment, source=Source.API, by=request.user, visit=visit
    )
    return Reply(201, _out(rating))


@router.get("/cases/{number}", response={200: list[RatingOut], **ERRORS}, summary="The ratings of my case")
def ratings_of(request: HttpRequest, number: CaseNumber) -> list[dict[str, Any]]:
    application = _own_application(request, number)
    ratings = Rating.objects.filter(application=application).select_related("application", "rectification__deadline")
    return [_out(r) for r in ratings.order_by("pk")]
