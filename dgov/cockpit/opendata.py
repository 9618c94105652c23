"""The open data (政务公开 · 数据开放): the published figures of the portal's district per
month and department, with their dictionary. Counts and rates only, never a person: the
rows are read from the summary tables, which hold no one's name or number."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Sum
from django.http import Http404
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dgov.accounts.models import Department, District
from dgov.cockpit.figures import Measures, Period
from dgov.cockpit.models import MEASURES, MonthlyFigures


@dataclass(frozen=True)
class Field:
    name: str
    label: Promise
    description: Promise
    kind: str = "integer"  # integer, number (a rate in percent or a mean), string


FIELDS = (
    Field("month", gettext_lazy("Month"), gettext_lazy("The calendar month, YYYY-MM."), "string"),
    Field(
        "department_code",
        gettext_lazy("Department code"),
        gettext_lazy("The department's code in the district."),
        "string",
    ),
    Field("department", gettext_lazy("Department"), gettext_lazy("The department's name."), "string"),
    Field("received", gettext_lazy("Received"), gettext_lazy("Applications received in the month.")),
    Field(
        "supplement_rate",
        gettext_lazy("Supplement rate (%)"),
        gettext_lazy("Of the applications received in the month, the share that got a supplement notice (补正)."),
        "number",
    ),
    Field(
        "deemed_accepted",
        gettext_lazy("Deemed accepted"),
        gettext_lazy("Applications accepted in the month because no supplement notice came within 5 working days."),
    ),
    Field("decided", gettext_lazy("Decided"), gettext_lazy("Applications approved or denied in the month.")),
    Field(
        "on_time_promised_rate",
        gettext_lazy("On time, promised limit (%)"),
        gettext_lazy("Of the applications decided in the month, the share decided by the limit the district promises."),
        "number",
    ),
    Field(
        "on_time_legal_rate",
        gettext_lazy("On time, legal limit (%)"),
        gettext_lazy(
            "Of the applications decided in the month, the share decided by the legal limit (with lawful extensions)."
        ),
        "number",
    ),
    Field("completed", gettext_lazy("Completed"), gettext_lazy("Applications completed in the month.")),
    Field(
        "one_trip_rate",
        gettext_lazy("One trip, measured (%)"),
        gettext_lazy(
            "Of the applications completed in the month, the share whose applicant came in person at most once, counted from the visits recorded at the windows."
        ),
        "number",
    ),
    Field(
        "average_working_days",
        gettext_lazy("Average working days"),
        gettext_lazy(
            "Working days from acceptance to completion, averaged over the applications completed in the month."
        ),
        "number",
    ),
    Field(
        "ratings",
        gettext_lazy("Ratings"),
        gettext_lazy("Ratings given in the month that count (an upheld appeal removes one)."),
    ),
    Field(
        "satisfaction",
        gettext_lazy("Mean rating (1–5)"),
        gettext_lazy("The mean of those ratings, 1 very dissatisfied to 5 very satisfied."),
        "number",
    ),
    Field("bad_ratings", gettext_lazy("Bad ratings"), gettext_lazy("Ratings of dissatisfied or very dissatisfied.")),
    Field(
        "rectified_on_time_rate",
        gettext_lazy("Rectified on time (%)"),
        gettext_lazy(
            "Of the bad ratings of the month whose rectification is closed, the share closed by its deadline."
        ),
        "number",
    ),
)


def public_district() -> District:
    district = District.objects.filter(code=settings.DEFAULT_DISTRICT_CODE).first()
    if district is None:
        raise Http404
    return district


def row(month: dt.date, department: Department, m: Measures) -> dict[str, Any]:
    return {
        "month": f"{month:%Y-%m}",
        "department_code": department.code,
        "department": department.name,
        "received": m.received,
        "supplement_rate": m.supplement_rate,
        "deemed_accepted": m.deemed,
        "decided": m.decided,
        "on_time_promised_rate": m.on_time_promised_rate,
        "on_time_legal_rate": m.on_time_legal_rate,
        "completed": m.completed,
        "one_trip_rate": m.one_trip_rate,
        "average_working_days": m.average_working_days,
        "ratings": m.ratings,
        "satisfaction": m.satisfaction,
        "bad_ratings": m.bad,
        "rectified_on_time_rate": m.rectified_on_time_rate,
    }


def _grouped(district_id: int, period: Period, department: Department | None) -> dict[tuple[dt.date, int], Measures]:
    rows = MonthlyFigures.objects.filter(district_id=district_id, month__range=(period.first, period.last))
    if department is not None:
        rows = rows.filter(department=department)
    found = rows.values("month", "department_id").annotate(**{m: Sum(m) for m in MEASURES}).order_by()
    return {(r["month"], r["department_id"]): Measures(**{m: int(r[m] or 0) for m in MEASURES}) for r in found}


def rows(district_id: int, period: Period, department: Department | None = None) -> list[dict[str, Any]]:
    """One row per month and department that had anything to count, by month then code."""
    grouped = _grouped(district_id, period, department)
    departments = {d.pk: d for d in Department.objects.filter(district_id=district_id)}
    keys = sorted(
        (k for k, m in grouped.items() if k[1] in departments and any(m.as_dict().values())),
        key=lambda k: (k[0], departments[k[1]].code),
    )
    return [row(month, departments[pk], grouped[(month, pk)]) for month, pk in keys]


def document(district_id: int, period: Period, department: Department | None = None) -> dict[str, Any]:
    """The JSON download and the API's answer: the dictionary, then the rows."""
    return {
        "district": District.objects.get(pk=district_id).name,
        "period": {"from": f"{period.first:%Y-%m}", "to": f"{period.last:%Y-%m}"},
        "fields": [
            {"name": f.name, "label": str(f.label), "type": f.kind, "description": str(f.description)} for f in FIELDS
        ],
        "rows": rows(district_id, period, department),
    }


