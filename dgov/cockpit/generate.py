"""Realistic cases in bulk (``manage.py generate_cases``): for benchmarks and for trying the
cockpit at scale, never for production (it writes rows past the ``do_*`` functions).

Each case walks the steps of a real one on the working-day calendar (holidays and make-up
days included): received online or at a window, perhaps a supplement notice, accepted
(now and then deemed accepted), reviewed, decided mostly within the promised limit and
sometimes after it or even after the legal one, now and then a clock stop or an
extension, completed; visits in person at the windows; ratings, the rectification of the
bad ones, appeals. Cases received lately are still open. Its timeline events are written
in order, so the one-trip figure counts the visits as the job would.

Rows go in by ``COPY`` on PostgreSQL (psycopg), by ``executemany`` on SQLite, a chunk of
cases at a time. The summary tables are added to as the cases are made, through the same
``summary.event_sums`` the job uses, and the marks are moved past what was written (or
left behind with ``summarise=False``, for the job to catch up: the refresh benchmark).
"""

import datetime as dt
import itertools
import random
import time
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection, connections, models, transaction
from django.db.models import Max
from django.utils import timezone

from dgov.accounts.models import Applicant, District, ServiceWindow, User
from dgov.applications.models import Application, ApplicationEvent, ClockStop, Status, SupplementNotice, Visit
from dgov.cockpit import summary
from dgov.cockpit.figures import add_months
from dgov.cockpit.models import (
    CASE_MEASURES,
    MEASURES,
    RATING_MEASURES,
    DailyFigures,
    DepartmentDayFigures,
    MonthlyFigures,
    RefreshMark,
)
from dgov.lib import clock
from dgov.ratings.models import Appeal, Rating, Rectification
from dgov.workdays.calendar import default_calendar
from dgov.workdays.models import CountedFrom, Deadline

CHUNK = 20_000  # cases per round of writes
FLUSH_EVERY = 25  # rounds between writes of the summary (the cases of a round are committed with their rows)
RECTIFICATION_DAYS = 15
LEVELS = (5, 4, 3, 2, 1)
LEVEL_WEIGHTS = (68, 19, 8, 3.5, 1.5)
LEVEL_CUMULATIVE = tuple(itertools.accumulate(LEVEL_WEIGHTS))  # what random.choices would add up on each call


@dataclass
class Item:
    pk: int
    version: int
    department: int
    legal: int
    promised: int
    max_trips: int
    weight: float


PAST_THE_END = 1_000  # working days a case may step past the last one computed (each reads as the last)


class Days:
    """The working days of the generated period, for stepping n working days at once.

    ``at`` is the same list padded with its last day, for plain indexing in the loop that
    makes the cases (a method call per day read was a tenth of the time of a case)."""

    def __init__(self, first: dt.date, last: dt.date) -> None:
        span = (last - first).days + 60
        self.days = [
            first + dt.timedelta(days=n)
            for n in range(span)
            if default_calendar.is_working_day(first + dt.timedelta(days=n))
        ]
        self.at = self.days + [self.days[-1]] * PAST_THE_END

    def index(self, day: dt.date) -> int:
        return bisect_left(self.days, day)

    def __getitem__(self, n: int) -> dt.date:
        return self.days[min(n, len(self.days) - 1)]


class Writer:
    """Rows to one table at a time: COPY on PostgreSQL, executemany on SQLite."""

    def __init__(self) -> None:
        self.postgres = connection.vendor == "postgresql"
        self.rows = 0

    def write(self, model: type[models.Model], columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
        if not rows:
            return
        table = connection.ops.quote_name(model._meta.db_table)
        names = ", ".join(connection.ops.quote_name(c) for c in columns)
        with connection.cursor() as cursor:
            if self.postgres:
                raw = cursor.cursor  # psycopg's own cursor: COPY FROM STDIN
                with raw.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(columns))
                cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)  # noqa: S608 — names from the models
        self.rows += len(rows)


def _next_ids(*model_list: type[models.Model]) -> dict[type[models.Model], int]:
    return {m: (m._default_manager.aggregate(n=Max("pk"))["n"] or 0) + 1 for m in model_list}


