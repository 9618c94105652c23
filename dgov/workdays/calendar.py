"""Working days: which days count toward a time limit, and when a limit falls due.

Rules:

1. Time limits count working days, without statutory holidays (行政许可法 Art. 82).
2. Monday to Friday are working days, Saturday and Sunday rest days, except where the
   State Council's yearly arrangement says otherwise: a holiday on a weekday is a rest
   day, and a make-up working day (调休) on a weekend **is** a working day.
3. The day of acceptance is not counted (民法典 Art. 201): ``add_working_days(start, n)``
   is the n-th working day strictly after ``start``.
4. A year with no official arrangement yet (the notice comes out each November) is
   estimated from the statutory holidays of the 2025 revision of 全国年节及纪念日放假办法
   (Art. 2: 元旦 1 day, 春节 4, 清明 1, 劳动节 2, 端午 1, 中秋 1, 国庆 3), and a holiday
   falling on a Saturday or Sunday is made up on the next free weekday (补假, Art. 6).
   An estimated year has the same number of working days as the official arrangement
   will have, since 调休 only moves days; only their places may differ. Any result that
   walks over an estimated year is ``provisional``.

Cache: each process keeps every year it has read, for ``WORKDAYS_CACHE_SECONDS``
(default 60 s). The ``do_*`` functions in ``actions`` clear the edited years at once and
again on commit, so the editing process sees its change immediately; other processes see
it within the TTL. Once cached, ``add_working_days(start, 20)`` costs a few microseconds
and touches no database.
"""

import datetime as dt
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property

import chinese_calendar
from django.conf import settings
from django.utils.dates import WEEKDAYS
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from lunardate import LunarDate

HOLIDAY = "holiday"
WORKDAY = "workday"
ESTIMATED = "estimated"
ONE_DAY = dt.timedelta(days=1)
# Years the statutory estimate can place lunar holidays and solar terms in.
FIRST_YEAR, LAST_YEAR = 1901, 2099


@dataclass(frozen=True)
class YearCalendar:
    """The exceptions of one year: weekday holidays and weekend make-up working days."""

    year: int
    official: bool
    source: str  # a ``models.Source`` value, or ``ESTIMATED``
    holidays: Mapping[dt.date, str] = field(default_factory=dict)  # weekday -> note
    workdays: Mapping[dt.date, str] = field(default_factory=dict)  # Saturday/Sunday -> note

    @classmethod
    def build(cls, year: int, official: bool, source: str, days: list[tuple[dt.date, str, str]]) -> "YearCalendar":
        """From (date, kind, note) rows, keeping only real exceptions of the given year."""
        holidays = {d: note for d, kind, note in days if kind == HOLIDAY and d.year == year and d.weekday() < 5}
        workdays = {d: note for d, kind, note in days if kind == WORKDAY and d.year == year and d.weekday() >= 5}
        return cls(year, official, source, holidays, workdays)

    def is_working_day(self, d: dt.date) -> bool:
        if d.weekday() < 5:
            return d not in self.holidays
        return d in self.workdays

    def exceptions(self) -> list[tuple[dt.date, str, str]]:
        days = [(d, HOLIDAY, n) for d, n in self.holidays.items()] + [(d, WORKDAY, n) for d, n in self.workdays.items()]
        return sorted(days)


def weekday_name(d: dt.date) -> str:
    return str(WEEKDAYS[d.weekday()])


