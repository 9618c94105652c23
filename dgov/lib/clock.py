"""The platform's one clock: every module reads the date and time here.

Tests move time in one place with the ``clock`` fixture (root ``conftest.py``), which calls
``set``; production never sets it. ``today()`` is the local date of ``TIME_ZONE``
(Asia/Shanghai), which is the day that legal periods count in.
"""

import contextlib
import datetime as dt
from collections.abc import Iterator

from django.utils import timezone

_fixed: dt.datetime | None = None


def now() -> dt.datetime:
    """The current moment, aware."""
    return _fixed if _fixed is not None else timezone.now()


def today() -> dt.date:
    """The current local date."""
    return timezone.localdate(now())


def set(moment: dt.datetime | dt.date | None) -> None:  # noqa: A001 — the fixture's verb
    """Fix the clock at ``moment`` (a date means 10:00 local time that day); ``None``
    lets it run again. For tests and one-off commands only."""
    global _fixed
    if moment is None or isinstance(moment, dt.datetime):
        if moment is not None and timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
        _fixed = moment
    else:
        _fixed = timezone.make_aware(dt.datetime.combine(moment, dt.time(10, 0)))


@contextlib.contextmanager
def at(moment: dt.datetime) -> Iterator[None]:
    """Run a block at ``moment`` and give back whatever clock was set before (a test's
    fixed clock, or the running one): the demo's history is made this way, so that its
    events and audit entries carry the moments they tell of."""
    global _fixed
    before = _fixed
    set(moment)
    try:
        yield
    finally:
        _fixed = before
