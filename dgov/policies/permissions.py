"""Who may do what with policies (merged into the role groups)."""

from dgov.accounts.roles import VIEW_APPLICANTS, Role

VIEW = "policies.view_policy_library"
MANAGE = "policies.manage_policy_library"
GRANT = "policies.grant_benefit"

GRANTS: dict[Role, set[str]] = {
    Role.ENTERPRISE_SERVICE: {VIEW, MANAGE, GRANT, VIEW_APPLICANTS},
    Role.DEPARTMENT_APPROVER: {VIEW, GRANT},
    Role.UNIT_HEAD: {VIEW},
    Role.DISTRICT_LEADER: {VIEW},
    Role.INVESTMENT_OFFICER: {VIEW},
    Role.PROJECT_SECRETARY: {VIEW},
    Role.INSPECTOR: {VIEW},
    Role.AUDITOR: {VIEW},
}
