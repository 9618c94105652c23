from django.utils.translation import gettext_lazy as _

from dgov.campaigns.models import REPORT, VIEW_BOARD
from dgov.lib.nav import Link

LINKS = [
    Link(_("Campaign supervision"), "campaigns:index", VIEW_BOARD),
    Link(_("My unit in the campaigns"), "campaigns:mine", REPORT),
]
