"""The figures, measured from cases (decision 0022).

Two ways to the same numbers, held equal by the tests on both databases:

- ``summed``: from the summary tables (``summary`` keeps them current). What every page,
  download and the open-data API read: a month's rows, however many cases there are.
- ``recount``: from the cases themselves, each measure as the filter of the cases behind
  it (``cases_behind``, which is also the drill-down from a chart's bar to its list).

What each measure counts, and on which day (the data dictionary of the open data repeats
it for the public):
- received, refused, supplemented (a supplement notice was issued): by day received;
- accepted, deemed (accepted because no notice came within 5 working days, Art. 32): by
  day accepted;
- decided, approved, on time against the legal and the promised limit (decided on or
  before the due date, extensions and clock stops included): by day decided;
- completed, one trip (the applicant came in person at most once, from the visits
  recorded at the windows), broken promise (more visits than the item promises), visits,
  working days from acceptance to completion: by day completed;
- clock stops (Art. 45) and extensions (Art. 42): by the day they happened;
- ratings by level, excluded (appeal upheld), rectifications of bad ratings and whether
  they closed on time, appeals: by day rated.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, fields
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dgov.applications.models import Application, ApplicationEvent, ClockStop, Status, SupplementNotice
from dgov.cockpit.models import CASE_MEASURES, MEASURES, RATING_MEASURES, DepartmentDayFigures, MonthlyFigures
from dgov.lib import clock

MAX_MONTHS = 36


def add_months(month: dt.date, n: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + n
    return dt.date(index // 12, index % 12 + 1, 1)


def month_end(month: dt.date) -> dt.date:
    return add_months(month, 1) - dt.timedelta(days=1)


def parse_month(text: str) -> dt.date:
    """``YYYY-MM`` → its first day; a month that does not exist is a ValidationError."""
    try:
        year, month = (int(part) for part in text.strip().split("-"))
        return dt.date(year, month, 1)
    except (ValueError, TypeError):
        raise ValidationError(
            _("There is no month “%(text)s”: give a month as YYYY-MM, e.g. 2026-03.") % {"text": text[:20]},
            code="month",
        ) from None


@dataclass(frozen=True)
class Period:
    """Whole months, ``first`` to ``last`` (first days of the months)."""

    first: dt.date
    last: dt.date

    @classmethod
    def of(cls, start: str | None, end: str | None, today: dt.date | None = None) -> "Period":
        """The months ``start`` to ``end`` (``YYYY-MM``); by default the twelve months up to
        the current one. Months that do not exist, a reversed or future period and one
        longer than ``MAX_MONTHS`` are refused with the reason."""
        today = today or clock.today()
        current = today.replace(day=1)
        last = parse_month(end) if end else current
        first = parse_month(start) if start else add_months(last, -11)
        if first > last:
            raise ValidationError(_("The period ends before it begins."), code="reversed")
        if last > current:
            raise ValidationError(
                _("The period reaches %(month)s, which has not begun yet.") % {"month": f"{last:%Y-%m}"},
                code="future",
            )
        if len(cls(first, last).months) > MAX_MONTHS:
            raise ValidationError(_("A period covers at most %(n)d months.") % {"n": MAX_MONTHS}, code="too_long")
        return cls(first, last)

    @classmethod
    def month(cls, month: dt.date) -> "Period":
        return cls(month.replace(day=1), month.replace(day=1))

    @property
    def months(self) -> list[dt.date]:
        found, month = [], self.first
        while month <= self.last:
            found.append(month)
            month = add_months(month, 1)
        return found

    @property
    def first_day(self) -> dt.date:
        return self.first

    @property
    def last_day(self) -> dt.date:
        return month_end(self.last)

    def __str__(self) -> str:
        if self.first == self.last:
            return f"{self.first:%Y-%m}"
        return f"{self.first:%Y-%m} – {self.last:%Y-%m}"

    def query(self) -> dict[str, str]:
        return {"from": f"{self.first:%Y-%m}", "to": f"{self.last:%Y-%m}"}


def _rate(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


@dataclass
class Measures:
    """The sums over some rows, and the rates read from them."""

    received: int = 0
    supplemented: int = 0
    refused: int = 0
    accepted: int = 0
    deemed: int = 0
    decided: int = 0
    approved: int = 0
    on_time_legal: int = 0
    on_time_promised: int = 0
    completed: int = 0
    one_trip: int = 0
    broken_promise: int = 0
    visits: int = 0
    working_days: int = 0
    clock_stops: int = 0
    extensions: int = 0
    level_1: int = 0
    level_2: int = 0
    level_3: int = 0
    level_4: int = 0
    level_5: int = 0
    excluded: int = 0
    rectifications: int = 0
    rectified_on_time: int = 0
    rectified_late: int = 0
    appeals: int = 0
    appeals_upheld: int = 0

    def add(self, other: "Measures") -> "Measures":
        for name in MEASURES:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        return self

    def as_dict(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in MEASURES}

    @property
    def on_time_legal_rate(self) -> float | None:
        return _rate(self.on_time_legal, self.decided)

    @property
    def on_time_promised_rate(self) -> float | None:
        return _rate(self.on_time_promised, self.decided)

    @property
    def one_trip_rate(self) -> float | None:
        return _rate(self.one_trip, self.completed)

    @property
    def broken_rate(self) -> float | None:
        return _rate(self.broken_promise, self.completed)

    @property
    def supplement_rate(self) -> float | None:
        return _rate(self.supplemented, self.received)

    @property
    def average_working_days(self) -> float | None:
        return round(self.working_days / self.completed, 1) if self.completed else None

    @property
    def levels(self) -> list[int]:
        """Counted ratings from very dissatisfied (1) to very satisfied (5)."""
        return [self.level_1, self.level_2, self.level_3, self.level_4, self.level_5]

    @property
    def ratings(self) -> int:
        return sum(self.levels)

    @property
    def bad(self) -> int:
        return self.level_1 + self.level_2

    @property
    def satisfaction(self) -> float | None:
        """Mean level, 1 (worst) to 5 (best)."""
        n = self.ratings
        return round(sum(level * count for level, count in enumerate(self.levels, 1)) / n, 2) if n else None

    @property
    def good_rate(self) -> float | None:
        return _rate(self.level_4 + self.level_5, self.ratings)

    @property
    def rectified_on_time_rate(self) -> float | None:
        return _rate(self.rectified_on_time, self.rectified_on_time + self.rectified_late)


def _measures(row: dict[str, Any]) -> Measures:
    return Measures(**{name: int(row.get(name) or 0) for name in MEASURES})


GROUPS = {"department": "department_id", "item": "item_id", "window": "window", "month": "month", "day": "day"}


def summed(
    district_id: int, period: Period, by: str | None = None, *, department_id: int | None = None
) -> dict[Any, Measures]:
    """The measures of ``period`` from the summary tables, grouped ``by`` a dimension
    (department, item, window, month or day), or in one total (key None)."""
    # Day by day from the rows per department and day: a month's chart reads at most a row
    # per department and day, whatever the number of cases (decision 0035).
    model = DepartmentDayFigures if by == "day" else MonthlyFigures
    period_field = "day" if by == "day" else "month"
    end = period.last_day if by == "day" else period.last
    rows = model.objects.filter(district_id=district_id, **{f"{period_field}__range": (period.first, end)})
    if department_id is not None:
        rows = rows.filter(department_id=department_id)
    sums = {name: Sum(name) for name in MEASURES}
    if by is None:
        return {None: _measures(rows.aggregate(**sums))}
    found = rows.values(GROUPS[by]).annotate(**sums).order_by()
    return {row[GROUPS[by]]: _measures(row) for row in found}


# The figure behind a drill-down's list, as its bar shows it: a sum of summary columns, one
# with a minus sign taken away (denied = decided − approved). Clock stops and extensions
# count acts, so a case stopped twice in the period counts twice and is listed once.
FIGURE_OF: dict[str, tuple[str, ...]] = {
    "denied": ("decided", "-approved"),
    "late_legal": ("decided", "-on_time_legal"),
    "late_promised": ("decided", "-on_time_promised"),
    "more_trips": ("completed", "-one_trip"),
}


def figure_of(
    measure: str,
    district_id: int,
    period: Period,
    *,
    department_id: int | None = None,
    item_id: int | None = None,
    window: int | None = None,
) -> int:
    """The figure of ``measure`` (a drill-down) for the period and the bar's department,
    item or window (0: online), from the monthly summary: the drill-down's count without
    counting its cases (decision 0035)."""
    rows = MonthlyFigures.objects.filter(district_id=district_id, month__range=(period.first, period.last))
    if department_id is not None:
        rows = rows.filter(department_id=department_id)
    if item_id is not None:
        rows = rows.filter(item_id=item_id)
    if window is not None:
        rows = rows.filter(window=window)
    columns = FIGURE_OF.get(measure, (measure,))
    sums = rows.aggregate(**{c.lstrip("-"): Sum(c.lstrip("-")) for c in columns})
    return sum((-1 if c.startswith("-") else 1) * (sums[c.lstrip("-")] or 0) for c in columns)


# From the cases -----------------------------------------------------------------------------


def _exists(model: Any, **conditions: Any) -> Exists:
    return Exists(model.objects.filter(application=OuterRef("pk"), **conditions))


# The measure, the case's day it is counted on, and the condition on the case.
CASE_FILTERS: dict[str, tuple[str, Q]] = {
    "received": ("received_on", Q()),
    "supplemented": ("received_on", Q(_exists(SupplementNotice))),
    "refused": ("received_on", Q(status=Status.REFUSED)),
    "accepted": ("accepted_on", Q()),
    "deemed": ("accepted_on", Q(deemed_accepted=True)),
    "decided": ("decided_on", Q()),
    "approved": ("decided_on", Q(status__in=(Status.APPROVED, Status.COMPLETED))),
    "denied": ("decided_on", Q(status=Status.DENIED)),
    # The lateness stored with the decision (decision 0033): no join to the deadlines.
    "on_time_legal": ("decided_on", Q(late_legal_days=0)),
    "late_legal": ("decided_on", Q(late_legal_days__gt=0)),
    "on_time_promised": ("decided_on", Q(late_promised_days=0)),
    "late_promised": ("decided_on", Q(late_promised_days__gt=0)),
    "completed": ("completed_on", Q()),
    "one_trip": ("completed_on", Q(visits__lte=1)),
    "more_trips": ("completed_on", Q(visits__gt=1)),
    "broken_promise": ("completed_on", Q(visits__gt=F("item_version__max_trips"))),
}
# Drill-downs that are not a case's day: the cases with such an act in the period.
EVENT_DRILLS = {"clock_stops": "stop_clock", "extensions": "extend"}
DRILLS = (*CASE_FILTERS, *EVENT_DRILLS)
DRILL_LABELS = {
    "received": gettext_lazy("Received"),
    "supplemented": gettext_lazy("With a supplement notice"),
    "refused": gettext_lazy("Not accepted"),
    "accepted": gettext_lazy("Accepted"),
    "deemed": gettext_lazy("Deemed accepted"),
    "decided": gettext_lazy("Decided"),
    "approved": gettext_lazy("Approved"),
    "denied": gettext_lazy("Denied"),
    "on_time_legal": gettext_lazy("Decided within the legal limit"),
    "late_legal": gettext_lazy("Decided after the legal limit"),
    "on_time_promised": gettext_lazy("Decided within the promised limit"),
    "late_promised": gettext_lazy("Decided after the promised limit"),
    "completed": gettext_lazy("Completed"),
    "one_trip": gettext_lazy("Completed with at most one visit"),
    "more_trips": gettext_lazy("Completed with more than one visit"),
    "broken_promise": gettext_lazy("More visits than the item promises"),
    "clock_stops": gettext_lazy("Clock stopped"),
    "extensions": gettext_lazy("Time limit extended"),
}


def day_field(measure: str) -> str:
    """The case's day a measure is counted on (the drill-down lists by it, newest first)."""
    return CASE_FILTERS[measure][0] if measure in CASE_FILTERS else "received_on"


