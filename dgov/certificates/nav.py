from django.utils.translation import gettext_lazy as _

from dgov.accounts.roles import ISSUE_CERTIFICATE
from dgov.lib.nav import Link

LINKS = [
    Link(_("Certificates to issue"), "certificates:issue_queue", ISSUE_CERTIFICATE),
]
