"""Which roles hold this app's permissions (merged by ``accounts.roles.all_role_permissions``)."""

from dgov.accounts.roles import EDIT_CALENDAR, Role

GRANTS: dict[Role, set[str]] = {
    Role.ADMINISTRATOR: {EDIT_CALENDAR},
}
