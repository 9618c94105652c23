from django.utils.translation import gettext_lazy as _

from dgov.cockpit.permissions import VIEW_COCKPIT
from dgov.lib.nav import Link

LINKS = [Link(_("Cockpit"), "cockpit:cockpit", VIEW_COCKPIT)]
