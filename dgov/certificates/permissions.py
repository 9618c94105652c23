"""Which roles hold this app's permissions (merged by ``accounts.roles.all_role_permissions``)."""

from dgov.accounts.roles import CHANGE_CERTIFICATE_STATUS, ISSUE_CERTIFICATE, Role

GRANTS: dict[Role, set[str]] = {
    Role.SEAL_OFFICER: {ISSUE_CERTIFICATE},
    Role.DEPARTMENT_APPROVER: {CHANGE_CERTIFICATE_STATUS},
}
