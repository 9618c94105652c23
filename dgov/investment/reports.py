"""Figures of the pipeline and their charts (ECharts options as plain dicts).

Every figure is one grouped query over the district's projects, so the pages stay fast
at tens of thousands of projects (see ``bench/investment.py``).
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _

from dgov.investment.models import (
    PIPELINE,
    SIGNED_OR_LATER,
    ZERO,
    Project,
    ResidentOffice,
    Stage,
    StageSetting,
    TargetCompany,
)
from dgov.workdays.calendar import is_working_day


@dataclass
class StageRow:
    stage: Stage
    count: int = 0
    amount: Decimal = ZERO
    weighted: Decimal = ZERO
    probability: int = 0


def pipeline_summary(district_id: int, table: dict[str, StageSetting]) -> tuple[list[StageRow], StageRow]:
    """Per stage (and lost): count, agreed amount, and the amount weighted by each
    project's probability (typed by hand, else the stage's default)."""
    rows = {stage: StageRow(stage, probability=table[stage].probability) for stage in PIPELINE}
    rows[Stage.LOST] = StageRow(Stage.LOST)
    grouped = (
        Project.objects.filter(district_id=district_id)
        .values("stage", "probability")
        .annotate(n=Count("*"), amount=Sum("agreed_amount"))
        .order_by()
    )
    for group in grouped:
        row = rows[Stage(group["stage"])]
        amount = group["amount"] or ZERO
        row.count += group["n"]
        row.amount += amount
        if group["stage"] == Stage.LOST:
            probability = 0
        else:
            probability = group["probability"] if group["probability"] is not None else row.probability
        row.weighted += amount * probability / 100
    total = StageRow(Stage.LEAD)
    for stage in PIPELINE:
        total.count += rows[stage].count
        total.amount += rows[stage].amount
        total.weighted += rows[stage].weighted
    for row in rows.values():
        row.weighted = row.weighted.quantize(Decimal("0.01"))
    total.weighted = total.weighted.quantize(Decimal("0.01"))
    return [rows[s] for s in (*PIPELINE, Stage.LOST)], total


def working_days_back(today: dt.date, n: int) -> dt.date:
    """The latest day ``d`` with ``working_days_between(d, today) == n``."""
    d, counted = today, 0
    while counted < n:
        if is_working_day(d):
            counted += 1
        d -= dt.timedelta(days=1)
    return d


def idle_filter(table: dict[str, StageSetting], today: dt.date, level: str) -> Q:
    """Projects whose last stage change is ``level`` (yellow: yellow or red) old for their
    stage, not lost, not paused and not at full production (``Project.idle_flag``)."""
    condition = Q()
    for stage in PIPELINE:
        if stage == Stage.FULL_PRODUCTION:
            continue
        days = table[stage].red_days if level == "red" else table[stage].yellow_days
        cutoff = working_days_back(today, days) + dt.timedelta(days=1)
        condition |= Q(stage=stage, stage_entered_on__lt=cutoff)
    return condition & (Q(paused_until__isnull=True) | Q(paused_until__lt=today))


@dataclass
class OfficeResult:
    office: ResidentOffice
    targets: int
    visited: int
    projects: int
    signed: int
    signed_amount: Decimal


def office_results(district_id: int) -> list[OfficeResult]:
    offices = list(ResidentOffice.objects.filter(district_id=district_id).prefetch_related("staff"))
    by_office = {
        row["office"]: row
        for row in Project.objects.filter(district_id=district_id, office__isnull=False)
        .values("office")
        .annotate(
            n=Count("*"),
            signed=Count("id", filter=Q(stage__in=SIGNED_OR_LATER)),
            amount=Sum("agreed_amount", filter=Q(stage__in=SIGNED_OR_LATER)),
        )
        .order_by()
    }
    targets = {
        row["office"]: row
        for row in TargetCompany.objects.filter(office__district_id=district_id)
        .values("office")
        .annotate(
            n=Count("*"),
            visited=Count("id", filter=~Q(status=TargetCompany.Status.TO_VISIT)),
        )
        .order_by()
    }
    return [
        OfficeResult(
            office=o,
            targets=targets.get(o.pk, {}).get("n", 0),
            visited=targets.get(o.pk, {}).get("visited", 0),
            projects=by_office.get(o.pk, {}).get("n", 0),
            signed=by_office.get(o.pk, {}).get("signed", 0),
            signed_amount=by_office.get(o.pk, {}).get("amount") or ZERO,
        )
        for o in offices
    ]


def _label(stage: Stage) -> str:
    return str(stage.label)


def funnel_options(rows: list[StageRow]) -> dict[str, Any]:
    """Projects that reached each stage (those now in it or beyond)."""
    counts = {row.stage: row.count for row in rows}
    reached, running = [], 0
    for stage in reversed(PIPELINE):
        running += counts.get(stage, 0)
        reached.append({"name": _label(stage), "value": running})
    return {
        "title": {"text": _("Funnel: projects that reached each stage")},
        "tooltip": {"trigger": "item"},
        "series": [{"type": "funnel", "sort": "descending", "top": 40, "data": list(reversed(reached))}],
    }


def amounts_options(rows: list[StageRow]) -> dict[str, Any]:
    stages = [row for row in rows if row.stage != Stage.LOST]
    return {
        "title": {"text": _("Agreed amount by stage (万元)")},
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 28},
        "grid": {"top": 70, "containLabel": True},
        "xAxis": {"type": "category", "data": [_label(r.stage) for r in stages], "axisLabel": {"rotate": 30}},
        "yAxis": {"type": "value"},
        "series": [
            {"name": _("Unweighted"), "type": "bar", "data": [float(r.amount) for r in stages]},
            {"name": _("Weighted"), "type": "bar", "data": [float(r.weighted) for r in stages]},
        ],
    }


def ages_options(ages: dict[str, float]) -> dict[str, Any]:
    return {
        "title": {"text": _("Average days in each stage")},
        "tooltip": {"trigger": "axis"},
        "grid": {"top": 50, "containLabel": True},
        "xAxis": {"type": "category", "data": [_label(s) for s in PIPELINE], "axisLabel": {"rotate": 30}},
        "yAxis": {"type": "value"},
        "series": [{"name": _("Days"), "type": "bar", "data": [ages.get(s, 0) for s in PIPELINE]}],
    }


def offices_options(results: list[OfficeResult]) -> dict[str, Any]:
    return {
        "title": {"text": _("Resident offices' results")},
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 28},
        "grid": {"top": 70, "containLabel": True},
        "xAxis": {"type": "category", "data": [r.office.name for r in results]},
        "yAxis": [{"type": "value"}, {"type": "value", "name": _("万元")}],
        "series": [
            {"name": _("Target companies"), "type": "bar", "data": [r.targets for r in results]},
            {"name": _("Projects"), "type": "bar", "data": [r.projects for r in results]},
            {"name": _("Signed"), "type": "bar", "data": [r.signed for r in results]},
            {
                "name": _("Signed amount (万元)"),
                "type": "line",
                "yAxisIndex": 1,
                "data": [float(r.signed_amount) for r in results],
            },
        ],
    }
