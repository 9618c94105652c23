"""Which roles hold this app's permissions (merged by ``accounts.roles.all_role_permissions``)."""

from dgov.accounts.roles import VIEW_AUDIT, Role

GRANTS: dict[Role, set[str]] = {
    Role.CENTRE_SUPERVISOR: {VIEW_AUDIT},
    Role.INSPECTOR: {VIEW_AUDIT},
    Role.AUDITOR: {VIEW_AUDIT},
}
