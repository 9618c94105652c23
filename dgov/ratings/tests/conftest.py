from collections.abc import Callable
from typing import Any

import pytest

from dgov.applications import actions
from dgov.applications.models import Application, Channel

# The application personas and the food-licence item, as the application tests know them.
from dgov.applications.tests.conftest import citizen_applicant, item  # noqa: F401


@pytest.fixture
def finish(
    item: Any,  # noqa: F811
    citizen: Any,
    citizen_applicant: Any,  # noqa: F811
    clerk: Any,
    reviewer: Any,  # noqa: F811
    approver: Any,
) -> Callable:
    """A case of the citizen taken to completion (or left open with ``complete=False``)."""

    def make(key: str = "k1", *, complete: bool = True) -> Application:
        application, _ = actions.do_submit(
            item=item, applicant=citizen_applicant, by=citizen, channel=Channel.ONLINE, idempotency_key=key
        )
        if complete:
            actions.do_accept(application, by=clerk)
            actions.do_review(application, by=reviewer)
            actions.do_decide(application, by=approver, approve=True)
            actions.do_complete(application, by=clerk)
        return application

    return make


@pytest.fixture
def completed(finish: Callable) -> Application:
    return finish()