def _set_sequences(*model_list: type[models.Model]) -> None:
    if connection.vendor != "postgresql":
        return  # SQLite's AUTOINCREMENT follows the highest id written
    with connection.cursor() as cursor:
        for model in model_list:
            table = model._meta.db_table
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence(%s, 'id'), (SELECT COALESCE(MAX(id), 1) FROM " + table + "))",  # noqa: S608
                [table],
            )


_SECONDS = [dt.timedelta(seconds=n) for n in range(0, 9 * 3600, 7)]
_MINUTES = [dt.timedelta(minutes=n) for n in range(3, 90)]


_OPENING: dict[dt.date, dt.datetime] = {}  # a day's 8:30 in Shanghai, made once per day


def _moment(day: dt.date, rng: random.Random, after: dt.datetime | None = None) -> dt.datetime:
    """A time during office hours on ``day`` (Asia/Shanghai), after ``after`` when given."""
    start = _OPENING.get(day)
    if start is None:
        start = _OPENING[day] = dt.datetime(day.year, day.month, day.day, 0, 30, tzinfo=dt.UTC)
    r = rng.random
    moment = start + _SECONDS[int(r() * len(_SECONDS))]
    if after is not None and moment <= after:
        moment = after + _MINUTES[int(r() * len(_MINUTES))]
    return moment


def applicants(district: District, n: int, rng: random.Random) -> list[int]:
    """A pool of ``n`` applicants of the district (made once, then reused)."""
    existing = list(
        Applicant.objects.filter(district=district, name__startswith="申请人").values_list("pk", flat=True)[:n]
    )
    if len(existing) >= n:
        return existing
    surnames = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
    made = []
    for k in range(len(existing), n):
        made.append(
            Applicant(
                district=district,
                kind=Applicant.Kind.CITIZEN,
                name=f"申请人{surnames[k % len(surnames)]}{k}",
                phone="",
            )
        )
    Applicant.objects.bulk_create(made, batch_size=2000)
    return list(Applicant.objects.filter(district=district, name__startswith="申请人").values_list("pk", flat=True)[:n])


@dataclass
class Context:
    district: District
    items: list[Item]
    cumulative: list[float]
    windows: list[int]
    clerk: int
    reviewer: int
    approver: int
    supervisor: int
    online_user: int
    applicants: list[int]
    days: Days
    today_index: int
    first_index: int
    now: dt.datetime


def context(district: District, months: int, rng: random.Random, applicant_pool: int) -> Context:
    from dgov.services.models import ServiceItem

    today = clock.today()
    first = add_months(today.replace(day=1), 1 - months)
    days = Days(first, today)
    items = []
    for n, item in enumerate(
        ServiceItem.objects.published().filter(district=district).select_related("current_version").order_by("code")
    ):
        v = item.current_version
        assert v is not None
        items.append(
            Item(
                item.pk,
                v.pk,
                v.department_id,
                v.legal_limit_days,
                v.promised_limit_days,
                v.max_trips,
                1 / (1 + n) ** 0.8,
            )
        )
    if not items:
        raise ValueError("the district has no published items: load the demo first (manage.py load_demo)")
    if max(i.legal for i in items) > PAST_THE_END // 2:  # a case steps at most its limits and a few weeks past today
        raise ValueError("an item's legal limit is longer than the generated calendar reaches")
    staff = {
        u.username: u.pk
        for u in User.objects.filter(username__in=["clerk", "reviewer", "approver", "supervisor", "citizen"])
    }
    return Context(
        district=district,
        items=items,
        cumulative=list(itertools.accumulate(i.weight for i in items)),
        windows=list(
            ServiceWindow.objects.filter(district=district, kind__in=["general", "enterprise"]).values_list(
                "pk", flat=True
            )
        )
        or list(ServiceWindow.objects.filter(district=district).values_list("pk", flat=True)),
        clerk=staff["clerk"],
        reviewer=staff["reviewer"],
        approver=staff["approver"],
        supervisor=staff["supervisor"],
        online_user=staff["citizen"],
        applicants=applicants(district, applicant_pool, rng),
        days=days,
        today_index=days.index(today) if today in days.days else days.index(today) - 1,
        first_index=days.index(first),
        now=clock.now(),
    )


