"""Writes to the calendar and to deadlines, each in one transaction with its audit entries.

Writes count on a fresh ``Calendar`` that reads this transaction's rows, never on the
process cache (which may be up to its TTL old): a stored due date is always computed
from the calendar as committed with it. Reads (lists, the API) use the cache.
"""

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from dgov.accounts.models import User
from dgov.audit.trail import diff, record
from dgov.lib import clock
from dgov.lib.rules import enforce
from dgov.workdays import calendar, importfile
from dgov.workdays.calendar import HOLIDAY, WORKDAY, Calendar
from dgov.workdays.models import (
    CalendarDay,
    CalendarYear,
    CountedFrom,
    Deadline,
    DeadlineChange,
    DeadlineStop,
    Source,
)
from dgov.workdays.rules import may_edit_calendar, may_extend_deadline


@dataclass
class ImportResult:
    years: list[int]
    stored: int  # exceptions written
    skipped: int  # holiday lines on a weekend: rest days anyway, not stored
    changed: list[Deadline] = field(default_factory=list)  # open deadlines whose due date moved


def _calendar_changed(years: Iterable[int]) -> None:
    """Forget the edited years now (this transaction) and again once committed."""
    years = set(years)
    calendar.invalidate(years)
    transaction.on_commit(lambda: calendar.invalidate(years))


def _describe(days: dict[dt.date, tuple[str, str]]) -> list[str]:
    return [f"{d.isoformat()} {kind} {note}".strip() for d, (kind, note) in sorted(days.items())]


def _days_of_year(year: int) -> dict[dt.date, tuple[str, str]]:
    rows = CalendarDay.objects.filter(date__year=year).values_list("date", "kind", "note")
    return {d: (kind, note) for d, kind, note in rows}


def do_import_year(text: str, *, by: User | None = None) -> ImportResult:
    """Replace the years a calendar file covers and mark them official (``by`` None: the
    platform itself, a command without ``--by``).

    1. Every line is checked first; any bad line raises ``CalendarFileError`` listing
       all of them, and nothing is written.
    2. In one transaction, per year: its exceptions are replaced, the year is marked
       official (source: imported), and an audit entry lists what was added and removed.
    3. Every open deadline touching a covered year is recomputed (``_recompute``).
    """
    if by is not None:
        enforce(may_edit_calendar(by))
    lines = importfile.parse(text)
    years = sorted({line.date.year for line in lines})
    result = ImportResult(years=years, stored=0, skipped=0)
    now = clock.now()
    try:
        with transaction.atomic():
            for year in years:
                mine = [line for line in lines if line.date.year == year]
                new = {line.date: (line.kind, line.note) for line in mine if line.is_exception}
                old = _days_of_year(year)
                year_row = CalendarYear.objects.select_for_update().filter(year=year).first()
                before = {"official": year_row.official, "source": year_row.source} if year_row else {}
                CalendarDay.objects.filter(date__year=year).delete()
                CalendarDay.objects.bulk_create(
                    CalendarDay(date=d, kind=kind, note=note, source=Source.IMPORTED, updated_by=by)
                    for d, (kind, note) in sorted(new.items())
                )
                year_row, _created = CalendarYear.objects.update_or_create(
                    year=year, defaults={"official": True, "source": Source.IMPORTED, "imported_at": now}
                )
                changes: dict[str, Any] = diff(before, {"official": True, "source": Source.IMPORTED.value})
                changes["added"] = _describe({d: v for d, v in new.items() if old.get(d) != v})
                changes["removed"] = _describe({d: v for d, v in old.items() if new.get(d) != v})
                record("calendar.import", year_row, actor=by, changes=changes)
                result.stored += len(new)
                result.skipped += len(mine) - len(new)
            first, last = dt.date(years[0], 1, 1), dt.date(years[-1], 12, 31)
            reason = _("Working-day calendar imported for %(years)s") % {"years": ", ".join(map(str, years))}
            result.changed = _recompute(Deadline.objects.open().touching(first, last), by=by, reason=reason)
            _calendar_changed(years)
    except BaseException:
        calendar.invalidate(years)
        raise
    return result


