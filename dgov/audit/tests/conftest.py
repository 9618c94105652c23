from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from dgov.audit.testing import install_flush_workaround

# The root conftest.py installs it for the whole suite; here too, so this app's
# transactional tests stand on their own.
install_flush_workaround()


@pytest.fixture
def make_entries(db: Any) -> Callable[..., list[Any]]:
    """``make_entries(n, district=None)``: n entries through ``record``, with changes whose
    keys are out of order and non-ASCII text, as real ones have."""
    from dgov.audit.trail import record

    def make(count: int, district: Any = None, verb: str = "test.act") -> list[Any]:
        return [
            record(
                verb,
                district=district,
                object_type="test.thing",
                object_id=str(number),
                changes={"status": ["草稿", "已提交"], "amount": [number, number + 0.5], "b": None},
            )
            for number in range(count)
        ]

    return make


@pytest.fixture
def tamper(db: Any) -> Callable[..., None]:
    """Run raw SQL on the audit tables with their triggers out of the way."""
    from dgov.audit.testing import triggers_suspended

    def run(sql: str, params: list[Any] | tuple[Any, ...] = ()) -> None:
        with triggers_suspended(connection), connection.cursor() as cursor:
            cursor.execute(sql, params)

    return run
