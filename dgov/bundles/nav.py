from django.utils.translation import gettext_lazy as _

from dgov.accounts.roles import ACCEPT, ISSUE_CERTIFICATE
from dgov.lib.nav import Link

# One list for every hand a bundle passes through; a user sees the first link they may use.
LINKS = [
    Link(_("Bundle intake (N licences in one application)"), "bundles:intake", ACCEPT),
    Link(_("Bundles to issue together"), "bundles:intake", ISSUE_CERTIFICATE),
    Link(_("Bundle time limits"), "bundles:intake", "bundles.extend_bundle"),
    Link(_("Define bundles"), "bundles:manage", "bundles.manage_bundles"),
]
