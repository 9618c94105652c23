"""What the inspectors' board shows, for the board page and the API alike: one row per
unit with its tasks' lights, its problem list and whether it published in time."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q

from dgov.accounts.models import Department
from dgov.campaigns.models import Campaign, Problem, Publication, Task, TaskLights


@dataclass
class UnitRow:
    unit: Department
    red: int = 0
    yellow: int = 0
    green: int = 0
    tasks: int = 0
    red_cards: int = 0
    problems: int = 0
    problems_open: int = 0
    publication: Publication | None = None
    not_published: bool = False


def board_rows(campaign: Campaign, today: dt.date) -> list[UnitRow]:
    """One row per unit: its tasks' lights (as lead unit), its problem list and whether
    it published by the deadline. Four queries, whatever the number of tasks."""
    limits = TaskLights(campaign, today)
    counts = (
        Task.objects.filter(campaign=campaign)
        .values("lead_unit")
        .annotate(
            tasks=Count("pk"),
            red=Count("pk", filter=limits.red()),
            yellow=Count("pk", filter=limits.yellow()),
            red_cards=Count("pk", filter=Q(red_carded=True)),
        )
        .order_by()
    )
    problems = (
        Problem.objects.filter(campaign=campaign)
        .values("unit")
        .annotate(total=Count("pk"), open=Count("pk", filter=~Q(state=Problem.State.CLOSED)))
        .order_by()
    )
    published = {p.unit_id: p for p in Publication.objects.filter(campaign=campaign).select_related("campaign")}
    count_rows, problem_rows = list(counts), list(problems)
    rows = {unit.pk: UnitRow(unit) for unit in campaign.units.order_by("code")}
    strays = {c["lead_unit"] for c in count_rows} | {p["unit"] for p in problem_rows}
    for unit in Department.objects.filter(pk__in=strays - set(rows)):
        rows[unit.pk] = UnitRow(unit)  # a unit outside the campaign's list still shows
    for c in count_rows:
        row = rows[c["lead_unit"]]
        row.tasks, row.red, row.yellow, row.red_cards = c["tasks"], c["red"], c["yellow"], c["red_cards"]
        row.green = row.tasks - row.red - row.yellow
    for p in problem_rows:
        row = rows[p["unit"]]
        row.problems, row.problems_open = p["total"], p["open"]
    overdue = campaign.publication_overdue(today)
    for row in rows.values():
        row.publication = published.get(row.unit.pk)
        row.not_published = overdue and row.publication is None
    return sorted(rows.values(), key=lambda r: (not r.not_published, -r.red, -r.yellow, r.unit.code))