def _day_range(first: dt.date, last: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = timezone.make_aware(dt.datetime.combine(first, dt.time.min))
    end = timezone.make_aware(dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min))
    return start, end


def acts_behind(measure: str, first: dt.date, last: dt.date) -> tuple[QuerySet[Any], str]:
    """The clock stops or extensions (``EVENT_DRILLS``) between ``first`` and ``last``,
    each read by its own index, and the field that dates them."""
    if measure == "clock_stops":
        return ClockStop.objects.filter(started_on__range=(first, last)), "started_on"
    start, end = _day_range(first, last)
    return ApplicationEvent.objects.filter(verb="extend", at__gte=start, at__lt=end), "at"


def cases_behind(
    measure: str, district_id: int, first: dt.date, last: dt.date, cases: QuerySet[Application] | None = None
) -> QuerySet[Application]:
    """The cases a measure counts between ``first`` and ``last`` (days): the drill-down
    from a chart, and the recount of the figure."""
    cases = (cases if cases is not None else Application.objects.all()).filter(district_id=district_id)
    if measure in EVENT_DRILLS:
        # A case has acts only once received: the bound starts a newest-first list at the
        # period's end instead of walking every case received since.
        acts, _day = acts_behind(measure, first, last)
        return cases.filter(pk__in=acts.values("application_id"), received_on__lte=last)
    day_field, condition = CASE_FILTERS[measure]
    return cases.filter(condition, **{f"{day_field}__range": (first, last)})


