"""Which roles hold this app's permissions (merged by ``accounts.roles.all_role_permissions``)."""

from dgov.accounts.roles import MANAGE_CATALOGUE, Role

GRANTS: dict[Role, set[str]] = {
    Role.ADMINISTRATOR: {MANAGE_CATALOGUE},
}
