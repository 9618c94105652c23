from collections.abc import Iterator
from typing import Any

import pytest

from dgov.workdays import calendar


@pytest.fixture(autouse=True)
def _fresh_calendar_cache() -> Iterator[None]:
    # Each test's database rolls back; the process cache must not outlive it.
    calendar.invalidate()
    yield
    calendar.invalidate()


@pytest.fixture
def deadline_for(district: Any) -> Any:
    from dgov.workdays.actions import do_create_deadline

    def make(start: Any, days: int, label: str = "deadline") -> Any:
        return do_create_deadline(district=district, label=label, start_date=start, working_days=days)

    return make
