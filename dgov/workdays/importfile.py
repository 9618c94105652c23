"""The calendar import file: the State Council's yearly arrangement, one date a line.

Format (UTF-8 text; a byte-order mark is ignored)::

    # 国务院办公厅关于2027年部分节假日安排的通知
    2027-01-01,holiday,元旦
    2027-02-07,workday,春节调休

- Each line is ``date,kind[,note]``: an ISO date (YYYY-MM-DD), ``holiday`` or
  ``workday``, and an optional note (may itself contain commas). A full-width comma
  (，) works as well.
- Blank lines and lines starting with ``#`` are ignored.
- The years covered are the years of the dates listed; each is replaced whole.
- ``holiday`` on a Saturday or Sunday is accepted and not stored (it is a rest day
  anyway; notices list whole holiday ranges). ``workday`` on Monday to Friday is an error:
  a make-up working day falls on a weekend.
- Every line is checked before anything is written; all bad lines are reported at
  once, with their line numbers.
"""

import datetime as dt
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from dgov.workdays.calendar import FIRST_YEAR, HOLIDAY, LAST_YEAR, WORKDAY

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
NOTE_MAX = 100


@dataclass(frozen=True)
class Line:
    number: int
    date: dt.date
    kind: str
    note: str

    @property
    def is_exception(self) -> bool:
        """Whether the line changes the Monday-to-Friday default (and so is stored)."""
        return (self.kind == HOLIDAY) == (self.date.weekday() < 5)


@dataclass(frozen=True)
class Problem:
    number: int
    text: str
    message: str

    def __str__(self) -> str:
        if not self.number:
            return self.message
        return _("Line %(number)s: %(message)s") % {"number": self.number, "message": self.message}


class CalendarFileError(ValidationError):
    """Every bad line of a file; nothing was written."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__([ValidationError(str(p), code="bad_line") for p in problems])


def parse_date(text: str) -> dt.date:
    """An ISO date that exists, in the years the calendar handles; ValueError otherwise."""
    if not ISO_DATE.match(text):
        raise ValueError(_("“%(value)s” is not a date in the form YYYY-MM-DD.") % {"value": text})
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(_("%(value)s is not a date that exists.") % {"value": text}) from None
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise ValueError(
            _("%(value)s is outside the years %(first)s to %(last)s.")
            % {"value": text, "first": FIRST_YEAR, "last": LAST_YEAR}
        )
    return day


def parse(text: str) -> list[Line]:
    """The lines of a calendar file, or ``CalendarFileError`` listing every bad one."""
    lines: list[Line] = []
    problems: list[Problem] = []
    seen: dict[dt.date, int] = {}
    for number, raw in enumerate(text.removeprefix("\ufeff").splitlines(), start=1):
        stripped = raw.strip()
        if not stripped or stripped.startswith("#"):
            continue

        def bad(message: str, number: int = number, stripped: str = stripped) -> None:
            problems.append(Problem(number, stripped, message))

        parts = [p.strip() for p in stripped.replace("，", ",").split(",", 2)]
        if len(parts) < 2:
            bad(_("expected “date,kind,note”, for example “2027-01-01,holiday,元旦”."))
            continue
        date_text, kind, note = parts[0], parts[1].lower(), parts[2] if len(parts) > 2 else ""
        try:
            day = parse_date(date_text)
        except ValueError as error:
            bad(str(error))
            continue
        if kind not in (HOLIDAY, WORKDAY):
            bad(_("unknown kind “%(kind)s”: use holiday or workday.") % {"kind": parts[1]})
            continue
        if len(note) > NOTE_MAX:
            bad(_("the note is longer than %(max)s characters.") % {"max": NOTE_MAX})
            continue
        if day in seen:
            bad(_("%(date)s is already listed on line %(line)s.") % {"date": day.isoformat(), "line": seen[day]})
            continue
        seen[day] = number
        if kind == WORKDAY and day.weekday() < 5:
            bad(
                _("%(date)s is a weekday and already a working day; a make-up working day falls on a weekend.")
                % {"date": day.isoformat()}
            )
            continue
        lines.append(Line(number, day, kind, note))
    if not problems and not lines:
        problems.append(Problem(0, "", _("the file lists no dates.")))
    if problems:
        raise CalendarFileError(problems)
    return lines