def _dimension(row_dims: tuple[int, int, int | None], day: dt.date, by: str | None) -> Any:
    department, item, window = row_dims
    return {
        None: None,
        "department": department,
        "item": item,
        "window": window or 0,
        "month": day.replace(day=1),
        "day": day,
    }[by]


def recount(
    district_id: int, period: Period, by: str | None = None, *, department_id: int | None = None
) -> dict[Any, Measures]:
    """The same measures as ``summed``, counted from the cases, their visits, stops,
    extensions and ratings (slow on millions of cases: for tests and checks)."""
    from dgov.cockpit.summary import Case, working_days
    from dgov.ratings.models import Appeal, Rating, Rectification

    first, last = period.first_day, period.last_day
    found: dict[Any, Measures] = defaultdict(Measures)
    scope = Application.objects.all()
    if department_id is not None:
        scope = scope.filter(department_id=department_id)
    dims = ("department_id", "item_id", "window_id")

    def bump(key: Any, name: str, amount: int = 1) -> None:
        setattr(found[key], name, getattr(found[key], name) + amount)

    for name in CASE_MEASURES:
        if name in ("visits", "working_days", "clock_stops", "extensions"):
            continue
        day_field = CASE_FILTERS[name][0]
        for *row_dims, day in cases_behind(name, district_id, first, last, scope).values_list(*dims, day_field):
            bump(_dimension(tuple(row_dims), day, by), name)  # type: ignore[arg-type]
    completed = cases_behind("completed", district_id, first, last, scope).values_list(
        *dims, "completed_on", "visits", "accepted_on"
    )
    for department, item, window, day, visits, accepted_on in completed:
        key = _dimension((department, item, window), day, by)
        bump(key, "visits", visits)
        case = Case(0, 0, 0, 0, day, accepted_on, False, None, day, 0, 0, 0)
        bump(key, "working_days", working_days(case))
    stops = ClockStop.objects.filter(
        application__district_id=district_id, application__in=scope, started_on__range=(first, last)
    )
    for *row_dims, day in stops.values_list(*(f"application__{d}" for d in dims), "started_on"):
        bump(_dimension(tuple(row_dims), day, by), "clock_stops")  # type: ignore[arg-type]
    start, end = _day_range(first, last)
    extensions = ApplicationEvent.objects.filter(
        application__district_id=district_id, application__in=scope, verb="extend", at__gte=start, at__lt=end
    )
    for *row_dims, at in extensions.values_list(*(f"application__{d}" for d in dims), "at"):
        bump(_dimension(tuple(row_dims), timezone.localdate(at), by), "extensions")  # type: ignore[arg-type]

    ratings = Rating.objects.filter(district_id=district_id, rated_on__range=(first, last))
    if department_id is not None:
        ratings = ratings.filter(department_id=department_id)
    for department, item, window, day, level, excluded in ratings.values_list(
        "department_id", "item_id", "window_id", "rated_on", "level", "excluded"
    ):
        key = _dimension((department, item, window), day, by)
        bump(key, "excluded" if excluded else f"level_{level}")
    rectifications = Rectification.objects.filter(rating__in=ratings).exclude(status=Rectification.Status.WITHDRAWN)
    for department, item, window, day, status, closed_on, due in rectifications.values_list(
        "rating__department_id",
        "rating__item_id",
        "rating__window_id",
        "rating__rated_on",
        "status",
        "closed_on",
        "deadline__due_date",
    ):
        key = _dimension((department, item, window), day, by)
        bump(key, "rectifications")
        if status == Rectification.Status.CLOSED:
            bump(key, "rectified_on_time" if closed_on <= due else "rectified_late")
    appeals = Appeal.objects.filter(rating__in=ratings)
    for department, item, window, day, status in appeals.values_list(
        "rating__department_id", "rating__item_id", "rating__window_id", "rating__rated_on", "status"
    ):
        key = _dimension((department, item, window), day, by)
        bump(key, "appeals")
        if status == Appeal.Status.UPHELD:
            bump(key, "appeals_upheld")
    if by is None and not found:
        found[None] = Measures()
    return dict(found)


