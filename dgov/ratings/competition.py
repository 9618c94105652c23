"""The window competition (窗口单位优质服务评比竞赛): a monthly ranking of windows and of
units (departments) from ratings, on-time rate, red cards and late rectifications.

Score = 70 × S + 30 × T − 5 × R − 3 × L, where

1. S, satisfaction, is the mean rating smoothed toward the month's district mean
   (Bayesian average): S = ((C × m + Σ scores) / (C + n) − 1) / 4, with n ratings, m the
   mean of all counted ratings of the district that month and C the prior weight
   (``RATING_PRIOR_WEIGHT``, default 10). A unit with 2 ratings stays close to the mean,
   so a handful of ratings cannot decide a rank.
2. T, the on-time rate, is the share of cases decided in the month by their promised
   due date (1 when none was decided): the promise as made, moved by clock stops (Art.
   45) but not by an extension (Art. 42), which lengthens the law's limit, not the
   window's promise (``Deadline.base_due_date``).
3. R, red cards, counts cases whose promised limit (the same date) ran out in the month
   before a decision (电子监察 红牌).
4. L counts rectifications of bad ratings that fell due in the month and were closed
   late or are still open.

A unit is ranked in a month when it had a rating or a decided case in it. A unit ranked
last two months running is flagged for a talk (约谈).
"""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Count, F, Q, Sum

from dgov.accounts.models import Department, ServiceWindow
from dgov.applications.models import Application
from dgov.ratings.models import Level, Rating, Rectification

# The promise as made (without an Art. 42 extension): what the competition measures against.
PROMISE = "promised_deadline__base_due_date"

W_SATISFACTION, W_ON_TIME, P_RED_CARD, P_LATE_RECTIFICATION = 70, 30, 5, 3
NEUTRAL_MEAN = float(Level.BASICALLY_SATISFIED)


def prior_weight() -> float:
    return float(getattr(settings, "RATING_PRIOR_WEIGHT", 10))


@dataclass
class Row:
    key: int
    name: str
    ratings: int = 0
    score_sum: int = 0
    bad: int = 0
    decided: int = 0
    on_time: int = 0
    red_cards: int = 0
    late_rectifications: int = 0
    raw_mean: float | None = None
    satisfaction: float = 0.0
    on_time_rate: float = 1.0
    score: float = 0.0
    rank: int = 0
    talk: bool = False

    @property
    def active(self) -> bool:
        return self.ratings > 0 or self.decided > 0

    @property
    def on_time_percent(self) -> float | None:
        return round(100 * self.on_time / self.decided, 1) if self.decided else None


@dataclass
class Ranking:
    year: int
    month: int
    mean: float
    prior: float
    windows: list[Row] = field(default_factory=list)
    units: list[Row] = field(default_factory=list)

    @property
    def label(self) -> str:
        return f"{self.year}-{self.month:02d}"


def month_bounds(year: int, month: int) -> tuple[dt.date, dt.date]:
    first = dt.date(year, month, 1)
    following = dt.date(year + (month == 12), month % 12 + 1, 1)
    return first, following - dt.timedelta(days=1)


def previous_month(year: int, month: int) -> tuple[int, int]:
    return (year - 1, 12) if month == 1 else (year, month - 1)


