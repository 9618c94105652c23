"""``/api/v1/investment/``: the pipeline by stage and one project's state, for leaders'
dashboards and other district systems (the same visibility as the pages)."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Router, Schema

from dgov.accounts.access import staff_district
from dgov.api.schemas import PathId
from dgov.investment import reports, rules
from dgov.investment.models import Stage, stage_settings
from dgov.investment.permissions import VIEW_PIPELINE

router = Router(tags=["investment"])


class StageOut(Schema):
    stage: str
    label: str
    count: int
    amount: Decimal
    weighted: Decimal
    default_probability: int


class PipelineOut(Schema):
    stages: list[StageOut]
    open_count: int
    open_amount: Decimal
    open_weighted: Decimal


class StageChangeOut(Schema):
    at: dt.datetime
    from_stage: str
    to_stage: str
    days_in_from: int | None


class ProjectOut(Schema):
    id: int
    name: str
    investor: str
    stage: str
    stage_label: str
    is_key: bool
    agreed_amount: Decimal
    paid_in: Decimal
    fixed_asset_investment: Decimal
    probability: int
    probability_by_hand: bool
    selection_score: Decimal
    signed_at: dt.datetime | None
    log: list[StageChangeOut]


class ErrorOut(Schema):
    detail: str
    messages: list[str] = []


@router.get("/pipeline", response={200: PipelineOut, 403: ErrorOut}, summary="Projects and amounts by stage")
def pipeline(request: HttpRequest) -> dict[str, Any]:
    district = staff_district(request, VIEW_PIPELINE)
    table = stage_settings(district.pk)
    rows, total = reports.pipeline_summary(district.pk, table)
    return {
        "stages": [
            {
                "stage": row.stage.value,
                "label": str(row.stage.label),
                "count": row.count,
                "amount": row.amount,
                "weighted": row.weighted,
                "default_probability": row.probability,
            }
            for row in rows
        ],
        "open_count": total.count,
        "open_amount": total.amount,
        "open_weighted": total.weighted,
    }


@router.get("/projects/{pk}", response={200: ProjectOut, 404: ErrorOut}, summary="A project's stage and its log")
def project(request: HttpRequest, pk: PathId) -> dict[str, Any]:
    found = rules.projects_for(request.user).filter(pk=pk).first()
    if found is None:
        raise Http404
    table = stage_settings(found.district_id)
    return {
        "id": found.pk,
        "name": found.name,
        "investor": found.investor,
        "stage": found.stage,
        "stage_label": str(Stage(found.stage).label),
        "is_key": found.is_key,
        "agreed_amount": found.agreed_amount,
        "paid_in": found.paid_in,
        "fixed_asset_investment": found.fixed_asset_investment,
        "probability": found.effective_probability(table),
        "probability_by_hand": found.probability_is_manual,
        "selection_score": found.selection_score,
        "signed_at": found.signed_at,
        "log": list(found.stage_changes.values("at", "from_stage", "to_stage", "days_in_from")),
    }
