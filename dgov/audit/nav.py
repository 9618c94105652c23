from django.utils.translation import gettext_lazy as _

from dgov.accounts.roles import VIEW_AUDIT
from dgov.audit.permissions import REBASELINE
from dgov.lib.nav import Link

LINKS = [
    Link(_("Audit trail"), "audit:entries", VIEW_AUDIT),
    Link(_("Re-baseline after a restore"), "audit:rebaseline", REBASELINE),
]
