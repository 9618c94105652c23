"""Which roles hold this app's permissions (merged by ``accounts.roles.all_role_permissions``)."""

from dgov.accounts.roles import ADD_APPLICANT, MANAGE_STAFF, REVEAL, VIEW_APPLICANTS, Role

GRANTS: dict[Role, set[str]] = {
    Role.WINDOW_CLERK: {VIEW_APPLICANTS, ADD_APPLICANT, REVEAL},
    Role.REVIEWER: {VIEW_APPLICANTS},
    Role.DEPARTMENT_APPROVER: {VIEW_APPLICANTS},
    Role.CENTRE_SUPERVISOR: {VIEW_APPLICANTS, REVEAL},
    Role.DISTRICT_LEADER: {VIEW_APPLICANTS},
    Role.AUDITOR: {VIEW_APPLICANTS},
    Role.ADMINISTRATOR: {MANAGE_STAFF, VIEW_APPLICANTS},
}
