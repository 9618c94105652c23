"""Talent figures, as plain functions (for the pages and the cockpit).

``figures(district_id, year)``: talents landed in the year and in all, by class, brought in
from outside; awards by programme (count and amount). ``by_enterprise`` and ``by_project``:
the register counted per employer and per investment project.
"""

from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, Sum

from dgov.talent.models import Award, Talent


def figures(district_id: int, year: int) -> dict[str, Any]:
    talents = Talent.objects.filter(district_id=district_id)
    counted = talents.aggregate(
        total=Count("pk"),
        this_year=Count("pk", filter=Q(landed_on__year=year)),
        brought_in=Count("pk", filter=Q(brought_in=True, landed_on__year=year)),
    )
    tiers = dict(
        talents.exclude(tier="").values("tier").annotate(n=Count("pk")).order_by("tier").values_list("tier", "n")
    )
    awards = list(
        Award.objects.filter(district_id=district_id)
        .values("programme__name")
        .annotate(n=Count("pk"), amount=Sum("amount"))
        .order_by("programme__name")
    )
    return {
        **counted,
        "by_tier": tiers,
        "awards": awards,
        "awarded_amount": sum((a["amount"] or Decimal(0) for a in awards), Decimal(0)),
    }


def by_enterprise(district_id: int) -> list[dict[str, Any]]:
    return list(
        Talent.objects.filter(district_id=district_id, employer__isnull=False)
        .values("employer_id", "employer__name")
        .annotate(n=Count("pk"), top=Count("pk", filter=Q(tier__in=["A", "B", "C"])))
        .order_by("-n", "employer__name")
    )


def by_project(district_id: int) -> list[dict[str, Any]]:
    return list(
        Talent.objects.filter(district_id=district_id, project__isnull=False)
        .values("project_id", "project__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "project__name")
    )
