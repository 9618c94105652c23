"""Which roles hold this app's permissions (merged by ``accounts.roles.all_role_permissions``)."""

from dgov.accounts.roles import VIEW_DOCUMENTS, Role

GRANTS: dict[Role, set[str]] = {
    Role.WINDOW_CLERK: {VIEW_DOCUMENTS},
    Role.REVIEWER: {VIEW_DOCUMENTS},
    Role.DEPARTMENT_APPROVER: {VIEW_DOCUMENTS},
    Role.SEAL_OFFICER: {VIEW_DOCUMENTS},
    Role.CENTRE_SUPERVISOR: {VIEW_DOCUMENTS},
}
