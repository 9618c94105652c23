"""Who may do what in project service and the green channel (merged into the role groups)."""

from dgov.accounts.roles import Role

VIEW_SERVICE = "secretaries.view_project_service"
ASSIGN = "secretaries.assign_secretary"
LOG_CONTACT = "secretaries.log_contact"
HANDLE_ISSUE = "secretaries.handle_enterprise_issue"
CHAIR_JOINT_MEETING = "secretaries.chair_joint_meeting"
MANAGE_GREEN = "secretaries.manage_green_channel"
VIEW_GREEN = "secretaries.view_green_channel"

GRANTS: dict[Role, set[str]] = {
    Role.PROJECT_SECRETARY: {VIEW_SERVICE, LOG_CONTACT, VIEW_GREEN},
    Role.DISTRICT_LEADER: {VIEW_SERVICE, ASSIGN, CHAIR_JOINT_MEETING, MANAGE_GREEN, VIEW_GREEN},
    Role.INVESTMENT_OFFICER: {VIEW_SERVICE, ASSIGN, CHAIR_JOINT_MEETING, MANAGE_GREEN, VIEW_GREEN},
    Role.ADMINISTRATOR: {VIEW_SERVICE, ASSIGN},
    Role.INSPECTOR: {VIEW_SERVICE, VIEW_GREEN},
    Role.CENTRE_SUPERVISOR: {MANAGE_GREEN, VIEW_GREEN},
    Role.WINDOW_CLERK: {VIEW_GREEN},
    Role.REVIEWER: {HANDLE_ISSUE, VIEW_GREEN},
    Role.DEPARTMENT_APPROVER: {HANDLE_ISSUE, VIEW_GREEN},
    Role.UNIT_HEAD: {HANDLE_ISSUE},
}
