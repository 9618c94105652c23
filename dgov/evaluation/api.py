"""The column and the evaluation results in the API (``/api/v1/evaluation/``).

The released column is public (no token); before its batch's date an article does not
exist here either. Results need a staff token whose roles may see them."""

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from ninja import Router, Schema

from dgov.api.schemas import CodeFilter, Error, PathId
from dgov.campaigns.models import Campaign
from dgov.evaluation import results
from dgov.evaluation.models import Channel, ColumnArticle
from dgov.evaluation.permissions import VIEW_RESULTS
from dgov.lib import clock

router = Router(tags=["evaluation"])
ERRORS: dict[int, Any] = dict.fromkeys((400, 401, 403, 404), Error)


class ArticleOut(Schema):
    id: int
    title: str
    unit: str
    author: str
    batch: int
    released_on: dt.date
    task_goals: str
    basic_ideas: str
    key_measures: str
    guarantees: str


class ResultOut(Schema):
    unit: str
    channel: str
    measure: str
    count: int
    average: float
    bad: int | None


@router.get("/column", response={200: list[ArticleOut], **ERRORS}, auth=None, summary="The released column articles")
def column(request: HttpRequest, district: CodeFilter = "") -> list[dict[str, Any]]:
    articles = (
        ColumnArticle.objects.filter(district__code=(district or settings.DEFAULT_DISTRICT_CODE)[:6])
        .released(clock.today())
        .select_related("unit", "author", "batch")
        .order_by("batch__release_on", "unit__code", "pk")
    )
    return [
        {
            "id": a.pk,
            "title": a.title,
            "unit": a.unit.name,
            "author": str(a.author),
            "batch": a.batch.number if a.batch else 0,
            "released_on": a.batch.release_on if a.batch else None,
            **{part: getattr(a, part) for part in ColumnArticle.PARTS},
        }
        for a in articles
    ]


@router.get("/results/{campaign}", response={200: list[ResultOut], **ERRORS}, summary="Results by unit and measure")
def campaign_results(request: HttpRequest, campaign: PathId, channel: CodeFilter = "") -> list[dict[str, Any]]:
    if not request.user.has_perm(VIEW_RESULTS):
        raise PermissionDenied
    found = Campaign.objects.visible_to(request.user).filter(pk=campaign).first()
    if found is None:
        raise Http404
    if channel and channel not in Channel.values:
        raise Http404
    return [
        {
            "unit": r.unit,
            "channel": r.channel,
            "measure": r.measure,
            "count": r.count,
            "average": r.average,
            "bad": r.bad,
        }
        for r in results.rows(found, channel)
    ]
