"""Which roles hold this app's permissions (merged by ``accounts.roles.all_role_permissions``)."""

from dgov.accounts.roles import VIEW_AUDIT, Role

# Asking for and agreeing to a re-baseline after a restore (two different administrators).
REBASELINE = "audit.rebaseline_audit_trail"

GRANTS: dict[Role, set[str]] = {
    Role.CENTRE_SUPERVISOR: {VIEW_AUDIT},
    Role.INSPECTOR: {VIEW_AUDIT},
    Role.AUDITOR: {VIEW_AUDIT},
    Role.ADMINISTRATOR: {REBASELINE},
}