class Batch:
    """The rows of one chunk of cases, table by table, and what they add to the summary."""

    def __init__(
        self,
        ids: dict[type[models.Model], int],
        sums: dict[summary.Key, Counter[str]],
        rating_sums: dict[summary.Key, Counter[str]],
    ) -> None:
        self.ids = ids
        self.rows: dict[type[models.Model], list[tuple[Any, ...]]] = defaultdict(list)
        self.sums = sums  # kept over several batches: one upsert per summary row, not per case
        self.rating_sums = rating_sums

    def new_id(self, model: type[models.Model]) -> int:
        pk = self.ids[model]
        self.ids[model] = pk + 1
        return pk


APPLICATION_COLUMNS = (
    "id", "district_id", "number", "verification_code", "item_id", "item_version_id", "department_id", "applicant_id",
    "submitted_by_id", "channel", "window_id", "idempotency_key", "status", "received_on", "supplemented_on",
    "accepted_on", "deemed_accepted", "accepted_by_id", "reviewed_by_id", "decided_by_id", "decided_on",
    "completed_on", "reasons", "legal_deadline_id", "promised_deadline_id", "clock_stopped", "extended_days",
    "visits", "created_at", "updated_at", "late_legal_days", "late_promised_days",
)  # fmt: skip
EVENT_COLUMNS = ("id", "application_id", "at", "by_id", "verb", "from_status", "to_status", "note")
DEADLINE_COLUMNS = (
    "id", "district_id", "label", "start_date", "working_days", "extra_days", "due_date", "provisional", "closed_at",
    "created_at", "counted_from", "stopped_days", "base_due_date",
)  # fmt: skip
VISIT_COLUMNS = ("id", "application_id", "window_id", "clerk_id", "at")
NOTICE_COLUMNS = ("id", "application_id", "issued_on", "issued_by_id", "completed_on", "reason")
STOP_COLUMNS = (
    "id", "application_id", "procedure", "started_on", "expected_days", "notice", "counts_toward_limit", "ended_on",
    "days_stopped", "started_by_id",
)  # fmt: skip
RATING_COLUMNS = (
    "id", "district_id", "application_id", "visit_id", "department_id", "window_id", "item_id", "level", "comment",
    "source", "rated_by_id", "rated_on", "created_at", "excluded",
)  # fmt: skip
RECTIFICATION_COLUMNS = (
    "id", "district_id", "rating_id", "status", "deadline_id", "called_back_on", "callback_note", "called_back_by_id",
    "fix", "fixed_by_id", "reply", "closed_on", "closed_by_id", "created_at",
)  # fmt: skip
APPEAL_COLUMNS = (
    "id", "district_id", "rating_id", "ground", "reason", "filed_by_id", "filed_at", "status", "decision",
    "decided_by_id", "decided_at",
)  # fmt: skip
TABLES: tuple[tuple[type[models.Model], tuple[str, ...]], ...] = (
    (Deadline, DEADLINE_COLUMNS),
    (Application, APPLICATION_COLUMNS),
    (ApplicationEvent, EVENT_COLUMNS),
    (Visit, VISIT_COLUMNS),
    (SupplementNotice, NOTICE_COLUMNS),
    (ClockStop, STOP_COLUMNS),
    (Rating, RATING_COLUMNS),
    (Rectification, RECTIFICATION_COLUMNS),
    (Appeal, APPEAL_COLUMNS),
)


_SILENT = frozenset({"review", "supplement", "resume_clock"})  # events that count nothing


def _first(event: tuple[Any, ...]) -> Any:
    return event[0]


