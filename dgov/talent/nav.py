from django.utils.translation import gettext_lazy as _

from dgov.lib.nav import Link
from dgov.talent.permissions import AWARD, VIEW

LINKS = [
    Link(_("Talent register"), "talent:register", VIEW),
    Link(_("Talent programmes"), "talent:programmes", VIEW),
    Link(_("Talent programmes"), "talent:programmes", AWARD),
    Link(_("Talent figures"), "talent:figures", VIEW),
]
