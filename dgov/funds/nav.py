from django.utils.translation import gettext_lazy as _

from dgov.funds.permissions import MANAGE, VIEW
from dgov.lib.nav import Link

LINKS = [
    Link(_("Guidance fund"), "funds:index", VIEW),
    Link(_("Guidance fund"), "funds:index", MANAGE),
]