def make_case(ctx: Context, batch: Batch, rng: random.Random, serial: int) -> None:  # noqa: C901, PLR0912, PLR0915 — one case's story, step by step
    """Write one case's rows into ``batch`` and add its events to the summary."""
    days, today = ctx.days.at, ctx.today_index
    r = rng.random

    def below(n: int) -> int:
        return int(r() * n)

    item = ctx.items[bisect_left(ctx.cumulative, r() * ctx.cumulative[-1])]
    at_window = r() < 0.4
    window = ctx.windows[below(len(ctx.windows))] if at_window else None
    received = ctx.first_index + below(today + 1 - ctx.first_index)
    app_id = batch.new_id(Application)
    district = ctx.district.pk
    by_clerk, by_reviewer, by_approver = ctx.clerk, ctx.reviewer, ctx.approver
    events: list[tuple[int, str, str, str, int | None, str]] = []  # (day, verb, from, to, by, note)
    status = Status.SUBMITTED
    fields: dict[str, Any] = {
        "supplemented_on": None, "accepted_on": None, "deemed": False, "accepted_by": None, "reviewed_by": None,
        "decided_by": None, "decided_on": None, "completed_on": None, "reasons": "", "legal": None, "promised": None,
        "stopped": False, "extended": 0,
    }  # fmt: skip
    visits: list[int] = []

    def step(day: int, verb: str, to: str, by: int | None, note: str = "") -> bool:
        nonlocal status
        if day > today:
            return False
        events.append((day, verb, str(status), to, by, note))
        status = Status(to) if to else status
        return True

    events.append((received, "submit", "", Status.SUBMITTED, by_clerk if at_window else ctx.online_user, ""))
    if at_window:
        events.append((received, "check_in", "", Status.SUBMITTED, by_clerk, ""))
        visits.append(received)
    u = r()
    accept_day: int | None = None
    deemed = False
    if u < 0.04:
        if step(received + below(2), "refuse", Status.REFUSED, by_clerk, "不属于本机关职权范围"):
            fields["reasons"] = "不属于本机关职权范围"
    elif u < 0.16:
        notice_day = received + 1
        if step(notice_day, "request_supplement", Status.SUPPLEMENT, by_clerk):
            batch.rows[SupplementNotice].append(
                (batch.new_id(SupplementNotice), app_id, days[notice_day], by_clerk, None, "")
            )
            back = notice_day + (1 + below(5 - 1))
            if step(back, "supplement", Status.SUBMITTED, by_clerk):
                notice = batch.rows[SupplementNotice][-1]
                batch.rows[SupplementNotice][-1] = (*notice[:4], days[back], notice[5])
                fields["supplemented_on"] = days[back]
                if at_window:
                    events.append((back, "check_in", "", Status.SUBMITTED, by_clerk, ""))
                    visits.append(back)
                accept_day = back + below(2)
    elif u < 0.18:
        accept_day, deemed = received, True
    else:
        accept_day = received + below(2)
    if accept_day is not None:
        # The deemed acceptance is made by the job days later, counted from the day received.
        acted = accept_day + 6 if deemed else accept_day
        if step(acted, "accept", Status.ACCEPTED, None if deemed else by_clerk):
            accepted_on = days[accept_day]
            fields.update(accepted_on=accepted_on, deemed=deemed, accepted_by=None if deemed else by_clerk)
            extra = 0
            stop = None
            if r() < 0.03:
                stop_day = accept_day + 1
                length = 2 + below(6 - 2)
                stop = (stop_day, length)
            extension = 5 if r() < 0.015 else 0
            u = r()
            if u < 0.90:
                decide = accept_day + (1 + below(max(item.promised, 1) + 1 - 1))
            elif u < 0.98:
                decide = accept_day + rng.randrange(item.promised + 1, max(item.legal, item.promised + 1) + 1)
            else:
                decide = accept_day + item.legal + (1 + below(6 - 1))
            review = min(decide, accept_day + (1 + below(3 - 1)))
            if stop is not None:
                stop_day, length = stop
                if step(stop_day, "stop_clock", "", by_approver, "现场核查"):
                    resumed = stop_day + length
                    done = resumed <= today
                    batch.rows[ClockStop].append(
                        (
                            batch.new_id(ClockStop), app_id, "现场核查", days[stop_day], length, "现场核查，预计数日",
                            False, days[resumed] if done else None, length if done else None, by_approver,
                        )
                    )  # fmt: skip
                    if done:
                        step(resumed, "resume_clock", "", by_approver, "现场核查")
                        extra += length
                        decide += length
                        review += length
                    else:
                        fields["stopped"] = True
                        decide = today + 100
            if extension and step(accept_day + 2, "extend", "", by_approver, "情况复杂，依法延长"):
                extra += extension
                fields["extended"] = extension
            legal_due = days[accept_day + item.legal + extra]
            promised_due = days[accept_day + item.promised + extra]
            deadline_ids = []
            for label, working, due in (("legal", item.legal, legal_due), ("promised", item.promised, promised_due)):
                pk = batch.new_id(Deadline)
                deadline_ids.append(pk)
                batch.rows[Deadline].append(
                    (
                        pk,
                        district,
                        f"G{serial} {label}",
                        accepted_on,
                        working,
                        extra,
                        due,
                        False,
                        None,
                        ctx.now,
                        CountedFrom.ACCEPTED.value,
                        0,
                        days[accept_day + working],
                    )  # fmt: skip
                )
            fields.update(legal=deadline_ids[0], promised=deadline_ids[1])
            if step(review, "review", Status.REVIEWED, by_reviewer, "材料齐全，符合法定形式"):
                fields["reviewed_by"] = by_reviewer
                decide = max(decide, review)
                approve = r() >= 0.04
                if step(
                    decide,
                    "approve" if approve else "deny",
                    Status.APPROVED if approve else Status.DENIED,
                    by_approver,
                    "" if approve else "不符合许可条件",
                ):
                    # Late by the working days past each due date (the days are working days).
                    legal_index = accept_day + item.legal + extra
                    promised_index = accept_day + item.promised + extra
                    fields.update(
                        decided_by=by_approver,
                        decided_on=days[decide],
                        late_legal=max(decide - legal_index, 0),
                        late_promised=max(decide - promised_index, 0),
                    )
                    if not approve:
                        fields["reasons"] = "不符合许可条件"
                    # The deadlines close with the decision.
                    for k in (-2, -1):
                        row = batch.rows[Deadline][k]
                        batch.rows[Deadline][k] = (*row[:8], _moment(days[decide], rng), *row[9:])
                    if approve:
                        complete = decide + (0 + below(3 - 0))
                        second_trip = r() < (0.10 if at_window else 0.06)
                        if complete <= today and second_trip:
                            events.append((complete, "check_in", "", Status.APPROVED, by_clerk, ""))
                            visits.append(complete)
                        if step(complete, "complete", Status.COMPLETED, by_clerk):
                            fields["completed_on"] = days[complete]
    # The case row and its events, in order (ids increase with time within a case).
    number = f"{ctx.district.code}-G{days[received]:%Y%m%d}-{serial:07d}"
    batch.rows[Application].append(
        (
            app_id, district, number, f"{below(10**6):06d}", item.pk, item.version, item.department,
            rng.choice(ctx.applicants), by_clerk if at_window else ctx.online_user, "window" if at_window else "online",
            window, f"gen-{serial}", str(status), days[received], fields["supplemented_on"], fields["accepted_on"],
            fields["deemed"], fields["accepted_by"], fields["reviewed_by"], fields["decided_by"], fields["decided_on"],
            fields["completed_on"], fields["reasons"], fields["legal"], fields["promised"], fields["stopped"],
            fields["extended"], len(visits), _moment(days[received], rng), ctx.now, fields.get("late_legal"),
            fields.get("late_promised"),
        )
    )  # fmt: skip
    case = summary.Case(
        district, item.department, item.pk, window or 0, days[received], fields["accepted_on"], fields["deemed"],
        fields["decided_on"], fields["completed_on"], item.max_trips, fields.get("late_legal"), fields.get("late_promised"),
    )  # fmt: skip
    history = summary.History()
    last: dt.datetime | None = None
    event_rows = []
    events.sort(key=_first)
    for day, verb, before, to, by, note in events:
        pk = batch.new_id(ApplicationEvent)
        last = _moment(days[day], rng, last)
        event_rows.append((pk, verb, last))
        batch.rows[ApplicationEvent].append((pk, app_id, last, by, verb, before, to or str(status), note))
        if verb == "check_in":
            history.check_ins.append(pk)
            batch.rows[Visit].append((batch.new_id(Visit), app_id, window or ctx.windows[0], by_clerk, last))
        elif verb == "complete":
            history.completed_at = pk
        elif verb == "request_supplement" and history.first_notice is None:
            history.first_notice = pk
    sums = batch.sums
    for pk, verb, at in event_rows:
        if verb in _SILENT:
            continue
        for day_, counts in summary.event_sums(case, pk, verb, at, history):
            counter = sums[(district, day_, case.department, case.item, case.window)]
            for name, n in counts.items():
                counter[name] += n
    # Ratings of finished cases, a few days after.
    finished = fields["completed_on"] or (fields["decided_on"] if status == Status.DENIED else None)
    if status == Status.REFUSED:
        finished = days[received]
    if finished is not None and r() < 0.6:
        rated_index = ctx.days.index(finished) + (0 + below(4 - 0))
        if rated_index <= today:
            _rate(ctx, batch, rng, app_id, item, window, days[rated_index], rated_index)


