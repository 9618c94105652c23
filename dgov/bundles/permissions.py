"""Who may do what with bundles (merged into the role groups at every migrate)."""

from dgov.accounts.roles import Role

GRANTS: dict[Role, set[str]] = {
    # Administrators define the bundles.
    Role.ADMINISTRATOR: {"bundles.manage_bundles"},
    # Art. 42 para. 2: the extension of a joint limit is approved at district-government level.
    Role.DISTRICT_LEADER: {"bundles.extend_bundle"},
}
