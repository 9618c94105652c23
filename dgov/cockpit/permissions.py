from dgov.accounts.roles import Role

VIEW_COCKPIT = "cockpit.view_cockpit"

GRANTS: dict[Role, set[str]] = {
    Role.DISTRICT_LEADER: {VIEW_COCKPIT},
    Role.CENTRE_SUPERVISOR: {VIEW_COCKPIT},
    Role.UNIT_HEAD: {VIEW_COCKPIT},  # the own unit's figures only (views.own_unit)
}