def _rate(
    ctx: Context,
    batch: Batch,
    rng: random.Random,
    app_id: int,
    item: Item,
    window: int | None,
    rated_on: dt.date,
    index: int,
) -> None:  # noqa: PLR0913
    district = ctx.district.pk
    level = rng.choices(LEVELS, cum_weights=LEVEL_CUMULATIVE)[0]
    rating_id = batch.new_id(Rating)
    excluded = False
    key = (district, rated_on, item.department, item.pk, window or 0)
    sums = batch.rating_sums[key]
    rating_row = [
        rating_id,
        district,
        app_id,
        None,
        item.department,
        window,
        item.pk,
        level,
        "",
        "page",
        None,
        rated_on,
        _moment(rated_on, rng),
        False,
    ]
    if level <= 2:
        appealed = rng.random() < 0.1
        upheld = appealed and rng.random() < 0.5
        due = ctx.days[index + RECTIFICATION_DAYS]
        deadline_id = batch.new_id(Deadline)
        batch.rows[Deadline].append(
            (
                deadline_id,
                district,
                f"R{rating_id} rectification",
                rated_on,
                RECTIFICATION_DAYS,
                0,
                due,
                False,
                None,
                ctx.now,
                CountedFrom.RATED.value,
                0,
                due,
            )
        )
        u = rng.random()
        close_index = index + (
            rng.randrange(3, RECTIFICATION_DAYS + 1) if u < 0.87 else RECTIFICATION_DAYS + rng.randrange(1, 6)
        )
        status, closed_on = Rectification.Status.OPEN, None
        if upheld:
            status, closed_on = Rectification.Status.WITHDRAWN, ctx.days[min(index + 3, ctx.today_index)]
            excluded = True
        elif close_index <= ctx.today_index:
            status, closed_on = Rectification.Status.CLOSED, ctx.days[close_index]
        batch.rows[Rectification].append(
            (
                batch.new_id(Rectification), district, rating_id, str(status), deadline_id,
                ctx.days[min(index + 1, ctx.today_index)], "已回访", ctx.supervisor, "已整改" if closed_on else "", None,
                "已答复" if closed_on else "", closed_on, ctx.supervisor if closed_on else None, _moment(rated_on, rng),
            )
        )  # fmt: skip
        if status != Rectification.Status.WITHDRAWN:
            sums["rectifications"] += 1
            if status == Rectification.Status.CLOSED:
                sums["rectified_on_time" if closed_on and closed_on <= due else "rectified_late"] += 1
        if appealed:
            decided_at = _moment(ctx.days[min(index + 3, ctx.today_index)], rng)
            batch.rows[Appeal].append(
                (
                    batch.new_id(Appeal), district, rating_id, "mistaken", "评价与办理事项无关", ctx.approver,
                    _moment(ctx.days[min(index + 1, ctx.today_index)], rng), "upheld" if upheld else "rejected",
                    "经核查", ctx.supervisor, decided_at,
                )
            )  # fmt: skip
            sums["appeals"] += 1
            sums["appeals_upheld"] += int(upheld)
    rating_row[13] = excluded
    sums["excluded" if excluded else f"level_{level}"] += 1
    batch.rows[Rating].append(tuple(rating_row))


