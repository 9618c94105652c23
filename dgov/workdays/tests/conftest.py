from typing import Any

import pytest


@pytest.fixture
def deadline_for(district: Any) -> Any:
    from dgov.workdays.actions import do_create_deadline

    def make(start: Any, days: int, label: str = "deadline") -> Any:
        return do_create_deadline(district=district, label=label, start_date=start, working_days=days)

    return make
