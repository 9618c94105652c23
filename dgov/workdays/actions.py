"""Writes to the calendar and to deadlines, each in one transaction with its audit entries.

Writes count on a fresh ``Calendar`` that reads this transaction's rows, never on the
process cache (which may be up to its TTL old): a stored due date is always computed
from the calendar as committed with it. Reads (lists, the API) use the cache.
"""

import datetime as dt
from collections.abc import Iterable
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
from dgov.workdays.models import CalendarDay, CalendarYear, Deadline, DeadlineChange, Source
from dgov.workdays.rules import may_edit_calendar


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


def _recompute(deadlines: Any, *, by: User | None, reason: str) -> list[Deadline]:
    """Recount each deadline on the calendar as this transaction sees it; for each one
    that changed, save it, append a ``DeadlineChange`` and an audit entry."""
    fresh = Calendar()
    changed = []
    for deadline in deadlines.select_for_update().order_by("pk"):
        old_due, old_provisional = deadline.due_date, deadline.provisional
        if not deadline.apply(deadline.compute_due(fresh)):
            continue
        deadline.save(update_fields=["due_date", "provisional"])
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
    *, district: Any, label: str, start_date: dt.date, working_days: int, extra_days: int = 0
) -> Deadline:
    """A new deadline with its due date. The caller audits the act it belongs to."""
    deadline = Deadline(
        district=district, label=label, start_date=start_date, working_days=working_days, extra_days=extra_days
    )
    deadline.apply(deadline.compute_due(Calendar()))
    deadline.save()
    return deadline


def do_extend_deadline(deadline: Deadline, *, days: int, reason: str, by: User | None = None) -> Deadline:
    """Add ``days`` working days (e.g. the 10-day extension of 行政许可法 Art. 42, with
    the reason told to the applicant); logged and audited."""
    if days <= 0:
        raise ValidationError(_("An extension must be at least one working day."), code="extension")
    with transaction.atomic():
        deadline = Deadline.objects.select_for_update().get(pk=deadline.pk)
        if deadline.closed_at is not None:
            raise ValidationError(_("A closed deadline cannot be extended."), code="closed")
        old_due, old_provisional = deadline.due_date, deadline.provisional
        deadline.extra_days += days
        deadline.apply(deadline.compute_due(Calendar()))
        deadline.save(update_fields=["extra_days", "due_date", "provisional"])
        _log_change(deadline, old_due, old_provisional, reason=reason, by=by, verb="deadline.extend")
    return deadline


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