def _write(writer: Writer, batch: Batch) -> None:
    for model, columns in TABLES:
        writer.write(model, columns, batch.rows.get(model, []))


def _superuser() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        row = cursor.fetchone()
    return bool(row and row[0])


def _move_marks(last_event: int) -> None:
    """Past what was written and summed (in the transaction that wrote the sums)."""
    from dgov.audit.models import AuditEntry

    top_audit = AuditEntry.objects.aggregate(n=Max("pk"))["n"] or 0
    now = timezone.now()
    RefreshMark.objects.update_or_create(
        name="cases", defaults={"last_id": last_event, "gaps": {}, "refreshed_at": now}
    )
    RefreshMark.objects.update_or_create(
        name="ratings", defaults={"last_id": top_audit, "gaps": {}, "refreshed_at": now}
    )


# The summary, staged ------------------------------------------------------------------------
#
# Each process adds up what its cases add to the summary (``summary.event_sums``, as the
# job would) and writes its sums, a row per key, into a staging table by COPY; at the end
# one INSERT … SELECT … GROUP BY … ON CONFLICT adds them all to the daily and the monthly
# rows, set-based in the database (it was an upsert per summary row from Python: 3–6 min
# for each flush of 500,000 cases).

STAGE = "cockpit_generated_sums"
KEYS = ("district_id", "day", "department_id", "item_id", "window")


