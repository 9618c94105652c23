"""``/api/v1/campaigns/``: the inspectors' board for staff systems (the same visibility as
the board page) and a unit's published rectification for anyone (as on the public page)."""

import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Router, Schema

from dgov.api.schemas import PathId, UnitCode
from dgov.campaigns.models import PUBLIC_VERBS, Campaign, Event, Problem, Publication
from dgov.campaigns.reports import board_rows
from dgov.campaigns.rules import watches
from dgov.lib import clock

router = Router(tags=["campaigns"])


class UnitLightsOut(Schema):
    unit: str
    unit_name: str
    tasks: int
    red: int
    yellow: int
    green: int
    red_cards: int
    problems: int
    problems_open: int
    published_on: dt.date | None
    not_published_by_deadline: bool


class BoardOut(Schema):
    campaign: int
    theme: str
    day: dt.date
    publication_deadline: dt.date | None
    units: list[UnitLightsOut]


class StepOut(Schema):
    on: dt.date
    verb: str
    note: str


class ProblemOut(Schema):
    problem: str
    root_cause: str
    measures: str
    deadline: dt.date
    original_deadline: dt.date
    extensions: int
    responsible: str
    status: str
    closed_on: dt.date | None
    timeline: list[StepOut]


class PublishedOut(Schema):
    campaign: int
    theme: str
    unit: str
    unit_name: str
    published_on: dt.date
    problems: list[ProblemOut]


class ErrorOut(Schema):
    detail: str


@router.get("/{campaign_id}/board", response={200: BoardOut, 404: ErrorOut}, summary="Every unit with its lights")
def board(request: HttpRequest, campaign_id: PathId) -> dict[str, Any]:
    user: Any = request.user
    if not watches(user):
        raise Http404
    campaign = Campaign.objects.visible_to(user).filter(pk=campaign_id).first()
    if campaign is None:
        raise Http404
    day = clock.today()
    return {
        "campaign": campaign.pk,
        "theme": campaign.theme,
        "day": day,
        "publication_deadline": campaign.publication_deadline,
        "units": [
            {
                "unit": r.unit.code,
                "unit_name": r.unit.name,
                "tasks": r.tasks,
                "red": r.red,
                "yellow": r.yellow,
                "green": r.green,
                "red_cards": r.red_cards,
                "problems": r.problems,
                "problems_open": r.problems_open,
                "published_on": r.publication.published_on if r.publication else None,
                "not_published_by_deadline": r.not_published,
            }
            for r in board_rows(campaign, day)
        ],
    }


@router.get(
    "/public/{campaign_id}/{unit_code}",
    response={200: PublishedOut, 404: ErrorOut},
    auth=None,
    summary="A unit's published problem list, measures, dates and progress",
)
def published(request: HttpRequest, campaign_id: PathId, unit_code: UnitCode) -> dict[str, Any]:
    publication = (
        Publication.objects.filter(campaign_id=campaign_id, unit__code=unit_code)
        .select_related("campaign", "unit")
        .first()
    )
    if publication is None:
        raise Http404
    problems = Problem.objects.filter(campaign_id=campaign_id, unit=publication.unit).order_by("pk")
    steps: dict[int, list[dict[str, Any]]] = {}
    events = Event.objects.filter(problem__in=problems, verb__in=PUBLIC_VERBS).order_by("at", "pk")
    for event in events:
        assert event.problem_id is not None
        steps.setdefault(event.problem_id, []).append(
            {"on": event.at.date(), "verb": event.verb, "note": event.public_note}
        )
    return {
        "campaign": publication.campaign.pk,
        "theme": publication.campaign.theme,
        "unit": publication.unit.code,
        "unit_name": publication.unit.name,
        "published_on": publication.published_on,
        "problems": [
            {
                "problem": p.problem,
                "root_cause": p.root_cause,
                "measures": p.measures,
                "deadline": p.due_on,
                "original_deadline": p.original_due_on,
                "extensions": p.extensions,
                "responsible": p.responsible,
                "status": p.state,
                "closed_on": p.closed_on,
                "timeline": steps.get(p.pk, []),
            }
            for p in problems
        ],
    }