def _fill(rows: dict[int, Row], by: str, district: Any, first: dt.date, last: dt.date, today: dt.date) -> None:
    """Add the month's figures to ``rows`` keyed by ``by`` ("window" or "department")."""
    ratings = Rating.objects.filter(district=district, rated_on__range=(first, last), excluded=False)
    for key, n, total, bad in (
        ratings.filter(**{f"{by}__isnull": False})
        .values_list(by)
        .annotate(n=Count("pk"), s=Sum("level"), b=Count("pk", filter=Q(level__lte=Level.DISSATISFIED)))
        .order_by()
    ):
        if key in rows:
            rows[key].ratings, rows[key].score_sum, rows[key].bad = n, total or 0, bad

    cases = Application.objects.filter(district=district, promised_deadline__isnull=False)
    for key, n, on_time in (
        cases.filter(decided_on__range=(first, last), **{f"{by}__isnull": False})
        .values_list(by)
        .annotate(n=Count("pk"), ok=Count("pk", filter=Q(decided_on__lte=F(PROMISE))))
        .order_by()
    ):
        if key in rows:
            rows[key].decided, rows[key].on_time = n, on_time
    red = (
        cases.filter(
            promised_deadline__base_due_date__range=(first, min(last, today - dt.timedelta(days=1))),
            clock_stopped=False,
            **{f"{by}__isnull": False},
        )
        .filter(Q(decided_on__isnull=True) | Q(decided_on__gt=F(PROMISE)))
        .values_list(by)
        .annotate(n=Count("pk"))
        .order_by()
    )
    for key, n in red:
        if key in rows:
            rows[key].red_cards = n
    late = (
        Rectification.objects.filter(
            district=district,
            deadline__due_date__range=(first, min(last, today - dt.timedelta(days=1))),
            **{f"rating__{by}__isnull": False},
        )
        .filter(
            Q(status=Rectification.Status.OPEN)
            | Q(status=Rectification.Status.CLOSED, closed_on__gt=F("deadline__due_date"))
        )
        .values_list(f"rating__{by}")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for key, n in late:
        if key in rows:
            rows[key].late_rectifications = n


def _score(rows: list[Row], mean: float, prior: float) -> list[Row]:
    ranked = [row for row in rows if row.active]
    for row in ranked:
        row.raw_mean = round(row.score_sum / row.ratings, 2) if row.ratings else None
        smoothed = (prior * mean + row.score_sum) / (prior + row.ratings)
        row.satisfaction = (smoothed - 1) / 4
        row.on_time_rate = row.on_time / row.decided if row.decided else 1.0
        row.score = round(
            W_SATISFACTION * row.satisfaction
            + W_ON_TIME * row.on_time_rate
            - P_RED_CARD * row.red_cards
            - P_LATE_RECTIFICATION * row.late_rectifications,
            2,
        )
    ranked.sort(key=lambda r: (-r.score, r.name))
    for position, row in enumerate(ranked, 1):
        row.rank = position
    return ranked


def rank_month(district: Any, year: int, month: int, today: dt.date) -> Ranking:
    first, last = month_bounds(year, month)
    counted = Rating.objects.filter(district=district, rated_on__range=(first, last), excluded=False)
    totals = counted.aggregate(n=Count("pk"), s=Sum("level"))
    mean = totals["s"] / totals["n"] if totals["n"] else NEUTRAL_MEAN
    prior = prior_weight()
    windows = {w.pk: Row(w.pk, f"{w.number} {w.name}") for w in ServiceWindow.objects.filter(district=district)}
    units = {d.pk: Row(d.pk, d.name) for d in Department.objects.filter(district=district)}
    _fill(windows, "window", district, first, last, today)
    _fill(units, "department", district, first, last, today)
    return Ranking(
        year,
        month,
        round(mean, 3),
        prior,
        _score(list(windows.values()), mean, prior),
        _score(list(units.values()), mean, prior),
    )


def competition(district: Any, year: int, month: int, today: dt.date) -> Ranking:
    """The month's ranking, with the talk flag for a unit last this month and the month before."""
    ranking = rank_month(district, year, month, today)
    before = rank_month(district, *previous_month(year, month), today)
    for now, then in ((ranking.windows, before.windows), (ranking.units, before.units)):
        if len(now) >= 2 and len(then) >= 2 and now[-1].key == then[-1].key:
            now[-1].talk = True
    return ranking


def chart_options(ranking: Ranking, title: str, axis_name: str) -> dict[str, Any]:
    """ECharts options: the windows' scores as a horizontal bar chart, best on top."""
    rows = list(reversed(ranking.windows))
    return {
        "title": {"text": title, "left": "center"},
        "tooltip": {"trigger": "axis"},
        "grid": {"left": 150, "right": 30, "top": 40, "bottom": 30},
        "xAxis": {"type": "value", "name": axis_name},
        "yAxis": {"type": "category", "data": [r.name for r in rows]},
        "series": [
            {
                "type": "bar",
                "data": [{"value": r.score, "itemStyle": {"color": "#c0392b" if r.talk else "#2e86c1"}} for r in rows],
            }
        ],
    }
