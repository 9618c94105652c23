"""Who may do what with investment trips, events, targets and concentrated starts."""

from dgov.accounts.roles import Role

MANAGE = "events.manage_events"
VIEW = "events.view_events"

GRANTS: dict[Role, set[str]] = {
    Role.INVESTMENT_OFFICER: {MANAGE, VIEW},
    Role.DISTRICT_LEADER: {MANAGE, VIEW},
    Role.PROJECT_SECRETARY: {VIEW},
    Role.INSPECTOR: {VIEW},
}
