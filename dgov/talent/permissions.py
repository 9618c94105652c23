"""Who may do what with talent programmes and the register (merged into the role groups)."""

from dgov.accounts.roles import REVEAL, Role

VIEW = "talent.view_talent_register"
KEEP = "talent.keep_talent_register"
AWARD = "talent.award_talent_benefit"

GRANTS: dict[Role, set[str]] = {
    # The talent office checks a talent's full ID number against the papers (each asking audited).
    Role.ENTERPRISE_SERVICE: {VIEW, KEEP, AWARD, REVEAL},
    Role.DEPARTMENT_APPROVER: {VIEW, AWARD},
    Role.DISTRICT_LEADER: {VIEW},
    Role.INVESTMENT_OFFICER: {VIEW},
    Role.INSPECTOR: {VIEW},
    Role.AUDITOR: {VIEW},
}
