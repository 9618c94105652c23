from collections.abc import Callable
from typing import Any

import pytest

# The application personas and the food-licence item, as the application tests know them.
from dgov.applications.tests.conftest import citizen_applicant, item  # noqa: F401


@pytest.fixture
def bearer() -> Callable[[Any], dict[str, str]]:
    """Headers carrying a fresh API token of ``user``."""
    from dgov.api.actions import do_create_api_token

    def make(user: Any) -> dict[str, str]:
        _token, secret = do_create_api_token(user, f"{user.username} system")
        return {"Authorization": f"Bearer {secret}"}

    return make