# What a period counts from, named in the first step of its derivation (the day itself is
# never counted, Civil Code Art. 201). ``models.CountedFrom`` holds the same keys.
ACCEPTED, RECEIVED, SUPPLEMENTED = "accepted", "received", "supplemented"
RATED, COMPLETED, DECIDED, ROUTED, SET = "rated", "completed", "decided", "routed", "set"
STARTS: Mapping[str, Promise] = {
    ACCEPTED: gettext_lazy(
        "Accepted on %(date)s (%(weekday)s): the day of acceptance is not counted (Civil Code Art. 201)."
    ),
    RECEIVED: gettext_lazy(
        "Received on %(date)s (%(weekday)s): no supplement notice within 5 working days, so the application "
        "counts as accepted on the day it was received (Administrative Licensing Law Art. 32); that day is not "
        "counted (Civil Code Art. 201)."
    ),
    SUPPLEMENTED: gettext_lazy(
        "Supplement complete on %(date)s (%(weekday)s): that day is the day of acceptance (Administrative "
        "Licensing Law Art. 32) and is not counted (Civil Code Art. 201)."
    ),
    RATED: gettext_lazy(
        "Rated on %(date)s (%(weekday)s): the rectification counts from the day of the bad rating, which is not "
        "counted (Civil Code Art. 201)."
    ),
    COMPLETED: gettext_lazy(
        "Completed on %(date)s (%(weekday)s): the day of completion is not counted (Civil Code Art. 201)."
    ),
    DECIDED: gettext_lazy(
        "Decided on %(date)s (%(weekday)s): the day of the decision is not counted (Civil Code Art. 201)."
    ),
    ROUTED: gettext_lazy(
        "Routed to this level on %(date)s (%(weekday)s): that day is not counted (Civil Code Art. 201)."
    ),
    SET: gettext_lazy("Deadline set for %(date)s (%(weekday)s)."),
}


@dataclass(frozen=True)
class Stop:
    """A clock stop (Administrative Licensing Law Art. 45) counted into a deadline."""

    started_on: dt.date
    ended_on: dt.date | None  # None: still stopped
    reason: str
    days: int = 0  # working days in (started_on, ended_on], after the deadline's start


@dataclass(frozen=True)
class Terms:
    """What a deadline adds up: its limit, extensions, and the working days its clock stood
    still (overlapping stops counted once)."""

    limit: int
    extension: int = 0
    stopped: int = 0
    stops: tuple[Stop, ...] = ()
    base_date: dt.date | None = None  # the due date without the extension

    @property
    def total(self) -> int:
        return self.limit + self.extension + self.stopped


