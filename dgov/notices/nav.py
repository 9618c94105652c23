from django.utils.translation import gettext_lazy as _

from dgov.accounts.roles import ISSUE_CERTIFICATE
from dgov.lib.nav import Link
from dgov.notices.models import EDIT_TEMPLATES

LINKS = [
    Link(_("Written notices to seal"), "notices:queue", ISSUE_CERTIFICATE),
    Link(_("Wording of written notices"), "notices:templates", EDIT_TEMPLATES),
]
