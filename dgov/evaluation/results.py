"""Evaluation results by unit and measure (or survey question): the table, the chart
options and the .xlsx export read the same rows."""

from dataclasses import dataclass
from typing import Any

from django.db.models import Avg, Count, Q
from django.utils.translation import gettext as _

from dgov.evaluation.models import Channel, Level, Measure, Scale, Score
from dgov.lib.xlsx import Sheet


@dataclass
class Row:
    unit: str
    channel: str
    measure: str
    count: int
    average: float
    bad: int | None  # 差评 (the last two of five levels); None for other scales

    @property
    def channel_label(self) -> str:
        return str(Channel(self.channel).label)


def rows(campaign: Any, channel: str = "") -> list[Row]:
    scores = Score.objects.filter(evaluation__campaign=campaign)
    if channel:
        scores = scores.filter(evaluation__channel=channel)
    grouped = (
        scores.values(
            "evaluation__unit__code",
            "evaluation__unit__name",
            "evaluation__channel",
            "measure",
            "question__position",
            "question__text",
            "question__scale",
        )
        .annotate(n=Count("id"), avg=Avg("value"), bad=Count("id", filter=Q(value__lte=Level.DISSATISFIED)))
        .order_by("evaluation__unit__code", "evaluation__channel", "measure", "question__position")
    )
    out = []
    for g in grouped:
        five = not g["question__text"] or g["question__scale"] == Scale.FIVE_LEVELS
        measure = str(Measure(g["measure"]).label) if g["measure"] else g["question__text"]
        out.append(
            Row(
                unit=g["evaluation__unit__name"],
                channel=g["evaluation__channel"],
                measure=measure,
                count=g["n"],
                average=round(float(g["avg"]), 2),
                bad=g["bad"] if five else None,
            )
        )
    return out


def chart_options(table: list[Row]) -> dict[str, Any]:
    """A grouped bar chart: units along the axis, one bar per measure, the average (1–5)
    of the public and served channels."""
    units: list[str] = []
    series: dict[str, dict[str, list[float]]] = {}
    for row in table:
        if row.channel == Channel.SURVEY:
            continue
        if row.unit not in units:
            units.append(row.unit)
        series.setdefault(row.measure, {}).setdefault(row.unit, []).append(row.average)
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0},
        "grid": {"left": 40, "right": 10, "bottom": 80, "top": 40},
        "xAxis": {"type": "category", "data": units, "axisLabel": {"rotate": 30, "interval": 0}},
        "yAxis": {"type": "value", "min": 0, "max": 5, "name": _("Average (1–5)")},
        "series": [
            {
                "name": measure,
                "type": "bar",
                "data": [round(sum(by_unit[u]) / len(by_unit[u]), 2) if u in by_unit else None for u in units],
            }
            for measure, by_unit in series.items()
        ],
    }


def sheet(campaign: Any, table: list[Row]) -> Sheet:
    """The results as a sheet: the campaign's theme, then the table."""
    header = [_("Unit"), _("Evaluation channel"), _("Measure"), _("Evaluations"), _("Average"), _("Bad ratings")]
    rows = [header] + [[r.unit, r.channel_label, r.measure, r.count, r.average, r.bad] for r in table]
    return Sheet("results", [str(campaign.theme)], rows)
