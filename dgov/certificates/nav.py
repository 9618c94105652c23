from django.utils.translation import gettext_lazy as _

from dgov.accounts.roles import ISSUE_CERTIFICATE, VIEW_AUDIT
from dgov.lib.nav import Link

LINKS = [
    Link(_("Certificates to issue"), "certificates:issue_queue", ISSUE_CERTIFICATE),
    Link(_("Seal ledger"), "certificates:ledger", ISSUE_CERTIFICATE),
    Link(_("Seal ledger"), "certificates:ledger", VIEW_AUDIT),
]
