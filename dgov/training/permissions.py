"""Who may do what in cadre training (merged into the role groups). Every staff member
sees their own courses and hours and signs in without a grant."""

from dgov.accounts.roles import Role

MANAGE = "training.manage_training"
VIEW_HOURS = "training.view_training_hours"

GRANTS: dict[Role, set[str]] = {
    Role.ADMINISTRATOR: {MANAGE, VIEW_HOURS},
    Role.INSPECTOR: {MANAGE, VIEW_HOURS},
    Role.DISTRICT_LEADER: {VIEW_HOURS},
    Role.UNIT_HEAD: {VIEW_HOURS},
}