@dataclass(frozen=True)
class Due:
    """The result of counting: the due date, whether it may still move, and why."""

    start: dt.date
    days: int
    date: dt.date
    provisional: bool
    years: tuple[tuple[int, bool, str], ...]  # (year, official, source) walked over
    exceptions: tuple[tuple[dt.date, str, str], ...]  # (date, kind, note) met on the way
    # The date the count reached before a rest day was carried to the next working day
    # (Civil Code Art. 203); equal to ``date`` when no carrying was needed.
    nominal: dt.date | None = None
    counted_from: str = ACCEPTED  # a key of ``STARTS``
    natural: bool = False  # natural days, not working days
    terms: Terms | None = None

    @property
    def rolled(self) -> bool:
        return self.nominal is not None and self.nominal != self.date

    @cached_property
    def derivation(self) -> list[str]:
        """Human-readable steps, in the active language (built only when asked for)."""
        steps = [str(STARTS[self.counted_from]) % {"date": self.start.isoformat(), "weekday": weekday_name(self.start)}]
        if self.terms is not None and (self.terms.extension or self.terms.stops):
            steps += self._terms_steps(self.terms)
        from dgov.workdays.models import Source

        for year, official, source in self.years:
            if official:
                label = Source(source).label if source in Source.values else source
                steps.append(
                    _("Calendar %(year)s: official State Council arrangement (source: %(source)s).")
                    % {"year": year, "source": label}
                )
            else:
                steps.append(
                    _(
                        "Calendar %(year)s: no official arrangement yet, estimated from the statutory holidays; "
                        "the result is provisional."
                    )
                    % {"year": year}
                )
        estimated = {year for year, official, _source in self.years if not official}
        for d, kind, note in self.exceptions:
            params = {"date": d.isoformat(), "weekday": weekday_name(d), "note": note}
            if kind == HOLIDAY and d.year in estimated:
                steps.append(_("%(date)s (%(weekday)s): holiday skipped, %(note)s (estimated).") % params)
            elif kind == HOLIDAY:
                steps.append(_("%(date)s (%(weekday)s): holiday skipped, %(note)s.") % params)
            else:
                steps.append(_("%(date)s (%(weekday)s): make-up working day counted, %(note)s.") % params)
        if self.natural and self.days and self.nominal is not None:
            steps.append(
                _("Natural day %(days)s after %(start)s: %(nominal)s (%(weekday)s).")
                % {
                    "days": self.days,
                    "start": self.start.isoformat(),
                    "nominal": self.nominal.isoformat(),
                    "weekday": weekday_name(self.nominal),
                }
            )
        params = {"date": self.date.isoformat(), "weekday": weekday_name(self.date)}
        if self.rolled:
            assert self.nominal is not None
            steps.append(
                _(
                    "%(nominal)s (%(weekday)s) is not a working day: the period ends on the next working day "
                    "(Civil Code Art. 203)."
                )
                % {"nominal": self.nominal.isoformat(), "weekday": weekday_name(self.nominal)}
            )
            steps.append(
                _("Due on %(date)s (%(weekday)s): the next working day after %(nominal)s.")
                % {**params, "nominal": self.nominal.isoformat()}
            )
        elif self.natural and self.days:
            steps.append(
                _("Due on %(date)s (%(weekday)s): natural day %(days)s after %(start)s.")
                % {**params, "days": self.days, "start": self.start.isoformat()}
            )
        elif self.natural:
            steps.append(_("Due on %(date)s (%(weekday)s), a working day.") % params)
        else:
            steps.append(
                _("Due on %(date)s (%(weekday)s): working day %(days)s after %(start)s.")
                % {**params, "days": self.days, "start": self.start}
            )
        return steps

    @staticmethod
    def _terms_steps(terms: Terms) -> list[str]:
        steps = [_("Time limit: %(days)s working days.") % {"days": terms.limit}]
        if terms.extension:
            steps.append(
                _(
                    "Extended by %(days)s working days, decided before the limit ended (Administrative Licensing Law Art. 42)."
                )
                % {"days": terms.extension}
            )
        for stop in terms.stops:
            params = {"start": stop.started_on.isoformat(), "reason": stop.reason, "days": stop.days}
            if stop.ended_on is None:
                steps.append(
                    _(
                        "Clock stopped since %(start)s (%(reason)s): the days stopped are not counted "
                        "(Administrative Licensing Law Art. 45); the due date moves when the clock runs again."
                    )
                    % params
                )
            else:
                steps.append(
                    _(
                        "Clock stopped from %(start)s to %(end)s (%(reason)s): %(days)s working days not counted "
                        "(Administrative Licensing Law Art. 45)."
                    )
                    % {**params, "end": stop.ended_on.isoformat()}
                )
        if len([s for s in terms.stops if s.ended_on is not None]) > 1:
            steps.append(
                _("Stopped in all: %(days)s working days (days on which stops overlap are counted once).")
                % {"days": terms.stopped}
            )
        steps.append(_("In all: %(days)s working days.") % {"days": terms.total})
        return steps


def _weekdays_through(d: dt.date) -> int:
    """Monday-to-Friday days from 0001-01-01 (a Monday) through ``d``."""
    weeks, rest = divmod(d.toordinal(), 7)
    return weeks * 5 + min(rest, 5)


