"""Moments for the demo's history (``dgov/<app>/demo.py``): each act of a demo case on a
working day at an office hour, derived from the case's own dates, so that timelines and
audit entries read like months of work rather than the minute the demo was loaded."""

import datetime as dt
import zlib

from django.utils import timezone

from dgov.lib import clock
from dgov.workdays.calendar import add_working_days

OPENS = dt.time(8, 45)  # the hall opens at 8:30; the first act a quarter of an hour later
STEP = dt.timedelta(minutes=40)


def working_days_after(day: dt.date, n: int) -> dt.date:
    """The n-th working day after ``day``; ``day`` itself (carried to a working day) for 0."""
    return add_working_days(day, n).date


def step_days(received: dt.date, steps: int, today: dt.date, key: str) -> list[dt.date]:
    """The receipt day and the days of a case's ``steps`` acts after it: each act one to
    three working days after the one before (as ``key`` falls), never after ``today``."""
    days = [received]
    for k in range(steps):
        gap = 1 + zlib.crc32(f"{key}/{k}".encode()) % 3
        days.append(min(working_days_after(days[-1], gap), today))
    return days


def office_moment(day: dt.date, key: str, order: int = 0) -> dt.datetime:
    """A moment on ``day`` in office hours: the ``order``-th act of the day, a little
    later than the one before, with a few minutes that differ from case to case (by
    ``key``); never later than now."""
    minutes = zlib.crc32(f"{key}:{order}".encode()) % 30
    local = dt.datetime.combine(day, OPENS) + order * STEP + dt.timedelta(minutes=minutes)
    return min(timezone.make_aware(local), clock.now())
