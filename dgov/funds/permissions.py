"""Who may do what with the guidance fund (merged into the role groups). Approvals are
given by the people each fund's rules name (``FundApprover``), whatever their role."""

from dgov.accounts.roles import Role

VIEW = "funds.view_fund_position"
MANAGE = "funds.manage_fund"

GRANTS: dict[Role, set[str]] = {
    Role.FUND_MANAGER: {VIEW, MANAGE},
    Role.DISTRICT_LEADER: {VIEW},
    Role.INVESTMENT_OFFICER: {VIEW},
    Role.INSPECTOR: {VIEW},
    Role.AUDITOR: {VIEW},
}