def _create_stage() -> None:
    q = connection.ops.quote_name
    unlogged = "UNLOGGED " if connection.vendor == "postgresql" else ""
    measures = ", ".join(f"{q(m)} bigint NOT NULL DEFAULT 0" for m in MEASURES)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {STAGE}")
        cursor.execute(
            f"CREATE {unlogged}TABLE {STAGE} (district_id bigint, {q('day')} date, department_id bigint, "
            f"item_id bigint, {q('window')} bigint, {measures})"
        )


class _Stage:
    """The staging table, for ``Writer.write`` (a table name and its columns)."""

    class _meta:  # noqa: N801 — what ``Writer.write`` reads of a model
        db_table = STAGE


def _stage(writer: Writer, sums: dict[summary.Key, Counter[str]], measures: Sequence[str]) -> None:
    rows = [(*key, *(counts.get(m, 0) for m in measures)) for key, counts in sums.items() if any(counts.values())]
    writer.write(_Stage, (*KEYS, *measures), rows)  # type: ignore[arg-type]


def _add_staged() -> None:
    """Add the staged sums to the daily, the department-day and the monthly rows: one statement each."""
    q = connection.ops.quote_name
    day = q("day")
    month = (
        f"date_trunc('month', {day})::date" if connection.vendor == "postgresql" else f"date({day}, 'start of month')"
    )
    sums = ", ".join(f"SUM({q(m)})" for m in MEASURES)
    names = ", ".join(q(m) for m in MEASURES)
    by_item = ["item_id", q("window")]
    for model, period, expression, dimensions in (
        (DailyFigures, "day", day, by_item),
        (DepartmentDayFigures, "day", day, []),
        (MonthlyFigures, "month", month, by_item),
    ):
        table = q(model._meta.db_table)
        keys = ["district_id", q(period), "department_id", *dimensions]
        grouped = ", ".join(["district_id", expression, "department_id", *dimensions])
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} ({', '.join(keys)}, {names}) "  # noqa: S608 — names from the models
                f"SELECT {grouped}, {sums} FROM {STAGE} "
                f"WHERE true GROUP BY {grouped} "
                f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET "
                + ", ".join(f"{q(m)} = {table}.{q(m)} + excluded.{q(m)}" for m in MEASURES)
            )


# Making the cases, in one process or several ----------------------------------------------

# The most rows one case writes to each table: each process takes the ids of its cases'
# share (the gaps are left unused; the sequences follow the highest id at the end).
PER_CASE: dict[type[models.Model], int] = {
    Deadline: 3,
    Application: 1,
    ApplicationEvent: 16,
    Visit: 4,
    SupplementNotice: 1,
    ClockStop: 1,
    Rating: 1,
    Rectification: 1,
    Appeal: 1,
}
PARALLEL_FROM = 50_000  # cases: fewer are made in one process, with ids in a row


@dataclass
class Plan:
    ctx: Context
    seed: int
    serial_start: int
    ids: dict[type[models.Model], int]
    summarise: bool
    staged: bool
    skip_checks: bool
    shares: list[tuple[int, int]]  # (first case, how many) per process
    progress: Callable[[int, float], None] | None = None
    made: Any = None  # a shared counter (multiprocessing.Value) when parallel


_PLAN: Plan | None = None  # what a forked process reads


