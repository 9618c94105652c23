from django.utils.translation import gettext_lazy as _

from dgov.accounts.roles import ACCEPT, DECIDE, REVIEW
from dgov.lib.nav import Link

LINKS = [
    Link(_("Window: accept applications"), "applications:queue", ACCEPT),
    Link(_("Review queue"), "applications:queue", REVIEW),
    Link(_("Approval queue"), "applications:queue", DECIDE),
    Link(_("Register a walk-in application"), "applications:window_new", ACCEPT),
]
