from django.utils.translation import gettext_lazy as _

from dgov.investment.permissions import MANAGE_POLICY, SUBMIT_LEAD, VIEW_PIPELINE
from dgov.lib.nav import Link

LINKS = [
    Link(_("Investment pipeline"), "investment:pipeline", VIEW_PIPELINE),
    Link(_("Investment charts"), "investment:charts", VIEW_PIPELINE),
    Link(_("Resident offices"), "investment:offices", VIEW_PIPELINE),
    Link(_("Hired agents"), "investment:agents", VIEW_PIPELINE),
    Link(_("Parks and land"), "investment:parks", VIEW_PIPELINE),
    Link(_("My leads"), "investment:my_leads", SUBMIT_LEAD),
    Link(_("Investment settings"), "investment:policy", MANAGE_POLICY),
]
