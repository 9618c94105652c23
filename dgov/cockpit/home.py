"""The cockpit's headline figures on the district leader's and the centre supervisor's
workbench home (issue 15 item 0): this month so far, read from the summary tables like
the cockpit itself, with a link to it."""

from typing import Any

from dgov.accounts.models import User
from dgov.accounts.roles import Role
from dgov.cockpit.charts import Cockpit
from dgov.cockpit.figures import Period
from dgov.lib import clock

HEADLINE_ROLES = frozenset({Role.DISTRICT_LEADER, Role.CENTRE_SUPERVISOR})


def headline_for(user: User, role: Role) -> dict[str, Any] | None:
    """``{"period", "headline"}`` for a leader's or a supervisor's home; ``None`` for others."""
    if role not in HEADLINE_ROLES or user.district_id is None:
        return None
    period = Period.month(clock.today())
    return {"period": period, "headline": Cockpit(user.district_id, period).headline()}
