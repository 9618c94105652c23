"""Keeping the summary tables current (decision 0022), incrementally, off the hot path.

A transition writes nothing here: the job runner reads what was appended since its last
pass and adds it up.

1. Cases: the applications' timeline (``ApplicationEvent``) is the log. Each event adds
   to the measures of the day its case records for it (received on, accepted on, decided
   on, completed on; the event's own day for clock stops and extensions), under the
   case's department, item and window. A visit recorded after completion moves that
   completion's one-trip count, so the figure follows the visits whenever they come.
2. Ratings: the audit entries of ratings, rectifications and appeals are the log; each
   day a rating was given on whose rating, rectification or appeal changed is counted
   again from its ratings (a day is a few thousand rows at most, read by the
   ``rating_district_day_idx`` index), and its month summed again from its days.
3. Exactly once: a pass locks its mark, reads at most ``BATCH`` log rows past it, writes
   the sums and moves the mark in one transaction; two runners never count a row twice.
   A row whose transaction took a lower id but commits later is not lost: the ids below
   the mark not yet seen are kept and looked for on each pass for ``GAP_SECONDS``
   (after which they are rolled-back inserts; an event is written in the same statement
   as its case's update, which takes the case's row lock, so one case's events commit in
   id order).

Measured (``bench/cockpit.py``, PostgreSQL, loaded machine): the passes over 11,065 new
transitions took 6.5 s (budget 10 s); see ``bench/README.md``.
"""

import datetime as dt
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from django.db import connection, models, transaction
from django.db.models import Count, Q
from django.utils import timezone

from dgov.applications.models import Application, ApplicationEvent
from dgov.cockpit.models import (
    CASE_MEASURES,
    RATING_MEASURES,
    DailyFigures,
    DepartmentDayFigures,
    MonthlyFigures,
    RefreshMark,
)
from dgov.workdays.calendar import default_calendar

BATCH = 50_000
GAP_SECONDS = 600
MAX_GAPS = 10_000
CHUNK = 2_000  # ids per IN (...) list

# (district, day, department, item, window): the key of a summary row.
Key = tuple[int, dt.date, int, int, int]


def month_of(day: dt.date) -> dt.date:
    return day.replace(day=1)


# The log and its mark ---------------------------------------------------------------------


def _claim(name: str) -> RefreshMark:
    """The mark, locked for this transaction: the UPDATE takes the write lock first (on
    SQLite the database's, on PostgreSQL the row's), so a second pass waits, then reads
    the mark the first one moved."""
    RefreshMark.objects.get_or_create(name=name)
    RefreshMark.objects.filter(name=name).update(refreshed_at=timezone.now())
    return RefreshMark.objects.select_for_update().get(name=name)


def _read(rows: models.QuerySet, mark: RefreshMark, fields: Sequence[str], limit: int) -> list[tuple[Any, ...]]:
    """The log rows past the mark and those in its gaps, in id order (``fields`` starts with "id")."""
    gaps = [int(k) for k in mark.gaps]
    where = Q(id__gt=mark.last_id)
    if gaps:
        where |= Q(id__in=gaps)
    return list(rows.filter(where).order_by("id").values_list(*fields)[:limit])


def _advance(mark: RefreshMark, ids: Iterable[int]) -> None:
    """Move the mark past ``ids`` (just read), remembering the ids skipped on the way."""
    now = time.time()
    seen = set(ids)
    gaps = {int(k): v for k, v in mark.gaps.items() if int(k) not in seen and now - v < GAP_SECONDS}
    top = max([mark.last_id, *seen])
    skipped = (top - mark.last_id) - sum(1 for i in seen if i > mark.last_id)
    if skipped > 0 and len(gaps) + skipped <= MAX_GAPS:
        for missing in range(mark.last_id + 1, top):
            if missing not in seen:
                gaps[missing] = now
    mark.last_id = top
    mark.gaps = {str(k): v for k, v in gaps.items()}
    mark.refreshed_at = timezone.now()
    mark.save(update_fields=["last_id", "gaps", "refreshed_at"])


