from dgov.accounts.roles import Role
from dgov.campaigns.models import REPORT, SUPERVISE, VIEW_BOARD

GRANTS: dict[Role, set[str]] = {
    Role.INSPECTOR: {SUPERVISE, VIEW_BOARD},
    Role.DISTRICT_LEADER: {VIEW_BOARD},
    Role.UNIT_HEAD: {REPORT},
}
