"""Who may do what in the hall (merged into the role groups)."""

from dgov.accounts.roles import Role

CALL = "hall.call_ticket"
MANAGE = "hall.manage_hall"
VIEW_FIGURES = "hall.view_hall_figures"

GRANTS: dict[Role, set[str]] = {
    Role.WINDOW_CLERK: {CALL},
    Role.CENTRE_SUPERVISOR: {MANAGE, VIEW_FIGURES},
    Role.DISTRICT_LEADER: {VIEW_FIGURES},
    Role.INSPECTOR: {VIEW_FIGURES},
    Role.ADMINISTRATOR: {MANAGE},
}