def _make(plan: Plan, share: int) -> tuple[int, int, int]:
    """Make one share of the cases; returns (rows written, highest event id, cases)."""
    first, count = plan.shares[share]
    rng = random.Random(plan.seed if len(plan.shares) == 1 else plan.seed * 1_000 + share)  # noqa: S311 — made-up data
    ids = {m: pk + first * PER_CASE[m] for m, pk in plan.ids.items()} if len(plan.shares) > 1 else dict(plan.ids)
    limits = {m: pk + (first + count) * PER_CASE[m] for m, pk in plan.ids.items()}
    writer = Writer()
    postgres = writer.postgres
    sums: dict[summary.Key, Counter[str]] = defaultdict(Counter)
    rating_sums: dict[summary.Key, Counter[str]] = defaultdict(Counter)
    start = time.monotonic()
    made = chunks = 0
    while made < count:
        n = min(CHUNK, count - made)
        batch = Batch(ids, sums, rating_sums)
        for k in range(n):
            make_case(plan.ctx, batch, rng, plan.serial_start + first + made + k + 1)
        made += n
        chunks += 1
        flush = plan.summarise and (made >= count or chunks % FLUSH_EVERY == 0)
        with transaction.atomic():
            if postgres:
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL synchronous_commit = off")
                    if plan.skip_checks:
                        # Rows made here point only at rows that exist: the foreign-key
                        # triggers are skipped while they go in (superuser only).
                        cursor.execute("SET LOCAL session_replication_role = replica")
            _write(writer, batch)
            if flush and plan.staged:
                stage = Writer()  # its rows are not the cases' rows
                _stage(stage, sums, CASE_MEASURES)
                _stage(stage, rating_sums, RATING_MEASURES)
            elif flush:  # the way before the staging table (measured beside it by bench/cockpit.py)
                summary.add_sums(sums)
                summary.add_sums(rating_sums, RATING_MEASURES)
                _move_marks(batch.ids[ApplicationEvent] - 1)
        if flush:
            sums.clear()
            rating_sums.clear()
        ids = batch.ids
        if plan.made is not None:
            with plan.made.get_lock():
                plan.made.value += n
                total = plan.made.value
        else:
            total = made
        if plan.progress is not None and share == 0:
            plan.progress(total, time.monotonic() - start)
    if any(ids[m] > limits[m] for m in ids):  # pragma: no cover — PER_CASE is a bound of make_case
        raise RuntimeError("a case wrote more rows than PER_CASE allows")
    return writer.rows, ids[ApplicationEvent] - 1, made


def _forked(share: int) -> tuple[int, int, int]:
    assert _PLAN is not None  # noqa: S101 — set before the fork
    try:
        return _make(_PLAN, share)
    finally:
        connection.close()


def generate(
    district: District,
    count: int,
    *,
    months: int = 24,
    seed: int = 1,
    summarise: bool = True,
    applicant_pool: int = 5_000,
    progress: Callable[[int, float], None] | None = None,
    workers: int = 1,
    staged: bool = True,
) -> int:
    """Make ``count`` cases in ``district`` received over the last ``months`` months, in
    ``workers`` processes on PostgreSQL (one on SQLite, inside a transaction, or for fewer
    than ``PARALLEL_FROM`` cases). Run it with the job runner stopped: the summary is
    written at the end (``staged``; without it, from Python every ``FLUSH_EVERY`` rounds,
    the way before, kept for the benchmark's comparison)."""
    global _PLAN  # noqa: PLW0603 — handed to the forked processes
    rng = random.Random(seed)  # noqa: S311 — made-up data, not secrets
    if summarise:
        while summary.refresh():  # what was there before is counted by the job's way first
            pass
    ctx = context(district, months, rng, applicant_pool)
    models_written = [m for m, _columns in TABLES]
    postgres = connection.vendor == "postgresql"
    if not postgres or not staged or connection.in_atomic_block or count < PARALLEL_FROM:
        workers = 1
    workers = max(1, min(workers, count // max(PARALLEL_FROM // 2, 1) or 1))
    base, extra = divmod(count, workers)
    shares, first = [], 0
    for w in range(workers):
        n = base + (1 if w < extra else 0)
        shares.append((first, n))
        first += n
    plan = Plan(
        ctx=ctx,
        seed=seed,
        serial_start=Application.objects.filter(district=district, number__contains="-G").count(),
        ids=_next_ids(*models_written),
        summarise=summarise,
        staged=staged,
        skip_checks=postgres and _superuser(),
        shares=shares,
        progress=progress,
    )
    if summarise and staged:
        _create_stage()
    if workers == 1:
        results = [_make(plan, 0)]
    else:
        import multiprocessing

        fork = multiprocessing.get_context("fork")
        plan.made = fork.Value("q", 0)
        _PLAN = plan
        connections.close_all()  # each process opens its own
        try:
            with fork.Pool(workers, maxtasksperchild=1) as pool:
                results = pool.map(_forked, range(workers))
        finally:
            _PLAN = None
    if summarise and staged:
        with transaction.atomic():
            _add_staged()
            _move_marks(max(r[1] for r in results))
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE {STAGE}")
    _set_sequences(*models_written)
    return sum(r[0] for r in results)