def check_day(day: dt.date, kind: str) -> None:
    """Raise ``ValidationError`` unless ``kind`` on ``day`` is a storable exception."""
    weekday = calendar.weekday_name(day)
    if kind == HOLIDAY and day.weekday() >= 5:
        raise ValidationError(
            _("%(date)s is a %(weekday)s, a rest day already: only a weekday can be made a holiday."),
            code="rest_day",
            params={"date": day.isoformat(), "weekday": weekday},
        )
    if kind == WORKDAY and day.weekday() < 5:
        raise ValidationError(
            _("%(date)s is a %(weekday)s, a working day already: a make-up working day falls on a weekend."),
            code="working_day",
            params={"date": day.isoformat(), "weekday": weekday},
        )
    if not CalendarYear.objects.filter(year=day.year, official=True).exists():
        raise ValidationError(
            _(
                "%(year)s has no official calendar yet: import the State Council's arrangement for the whole year first."
            ),
            code="not_official",
            params={"year": day.year},
        )


def do_set_day(day: dt.date, kind: str, note: str = "", *, by: User | None = None) -> list[Deadline]:
    """Make one day of an official year a holiday or a make-up working day (audited);
    returns the open deadlines whose due date moved."""
    if by is not None:
        enforce(may_edit_calendar(by))
    if kind not in (HOLIDAY, WORKDAY):
        raise ValidationError(_("Unknown kind “%(kind)s”."), code="kind", params={"kind": kind})
    check_day(day, kind)
    try:
        with transaction.atomic():
            row = CalendarDay.objects.select_for_update().filter(date=day).first()
            before = {"kind": row.kind, "note": row.note} if row else {}
            after = {"kind": kind, "note": note}
            if before == after:
                return []
            row, _created = CalendarDay.objects.update_or_create(
                date=day, defaults={"kind": kind, "note": note, "source": Source.MANUAL, "updated_by": by}
            )
            record("calendar.set_day", row, actor=by, changes=diff(before, after))
            changed = _day_changed(day, by=by)
    except BaseException:
        calendar.invalidate([day.year])
        raise
    return changed


def do_clear_day(day: dt.date, *, by: User | None = None) -> list[Deadline]:
    """Return one day to the Monday-to-Friday default (audited); returns the open
    deadlines whose due date moved."""
    if by is not None:
        enforce(may_edit_calendar(by))
    try:
        with transaction.atomic():
            row = CalendarDay.objects.select_for_update().filter(date=day).first()
            if row is None:
                raise ValidationError(
                    _("%(date)s is neither a holiday nor a make-up working day: there is nothing to clear."),
                    code="nothing_to_clear",
                    params={"date": day.isoformat()},
                )
            record("calendar.clear_day", row, actor=by, changes=diff({"kind": row.kind, "note": row.note}, {}))
            row.delete()
            changed = _day_changed(day, by=by)
    except BaseException:
        calendar.invalidate([day.year])
        raise
    return changed


def _day_changed(day: dt.date, *, by: User | None) -> list[Deadline]:
    """After one day of the calendar changed: the open deadlines counting over it are
    recomputed, and the year's cached calendar forgotten."""
    reason = _("Working-day calendar changed on %(date)s") % {"date": day.isoformat()}
    changed = _recompute(_deadlines_counting(day), by=by, reason=reason)
    _calendar_changed([day.year])
    return changed


def _deadlines_counting(day: dt.date) -> Any:
    # Counting walks (start, due]: a day outside it cannot move the due date.
    return Deadline.objects.open().filter(start_date__lt=day, due_date__gte=day)


COUNTED = ["due_date", "provisional", "stopped_days", "base_due_date"]


