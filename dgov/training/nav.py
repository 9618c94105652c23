from django.utils.translation import gettext_lazy as _

from dgov.lib.nav import Link
from dgov.training.permissions import MANAGE, VIEW_HOURS

LINKS = [
    Link(_("My training"), "training:mine"),
    Link(_("Training plan"), "training:courses", MANAGE),
    Link(_("Training hours"), "training:hours", VIEW_HOURS),
    Link(_("Campaign activities"), "training:activities", MANAGE),
    Link(_("Campaign activities"), "training:activities", VIEW_HOURS),
]