# The catalogue's promise ----------------------------------------------------------------------


@dataclass(frozen=True)
class Declared:
    """Published items and those declaring at most one visit (the typed figure)."""

    one_trip: int
    total: int

    @property
    def rate(self) -> float | None:
        return _rate(self.one_trip, self.total)


def declared_by_department(district_id: int) -> dict[int, Declared]:
    from dgov.services.models import ServiceItem, Trips

    rows = (
        ServiceItem.objects.published()
        .filter(district_id=district_id)
        .values("current_version__department_id")
        .annotate(total=Count("pk"), one=Count("pk", filter=Q(current_version__max_trips__lte=Trips.ONE)))
        .order_by()
    )
    return {r["current_version__department_id"]: Declared(r["one"], r["total"]) for r in rows}


def declared_total(by_department: dict[int, Declared]) -> Declared:
    return Declared(sum(d.one_trip for d in by_department.values()), sum(d.total for d in by_department.values()))


@dataclass
class ItemPromise:
    item_id: int
    code: str
    name: str
    department: str
    max_trips: int
    figures: Measures

    @property
    def broken(self) -> int:
        return self.figures.broken_promise


def broken_promises(
    district_id: int, period: Period, *, department_id: int | None = None, limit: int = 20
) -> list[ItemPromise]:
    """Items whose promise of visits was broken most often in ``period``, worst first."""
    from dgov.services.models import ServiceItem

    by_item = summed(district_id, period, "item", department_id=department_id)
    worst = sorted(
        (pk for pk, m in by_item.items() if m.completed),
        key=lambda pk: (-by_item[pk].broken_promise, -(by_item[pk].broken_rate or 0), pk),
    )[:limit]
    items = ServiceItem.objects.filter(pk__in=worst).select_related("current_version__department")
    found = {i.pk: i for i in items}
    return [
        ItemPromise(
            pk,
            found[pk].code,
            found[pk].current.name if found[pk].current else found[pk].code,
            str(found[pk].current.department) if found[pk].current else "",
            found[pk].current.max_trips if found[pk].current else 0,
            by_item[pk],
        )
        for pk in worst
        if pk in found
    ]


def total(measures: Iterable[Measures]) -> Measures:
    result = Measures()
    for m in measures:
        result.add(m)
    return result


MEASURE_NAMES = tuple(f.name for f in fields(Measures))
assert MEASURE_NAMES == MEASURES  # noqa: S101 — the dataclass and the tables list the same measures
assert set(RATING_MEASURES) <= set(MEASURE_NAMES)  # noqa: S101