def _recompute(deadlines: Any, *, by: User | None, reason: str) -> list[Deadline]:
    """Recount each deadline on the calendar as this transaction sees it (its clock stops
    recounted too); for each one whose due date moved, save it, append a
    ``DeadlineChange`` and an audit entry. Returns those."""
    fresh = Calendar()
    changed = []
    for deadline in deadlines.select_for_update().order_by("pk"):
        old_due, old_provisional = deadline.due_date, deadline.provisional
        stops = list(deadline.stops.all()) if deadline.stopped_days or deadline.stopped_since else []
        if not deadline.apply(deadline.compute_due(fresh, stops)):
            continue
        deadline.save(update_fields=COUNTED)
        if (old_due, old_provisional) != (deadline.due_date, deadline.provisional):
            _log_change(deadline, old_due, old_provisional, reason=reason, by=by, verb="deadline.recompute")
            changed.append(deadline)
    return changed


def _log_change(
    deadline: Deadline, old_due: dt.date, old_provisional: bool, *, reason: str, by: User | None, verb: str
) -> None:
    DeadlineChange.objects.create(
        deadline=deadline,
        old_due=old_due,
        new_due=deadline.due_date,
        old_provisional=old_provisional,
        new_provisional=deadline.provisional,
        reason=reason,
        by=by,
    )
    changes: dict[str, Any] = diff(
        {"due_date": old_due, "provisional": old_provisional},
        {"due_date": deadline.due_date, "provisional": deadline.provisional},
    )
    changes["reason"] = reason
    record(verb, deadline, actor=by, changes=changes)


# -- Deadlines, for the apps that own them ---------------------------------------------


def do_create_deadline(
    *,
    district: Any,
    label: str,
    start_date: dt.date,
    working_days: int,
    extra_days: int = 0,
    counted_from: str = CountedFrom.ACCEPTED,
    follows: Sequence[Deadline | None] = (),
) -> Deadline:
    """A new deadline with its due date (``district``: a district or its id). The caller
    audits the act it belongs to.

    ``follows``: the deadlines it derives from (a bundle's parts, the application a green
    channel case speeds up). It stops whenever they stop, from now on, and takes over
    their stops that reach past its start."""
    leaders = [d for d in follows if d is not None]
    deadline = Deadline(
        district_id=getattr(district, "pk", district),
        label=label[:200],
        start_date=start_date,
        working_days=working_days,
        extra_days=extra_days,
        counted_from=counted_from,
    )
    fresh = Calendar()
    deadline.apply(deadline.compute_due(fresh, []))
    deadline.save()
    if not leaders:
        return deadline
    deadline.follows.add(*leaders)
    inherited: dict[str, DeadlineStop] = {}
    for stop in DeadlineStop.objects.filter(deadline__in=leaders).order_by("started_on", "pk"):
        if stop.ended_on is None or stop.ended_on > start_date:
            inherited.setdefault(
                stop.key,
                DeadlineStop(
                    deadline=deadline,
                    key=stop.key,
                    reason=stop.reason,
                    started_on=stop.started_on,
                    ended_on=stop.ended_on,
                ),
            )
    if inherited:
        stops = DeadlineStop.objects.bulk_create(inherited.values())
        deadline.stopped_since = min((s.started_on for s in stops if s.ended_on is None), default=None)
        deadline.apply(deadline.compute_due(fresh, stops))
        deadline.save(update_fields=[*COUNTED, "stopped_since"])
    return deadline


def do_extend_deadline(
    deadline: Deadline, *, days: int, reason: str, by: User | None = None, today: dt.date | None = None
) -> Deadline:
    """Add ``days`` working days (e.g. the 10-day extension of 行政许可法 Art. 42, with
    the reason told to the applicant); logged and audited. Only while the limit runs
    (``rules.may_extend_deadline``): once it has ended the deadline stays overdue."""
    if days <= 0:
        raise ValidationError(_("An extension must be at least one working day."), code="extension")
    today = today or clock.today()
    with transaction.atomic():
        deadline = Deadline.objects.select_for_update().get(pk=deadline.pk)
        enforce(may_extend_deadline(deadline, today))
        old_due, old_provisional = deadline.due_date, deadline.provisional
        deadline.extra_days += days
        deadline.apply(deadline.compute_due(Calendar()))
        deadline.save(update_fields=["extra_days", *COUNTED])
        _log_change(deadline, old_due, old_provisional, reason=reason, by=by, verb="deadline.extend")
    return deadline


