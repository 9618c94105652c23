"""Which roles hold this app's permissions (merged by ``accounts.roles.all_role_permissions``).

Sealing written notices is the seal officer's ``certificates.issue_certificate``: one seal,
one custody, for certificates and notices alike."""

from dgov.accounts.roles import Role
from dgov.notices.models import EDIT_TEMPLATES

GRANTS: dict[Role, set[str]] = {Role.ADMINISTRATOR: {EDIT_TEMPLATES}}