class Calendar:
    """Counts working days on years read through ``loader``, each kept ``ttl`` seconds
    (``None``: for the calendar's lifetime)."""

    def __init__(
        self,
        loader: Callable[[int], YearCalendar] | None = None,
        ttl: float | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._loader = loader or load_year
        self._ttl = ttl
        self._clock = clock
        self._years: dict[int, tuple[float, YearCalendar]] = {}

    def year(self, year: int) -> YearCalendar:
        entry = self._years.get(year)
        now = self._clock()
        if entry is None or entry[0] <= now:
            loaded = self._loader(year)
            expires = float("inf") if self._ttl is None else now + self._ttl
            self._years[year] = (expires, loaded)
            return loaded
        return entry[1]

    def invalidate(self, years: "list[int] | set[int] | None" = None) -> None:
        if years is None:
            self._years.clear()
        else:
            for year in years:
                self._years.pop(year, None)

    def is_working_day(self, d: dt.date) -> bool:
        return self.year(d.year).is_working_day(d)

    def roll_forward(self, d: dt.date) -> dt.date:
        """``d`` if it is a working day, else the next working day (Civil Code Art. 203:
        a period whose last day is a holiday ends on the day after the holiday)."""
        while not self.is_working_day(d):
            d += ONE_DAY
        return d

    def previous_working_day(self, d: dt.date) -> dt.date:
        """The last working day strictly before ``d``."""
        d -= ONE_DAY
        while not self.is_working_day(d):
            d -= ONE_DAY
        return d

    def add_working_days(self, start: dt.date, n: int, counted_from: str = ACCEPTED) -> Due:
        """The n-th working day strictly after ``start``; n = 0: ``start`` itself when it is
        a working day, else the next working day (Art. 203)."""
        if n < 0:
            raise ValueError("the number of working days cannot be negative")
        years: list[YearCalendar] = []
        met: list[tuple[dt.date, str, str]] = []
        d = start
        if n == 0:
            years.append(self.year(start.year))
        cal: YearCalendar | None = None
        counted = 0
        while counted < n:
            d += ONE_DAY
            if cal is None or d.year != cal.year:
                cal = self.year(d.year)
                years.append(cal)
            if d.weekday() < 5:
                note = cal.holidays.get(d)
                if note is None:
                    counted += 1
                else:
                    met.append((d, HOLIDAY, note))
            else:
                note = cal.workdays.get(d)
                if note is not None:
                    counted += 1
                    met.append((d, WORKDAY, note))
        nominal = d
        if n == 0:
            d = self.roll_forward(d)
            for year in range(start.year + 1, d.year + 1):
                years.append(self.year(year))
        return Due(
            start=start,
            days=n,
            date=d,
            nominal=nominal,
            provisional=not all(y.official for y in years),
            years=tuple((y.year, y.official, y.source) for y in years),
            exceptions=tuple(met),
            counted_from=counted_from,
        )

    def add_natural_days(self, start: dt.date, n: int, counted_from: str = COMPLETED) -> Due:
        """A period of ``n`` natural days after ``start`` (the day itself not counted, Civil
        Code Art. 201), ending on the next working day when its last day is not one (Art.
        203). ``n == 0``: a date set as a deadline, carried the same way."""
        if n < 0:
            raise ValueError("the number of days cannot be negative")
        nominal = start + dt.timedelta(days=n)
        date = self.roll_forward(nominal)
        years = [self.year(year) for year in range(nominal.year, date.year + 1)]
        return Due(
            start=start,
            days=n,
            date=date,
            nominal=nominal,
            provisional=not all(y.official for y in years),
            years=tuple((y.year, y.official, y.source) for y in years),
            exceptions=(),
            counted_from=counted_from,
            natural=True,
        )

    def carry(self, d: dt.date) -> Due:
        """A deadline set for ``d``: due on ``d``, or on the next working day when ``d`` is not
        one (Art. 203, applied to internal deadlines too), with its derivation."""
        return self.add_natural_days(d, 0, counted_from=SET)

    def stopped_days(self, intervals: "list[tuple[dt.date, dt.date]]", after: dt.date) -> int:
        """Working days covered by the (start, end] intervals, each day once, counting only
        days after ``after`` (a deadline's start): overlapping stops count once."""
        days = 0
        reached = after
        for start, end in sorted(intervals):
            start = max(start, reached)
            if end > start:
                days += self.working_days_between(start, end)
                reached = end
        return days

    def working_days_between(self, a: dt.date, b: dt.date) -> int:
        """Working days after ``a`` up to and including ``b``.

        Antisymmetric: when ``b`` is before ``a`` the count is negative,
        ``between(a, b) == -between(b, a)``, and ``between(a, a) == 0``. So
        ``between(start, add_working_days(start, n).date) == n``, and
        ``between(due, today)`` is positive exactly when a limit is overdue.
        """
        if b < a:
            return -self.working_days_between(b, a)
        count = _weekdays_through(b) - _weekdays_through(a)
        for year in range(a.year, b.year + 1):
            cal = self.year(year)
            count -= sum(1 for d in cal.holidays if a < d <= b)
            count += sum(1 for d in cal.workdays if a < d <= b)
        return count


# -- Where years come from ------------------------------------------------------------


def load_year(year: int) -> YearCalendar:
    """A year from the database: its stored exceptions if official, else the estimate.

    Rows stored for a year that is not official are ignored (the ``do_*`` functions
    refuse to write them: a year is imported whole).
    """
    from dgov.workdays.models import CalendarDay, CalendarYear

    source = CalendarYear.objects.filter(year=year, official=True).values_list("source", flat=True).first()
    if source is None:
        return estimate_year(year)
    rows = list(CalendarDay.objects.filter(date__year=year).values_list("date", "kind", "note"))
    return YearCalendar.build(year, True, source, rows)


def statutory_holidays(year: int) -> list[tuple[dt.date, str]]:
    """The statutory holidays of ``year`` (2025 revision of 全国年节及纪念日放假办法, Art. 2)."""
    days = [(dt.date(year, 1, 1), "元旦")]
    if FIRST_YEAR <= year <= LAST_YEAR:
        new_year = LunarDate(year, 1, 1).to_solar_date()
        days += [(new_year + dt.timedelta(days=i), "春节") for i in range(-1, 3)]  # 除夕, 初一 to 初三
        qingming = [
            d
            for d, name in chinese_calendar.get_solar_terms(dt.date(year, 4, 1), dt.date(year, 4, 30))
            if name == "清明"
        ]
        days += [(d, "清明节") for d in qingming]
    days += [(dt.date(year, 5, 1), "劳动节"), (dt.date(year, 5, 2), "劳动节")]
    if FIRST_YEAR <= year <= LAST_YEAR:
        days.append((LunarDate(year, 5, 5).to_solar_date(), "端午节"))
        days.append((LunarDate(year, 8, 15).to_solar_date(), "中秋节"))
    days += [(dt.date(year, 10, i), "国庆节") for i in (1, 2, 3)]
    return sorted(days)


def estimate_year(year: int) -> YearCalendar:
    """The statutory estimate of a year (rule 4).

    A holiday that falls on a Saturday or Sunday, or on a day already off for another
    holiday (中秋 on 国庆, as in 2020), is made up on the next weekday not already off
    (补假, Art. 6 of the same regulation).
    """
    rest: dict[dt.date, str] = {}
    owed: list[tuple[dt.date, str]] = []
    for d, name in statutory_holidays(year):
        if d in rest or d.weekday() >= 5:
            owed.append((d, name))
        rest.setdefault(d, name)
    for d, name in owed:
        day = d + ONE_DAY
        while day.weekday() >= 5 or day in rest:
            day += ONE_DAY
        if day.year == year:
            rest[day] = f"{name}补假"
    return YearCalendar.build(year, False, ESTIMATED, [(d, HOLIDAY, name) for d, name in rest.items()])


# -- The process-wide calendar --------------------------------------------------------

default_calendar = Calendar(ttl=getattr(settings, "WORKDAYS_CACHE_SECONDS", 60.0))


def is_working_day(d: dt.date) -> bool:
    return default_calendar.is_working_day(d)


def add_working_days(start: dt.date, n: int, counted_from: str = ACCEPTED) -> Due:
    return default_calendar.add_working_days(start, n, counted_from)


def add_natural_days(start: dt.date, n: int, counted_from: str = COMPLETED) -> Due:
    return default_calendar.add_natural_days(start, n, counted_from)


def carry(d: dt.date) -> Due:
    return default_calendar.carry(d)


def working_days_between(a: dt.date, b: dt.date) -> int:
    return default_calendar.working_days_between(a, b)


def roll_forward(d: dt.date) -> dt.date:
    return default_calendar.roll_forward(d)


def year_calendar(year: int) -> YearCalendar:
    return default_calendar.year(year)


def invalidate(years: "list[int] | set[int] | None" = None) -> None:
    """Forget cached years (all when ``years`` is None) in this process."""
    default_calendar.invalidate(years)
