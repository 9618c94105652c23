from django.utils.translation import gettext_lazy as _

from dgov.lib.nav import Link
from dgov.policies.permissions import GRANT, MANAGE, VIEW

LINKS = [
    Link(_("Policy library"), "policies:library", VIEW),
    Link(_("Policy library"), "policies:library", GRANT),
    Link(_("Import policies"), "policies:import", MANAGE),
    Link(_("Grants of policies"), "policies:grants", VIEW),
]
