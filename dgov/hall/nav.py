from django.utils.translation import gettext_lazy as _

from dgov.hall.permissions import CALL, MANAGE, VIEW_FIGURES
from dgov.lib.nav import Link

LINKS = [
    Link(_("Hall: my window"), "hall:window", CALL),
    Link(_("Hall set-up and slots"), "hall:setup", MANAGE),
    Link(_("Hall figures"), "hall:figures", VIEW_FIGURES),
    Link(_("Hall screen"), "hall:display", MANAGE),
]