def campaigns(district_id: int, today: dt.date) -> list[dict[str, Any]]:
    """The publication status of each campaign's problem lists (公开整改)."""
    from dgov.campaigns.models import Campaign
    from dgov.campaigns.reports import board_rows

    found = []
    for campaign in Campaign.objects.filter(district_id=district_id).order_by("-starts_on")[:3]:
        units = board_rows(campaign, today)
        found.append(
            {
                "campaign": campaign,
                "units": len(units),
                "published": sum(1 for u in units if u.publication is not None),
                "late": sum(1 for u in units if u.publication is not None and u.publication.late()),
                "not_published": sum(1 for u in units if u.not_published),
                "problems": sum(u.problems for u in units),
                "rectified": sum(u.problems - u.problems_open for u in units),
            }
        )
    return found


def published(district_id: int, period: Period, department: Department | None) -> dict[str, Any]:
    """The page's charts and table."""
    from dgov.lib import clock

    table = rows(district_id, period, department)
    by_month: dict[dt.date, Measures] = defaultdict(Measures)
    for (month, _pk), m in _grouped(district_id, period, department).items():
        by_month[month].add(m)
    months = period.months
    labels = [f"{m:%Y-%m}" for m in months]
    rates = {
        "title": {"text": _("On time and one trip, by month (%)"), "left": "center", "textStyle": {"fontSize": 14}},
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 26},
        "grid": {"top": 64, "left": 12, "right": 24, "bottom": 8, "containLabel": True},
        "xAxis": {"type": "category", "data": labels},
        "yAxis": {"type": "value", "max": 100},
        "series": [
            {
                "name": _("On time (promised)"),
                "type": "line",
                "data": [by_month[m].on_time_promised_rate for m in months],
            },
            {"name": _("On time (legal)"), "type": "line", "data": [by_month[m].on_time_legal_rate for m in months]},
            {"name": _("One trip (measured)"), "type": "line", "data": [by_month[m].one_trip_rate for m in months]},
            {
                "name": _("Rectified on time"),
                "type": "line",
                "data": [by_month[m].rectified_on_time_rate for m in months],
            },
        ],
        "aria": {"enabled": True},
    }
    volume = {
        "title": {"text": _("Applications and ratings, by month"), "left": "center", "textStyle": {"fontSize": 14}},
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 26},
        "grid": {"top": 64, "left": 12, "right": 24, "bottom": 8, "containLabel": True},
        "xAxis": {"type": "category", "data": labels},
        "yAxis": [{"type": "value"}, {"type": "value", "min": 1, "max": 5}],
        "series": [
            {"name": _("Received"), "type": "bar", "data": [by_month[m].received for m in months]},
            {"name": _("Completed"), "type": "bar", "data": [by_month[m].completed for m in months]},
            {
                "name": _("Mean rating (1–5)"),
                "type": "line",
                "yAxisIndex": 1,
                "data": [by_month[m].satisfaction for m in months],
            },
        ],
        "aria": {"enabled": True},
    }
    months_table = [
        [
            f"{m:%Y-%m}",
            by_month[m].received,
            by_month[m].completed,
            by_month[m].on_time_promised_rate,
            by_month[m].on_time_legal_rate,
            by_month[m].one_trip_rate,
            by_month[m].satisfaction,
            by_month[m].rectified_on_time_rate,
        ]
        for m in months
    ]
    return {
        "rows": table,
        "table": [[r[f.name] for f in FIELDS] for r in table],
        "rates": rates,
        "volume": volume,
        "months": months_table,
        "campaigns": campaigns(district_id, clock.today()),
    }
