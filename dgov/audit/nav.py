from django.utils.translation import gettext_lazy as _

from dgov.accounts.roles import VIEW_AUDIT
from dgov.lib.nav import Link

LINKS = [Link(_("Audit trail"), "audit:entries", VIEW_AUDIT)]
