from django.utils.translation import gettext_lazy as _

from dgov.financing.permissions import MANAGE_BANKS, SUPERVISE, VIEW
from dgov.lib.nav import Link

LINKS = [
    Link(_("Financing needs"), "financing:needs", VIEW),
    Link(_("Financing needs"), "financing:needs", SUPERVISE),
    Link(_("Banks and products"), "financing:banks", MANAGE_BANKS),
    Link(_("Financing figures"), "financing:report", VIEW),
]