# Writing sums -----------------------------------------------------------------------------


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _add(
    model: type[models.Model],
    period: str,
    sums: dict[Any, Counter[str]],
    measures: Sequence[str],
    dimensions: Sequence[str] = ("item_id", "window"),
) -> None:
    """Add ``sums`` to the ``measures`` of ``model``'s rows (created when missing)."""
    if not sums:
        return
    table = _q(model._meta.db_table)
    keys = ["district_id", period, "department_id", *dimensions]
    columns = [*keys, *measures]
    others = [m for m in (*CASE_MEASURES, *RATING_MEASURES) if m not in measures]
    # The one upsert of the summary: ON CONFLICT … DO UPDATE adds, on SQLite and PostgreSQL alike.
    sql = (
        f"INSERT INTO {table} ({', '.join(_q(c) for c in columns)}, {', '.join(_q(c) for c in others)}) "  # noqa: S608 — names from the models, values as parameters
        f"VALUES ({', '.join(['%s'] * len(columns))}, {', '.join(['0'] * len(others))}) "
        f"ON CONFLICT ({', '.join(_q(c) for c in keys)}) DO UPDATE SET "
        + ", ".join(f"{_q(c)} = {table}.{_q(c)} + excluded.{_q(c)}" for c in measures)
    )
    params: list[list[Any]] = [
        [*key, *(counts.get(m, 0) for m in measures)] for key, counts in sorted(sums.items()) if any(counts.values())
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def add_sums(daily: dict[Key, Counter[str]], measures: Sequence[str] = CASE_MEASURES) -> None:
    """Add per-day sums of ``measures`` to the daily, the department-day and the monthly rows."""
    monthly: dict[Key, Counter[str]] = defaultdict(Counter)
    by_department: dict[tuple[int, dt.date, int], Counter[str]] = defaultdict(Counter)
    for (district, day, department, item, window), counts in daily.items():
        monthly[(district, month_of(day), department, item, window)].update(counts)
        by_department[(district, day, department)].update(counts)
    _add(DailyFigures, "day", daily, measures)
    _add(DepartmentDayFigures, "day", by_department, measures, dimensions=())
    _add(MonthlyFigures, "month", monthly, measures)


# Cases ------------------------------------------------------------------------------------


@dataclass
class Case:
    """What the sums read of an application: its dimensions, the days of its steps and
    how late its decision came, none of which changes once set."""

    district: int
    department: int
    item: int
    window: int
    received_on: dt.date
    accepted_on: dt.date | None
    deemed: bool
    decided_on: dt.date | None
    completed_on: dt.date | None
    max_trips: int
    late_legal_days: int | None  # stored with the decision (decision 0033)
    late_promised_days: int | None


CASE_FIELDS = (
    "pk",
    "district_id",
    "department_id",
    "item_id",
    "window_id",
    "received_on",
    "accepted_on",
    "deemed_accepted",
    "decided_on",
    "completed_on",
    "item_version__max_trips",
    "late_legal_days",
    "late_promised_days",
)


def _chunks(ids: Iterable[int]) -> Iterable[list[int]]:
    ordered = sorted(ids)
    for start in range(0, len(ordered), CHUNK):
        yield ordered[start : start + CHUNK]


def _cases(ids: Iterable[int]) -> dict[int, Case]:
    found: dict[int, Case] = {}
    for chunk in _chunks(ids):
        for pk, district, dept, item, window, *rest in Application.objects.filter(pk__in=chunk).values_list(
            *CASE_FIELDS
        ):
            found[pk] = Case(district, dept, item, window or 0, *rest)
    return found


@dataclass
class History:
    """A case's visits, completion and first supplement notice, by event id."""

    check_ins: list[int] = field(default_factory=list)
    completed_at: int | None = None
    first_notice: int | None = None

    def visits_through(self, event_id: int) -> int:
        return sum(1 for i in self.check_ins if i <= event_id)


def _histories(ids: Iterable[int]) -> dict[int, History]:
    found: dict[int, History] = defaultdict(History)
    for chunk in _chunks(ids):
        rows = ApplicationEvent.objects.filter(
            application_id__in=chunk, verb__in=("check_in", "complete", "request_supplement")
        ).values_list("application_id", "verb", "id")
        for application, verb, pk in rows:
            history = found[application]
            if verb == "check_in":
                history.check_ins.append(pk)
            elif verb == "complete":
                history.completed_at = pk if history.completed_at is None else min(history.completed_at, pk)
            else:
                history.first_notice = pk if history.first_notice is None else min(history.first_notice, pk)
    return found


@lru_cache(maxsize=100_000)
def _working_days_between(a: dt.date, b: dt.date) -> int:
    return default_calendar.working_days_between(a, b)


def working_days(case: Case) -> int:
    """Working days from acceptance to completion (cached for one pass: most cases of a
    pass share a few hundred pairs of days)."""
    if case.accepted_on is None or case.completed_on is None:
        return 0
    return max(_working_days_between(case.accepted_on, case.completed_on), 0)


def event_sums(
    case: Case, pk: int, verb: str, at: dt.datetime, history: History | None
) -> list[tuple[dt.date, dict[str, int]]]:
    """What one event of ``case`` adds to the sums, and on which day (rule 1)."""
    if verb == "submit":
        return [(case.received_on, {"received": 1})]
    if verb == "request_supplement" and history is not None and history.first_notice == pk:
        return [(case.received_on, {"supplemented": 1})]
    if verb == "refuse":
        return [(case.received_on, {"refused": 1})]
    if verb == "accept" and case.accepted_on is not None:
        return [(case.accepted_on, {"accepted": 1, "deemed": int(case.deemed)})]
    if verb in ("approve", "deny") and case.decided_on is not None:
        day = case.decided_on
        return [
            (
                day,
                {
                    "decided": 1,
                    "approved": int(verb == "approve"),
                    "on_time_legal": int(not case.late_legal_days),
                    "on_time_promised": int(not case.late_promised_days),
                },
            )
        ]
    if verb == "complete" and case.completed_on is not None:
        visits = history.visits_through(pk) if history is not None else 0
        return [
            (
                case.completed_on,
                {
                    "completed": 1,
                    "one_trip": int(visits <= 1),
                    "broken_promise": int(visits > case.max_trips),
                    "visits": visits,
                    "working_days": working_days(case),
                },
            )
        ]
    if verb == "check_in" and history is not None and case.completed_on is not None:
        if history.completed_at is None or history.completed_at > pk:
            return []  # counted when the case completes
        visits = history.visits_through(pk)
        return [
            (
                case.completed_on,
                {
                    "visits": 1,
                    "one_trip": -int(visits == 2),
                    "broken_promise": int(visits == case.max_trips + 1),
                },
            )
        ]
    if verb == "stop_clock":
        return [(timezone.localdate(at), {"clock_stops": 1})]
    if verb == "extend":
        return [(timezone.localdate(at), {"extensions": 1})]
    return []


def refresh_cases(limit: int = BATCH) -> int:
    """One pass over the events appended since the last (rule 1); returns how many."""
    _working_days_between.cache_clear()  # a calendar edited since the last pass counts
    with transaction.atomic():
        mark = _claim("cases")
        events = _read(ApplicationEvent.objects.all(), mark, ("id", "application_id", "verb", "at"), limit)
        if not events:
            return 0
        cases = _cases({e[1] for e in events})
        histories = _histories({e[1] for e in events if e[2] in ("check_in", "complete", "request_supplement")})
        daily: dict[Key, Counter[str]] = defaultdict(Counter)
        for pk, application, verb, at in events:
            case = cases.get(application)
            if case is None:
                continue
            for day, counts in event_sums(case, pk, verb, at, histories.get(application)):
                daily[(case.district, day, case.department, case.item, case.window)].update(counts)
        add_sums(daily)
        _advance(mark, (e[0] for e in events))
    return len(events)


# Ratings ----------------------------------------------------------------------------------

RATING_VERBS = ("rating.create", "rating.deem", "rating.appeal", "rating.appeal_decide")


def rating_day_sums(district: int, day: dt.date) -> dict[Key, dict[str, int]]:
    """The rating measures of one day, counted from the ratings (rule 2)."""
    from dgov.ratings.models import Appeal, Rating, Rectification

    closed = Q(rectification__status=Rectification.Status.CLOSED)
    due = models.F("rectification__deadline__due_date")
    rows = (
        Rating.objects.filter(district_id=district, rated_on=day)
        .values_list("department_id", "item_id", "window_id")
        .annotate(
            **{f"level_{n}": Count("pk", filter=Q(level=n, excluded=False)) for n in range(1, 6)},
            excluded_n=Count("pk", filter=Q(excluded=True)),
            rectifications=Count("rectification", filter=~Q(rectification__status=Rectification.Status.WITHDRAWN)),
            rectified_on_time=Count("rectification", filter=closed & Q(rectification__closed_on__lte=due)),
            rectified_late=Count("rectification", filter=closed & Q(rectification__closed_on__gt=due)),
            appeals=Count("appeal"),
            appeals_upheld=Count("appeal", filter=Q(appeal__status=Appeal.Status.UPHELD)),
        )
        .order_by()
    )
    return {
        (district, day, department, item, window or 0): dict(zip(RATING_MEASURES, counts, strict=True))
        for department, item, window, *counts in rows
    }


def _rating_roll(model: type[models.Model], keys: list[str], selected: str, grouped: str, days: str) -> str:
    """An upsert of ``model``'s rating measures summed from the daily rows of a district's
    ``days``, grouped by ``grouped`` (parameters: what ``selected`` takes, the district,
    what ``days`` takes)."""
    daily_table, table = _q(DailyFigures._meta.db_table), _q(model._meta.db_table)
    return (
        f"INSERT INTO {table} ({', '.join(_q(c) for c in (*keys, *RATING_MEASURES, *CASE_MEASURES))}) "  # noqa: S608 — names from the models, values as parameters
        f"SELECT district_id, {selected}, "
        + ", ".join(f"SUM({_q(c)})" for c in RATING_MEASURES)
        + f", {', '.join(['0'] * len(CASE_MEASURES))} FROM {daily_table} "
        f"WHERE district_id = %s AND {days} "
        f"GROUP BY district_id, {grouped} "
        f"ON CONFLICT ({', '.join(_q(c) for c in keys)}) DO UPDATE SET "
        + ", ".join(f"{_q(c)} = excluded.{_q(c)}" for c in RATING_MEASURES)
    )


def _set_rating_days(days: set[tuple[int, dt.date]]) -> None:
    daily_table, monthly_table = _q(DailyFigures._meta.db_table), _q(MonthlyFigures._meta.db_table)
    keys = ["district_id", "day", "department_id", "item_id", "window"]
    zero = ", ".join(f"{_q(c)} = 0" for c in RATING_MEASURES)
    upsert = (
        f"INSERT INTO {daily_table} ({', '.join(_q(c) for c in (*keys, *RATING_MEASURES, *CASE_MEASURES))}) "  # noqa: S608 — names from the models, values as parameters
        f"VALUES ({', '.join(['%s'] * (len(keys) + len(RATING_MEASURES)))}, {', '.join(['0'] * len(CASE_MEASURES))}) "
        f"ON CONFLICT ({', '.join(_q(c) for c in keys)}) DO UPDATE SET "
        + ", ".join(f"{_q(c)} = excluded.{_q(c)}" for c in RATING_MEASURES)
    )
    # The monthly rows per department, item and window over a month's days, and the
    # department-day rows over one day: rating measures rolled up from the daily rows.
    roll = _rating_roll(
        MonthlyFigures,
        ["district_id", "month", "department_id", "item_id", "window"],
        f"%s, department_id, item_id, {_q('window')}",
        f"department_id, item_id, {_q('window')}",
        f"{_q('day')} BETWEEN %s AND %s",
    )
    department_table = _q(DepartmentDayFigures._meta.db_table)
    day_keys = f"{_q('day')}, department_id"
    roll_day = _rating_roll(
        DepartmentDayFigures, ["district_id", "day", "department_id"], day_keys, day_keys, f"{_q('day')} = %s"
    )
    months: set[tuple[int, dt.date]] = set()
    with connection.cursor() as cursor:
        for district, day in sorted(days):
            for table in (daily_table, department_table):
                cursor.execute(
                    f"UPDATE {table} SET {zero} WHERE district_id = %s AND {_q('day')} = %s",  # noqa: S608
                    [district, day],
                )
            sums = rating_day_sums(district, day)
            cursor.executemany(upsert, [[*key, *(c[m] for m in RATING_MEASURES)] for key, c in sorted(sums.items())])
            cursor.execute(roll_day, [district, day])
            months.add((district, month_of(day)))
        for district, month in sorted(months):
            last = (month + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
            cursor.execute(
                f"UPDATE {monthly_table} SET {zero} WHERE district_id = %s AND {_q('month')} = %s",  # noqa: S608
                [district, month],
            )
            cursor.execute(roll, [month, district, month, last])


def refresh_ratings(limit: int = BATCH) -> int:
    """One pass over the audit entries appended since the last (rule 2)."""
    from dgov.audit.models import AuditEntry
    from dgov.ratings.models import Appeal, Rating, Rectification

    with transaction.atomic():
        mark = _claim("ratings")
        entries = _read(AuditEntry.objects.all(), mark, ("id", "verb", "object_type", "object_id"), limit)
        if not entries:
            return 0
        ids: dict[str, set[int]] = defaultdict(set)
        for _pk, verb, object_type, object_id in entries:
            if (verb in RATING_VERBS or verb.startswith("rectification.")) and object_id.isdigit():
                ids[object_type].add(int(object_id))
        days: set[tuple[int, dt.date]] = set()
        for model, path in ((Rating, ""), (Rectification, "rating__"), (Appeal, "rating__")):
            for chunk in _chunks(ids.get(model._meta.label_lower, ())):
                days.update(model.objects.filter(pk__in=chunk).values_list(f"{path}district_id", f"{path}rated_on"))
        _set_rating_days(days)
        _advance(mark, (e[0] for e in entries))
    return sum(1 for e in entries if e[1] in RATING_VERBS or e[1].startswith("rectification."))


def refresh(now: dt.datetime | None = None) -> int:
    """The job: both summaries, one pass each."""
    return refresh_cases() + refresh_ratings()
