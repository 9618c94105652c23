"""Which roles hold this app's permissions (merged by ``accounts.roles.all_role_permissions``)."""

from dgov.accounts.roles import ACCEPT, DECIDE, EXTEND, REVIEW, STOP_CLOCK, Role

GRANTS: dict[Role, set[str]] = {
    Role.WINDOW_CLERK: {ACCEPT},
    Role.REVIEWER: {REVIEW, STOP_CLOCK},
    Role.DEPARTMENT_APPROVER: {DECIDE, EXTEND, STOP_CLOCK},
}
