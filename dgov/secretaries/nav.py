from django.utils.translation import gettext_lazy as _

from dgov.lib.nav import Link
from dgov.secretaries.permissions import HANDLE_ISSUE, VIEW_GREEN, VIEW_SERVICE

LINKS = [
    Link(_("Key projects and secretaries"), "secretaries:projects", VIEW_SERVICE),
    Link(_("Overdue contacts"), "secretaries:overdue", VIEW_SERVICE),
    Link(_("Enterprise issues"), "secretaries:issues", HANDLE_ISSUE),
    Link(_("Enterprise issues"), "secretaries:issues", VIEW_SERVICE),
    Link(_("Visits and meetings"), "secretaries:engagements", VIEW_SERVICE),
    Link(_("Secretaries' scorecard"), "secretaries:scorecard", VIEW_SERVICE),
    Link(_("Green channel"), "secretaries:green", VIEW_GREEN),
]