def _with_followers(deadlines: Iterable[Deadline]) -> list[Deadline]:
    """``deadlines`` and every deadline that follows one of them, however far down."""
    found = {d.pk: d for d in deadlines}
    frontier = list(found)
    while frontier:
        more = Deadline.objects.filter(follows__in=frontier).exclude(pk__in=list(found))
        frontier = []
        for deadline in more:
            found[deadline.pk] = deadline
            frontier.append(deadline.pk)
    return [found[pk] for pk in sorted(found)]


def do_stop_deadlines(
    deadlines: Sequence[Deadline | None], *, key: str, reason: str, on: dt.date, by: User | None = None
) -> list[Deadline]:
    """Stop the clocks of ``deadlines`` and of every deadline that follows them from ``on``
    (Art. 45), under ``key`` (the act that stops them). Their lights show "stopped"; the
    due dates move when ``do_resume_deadlines`` ends the stop. Returns the deadlines stopped."""
    stopped = []
    with transaction.atomic():
        for deadline in _with_followers(d for d in deadlines if d is not None):
            if deadline.closed_at is not None:
                continue
            _stop, created = DeadlineStop.objects.get_or_create(
                deadline=deadline, key=key, defaults={"reason": reason[:200], "started_on": on}
            )
            if not created:
                continue
            Deadline.objects.filter(pk=deadline.pk, stopped_since__isnull=True).update(stopped_since=on)
            Deadline.objects.filter(pk=deadline.pk, stopped_since__gt=on).update(stopped_since=on)
            deadline.stopped_since = min(on, deadline.stopped_since or on)
            record("deadline.stop", deadline, actor=by, changes={"stopped_since": on.isoformat(), "reason": reason})
            stopped.append(deadline)
    return stopped


def do_resume_deadlines(key: str, *, on: dt.date, by: User | None = None) -> list[Deadline]:
    """End the stop ``key`` on every deadline it stopped: each due date moves by the
    working days stopped (overlapping stops counted once), logged and audited. Returns
    the deadlines whose due date moved."""
    moved = []
    fresh = Calendar()
    with transaction.atomic():
        ids = list(DeadlineStop.objects.filter(key=key, ended_on__isnull=True).values_list("deadline_id", flat=True))
        for deadline in Deadline.objects.select_for_update().filter(pk__in=ids).order_by("pk"):
            ending = DeadlineStop.objects.get(deadline=deadline, key=key)
            ending.ended_on = max(on, ending.started_on)
            ending.save(update_fields=["ended_on"])
            stops = list(deadline.stops.all())
            old_due, old_provisional = deadline.due_date, deadline.provisional
            deadline.stopped_since = min((s.started_on for s in stops if s.ended_on is None), default=None)
            deadline.apply(deadline.compute_due(fresh, stops))
            deadline.save(update_fields=[*COUNTED, "stopped_since"])
            reason = _("Clock stopped for %(reason)s from %(start)s to %(end)s") % {
                "reason": ending.reason,
                "start": ending.started_on.isoformat(),
                "end": ending.ended_on.isoformat(),
            }
            if (old_due, old_provisional) != (deadline.due_date, deadline.provisional):
                _log_change(deadline, old_due, old_provisional, reason=reason, by=by, verb="deadline.resume")
                moved.append(deadline)
            else:
                record("deadline.resume", deadline, actor=by, changes={"reason": reason})
    return moved


def do_close_deadline(deadline: Deadline, *, at: dt.datetime | None = None) -> bool:
    """Close an open deadline (a conditional update: closing twice is a no-op)."""
    at = at or clock.now()
    closed = Deadline.objects.filter(pk=deadline.pk, closed_at__isnull=True).update(closed_at=at) == 1
    if closed:
        deadline.closed_at = at
    return closed


def recompute_provisional(*, by: User | None = None) -> list[Deadline]:
    """Sweep open provisional deadlines against the calendar as committed.

    Catches a deadline created by a process whose transaction raced an import; meant
    for the job runner. Selected through the open-provisional partial index.
    """
    with transaction.atomic():
        reason = _("Working-day calendar checked for provisional deadlines")
        return _recompute(Deadline.objects.provisional(), by=by, reason=reason)
