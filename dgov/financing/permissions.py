"""Who may do what in financing matching (merged into the role groups). A bank's officers
are outside users: what they may do is decided by their ``BankOfficer`` row (``rules``)."""

from dgov.accounts.roles import Role

VIEW = "financing.view_financing"
MANAGE_BANKS = "financing.manage_banks"
SUPERVISE = "financing.supervise_financing"

GRANTS: dict[Role, set[str]] = {
    Role.ENTERPRISE_SERVICE: {VIEW, MANAGE_BANKS, SUPERVISE},
    Role.DISTRICT_LEADER: {VIEW},
    Role.INVESTMENT_OFFICER: {VIEW},
    Role.PROJECT_SECRETARY: {VIEW},
    Role.INSPECTOR: {VIEW},
    Role.AUDITOR: {VIEW},
}
