from django.utils.translation import gettext_lazy as _

from dgov.events.permissions import MANAGE, VIEW
from dgov.lib.nav import Link

LINKS = [
    Link(_("Investment trips and events"), "events:events", VIEW),
    Link(_("Target enterprises"), "events:targets", VIEW),
    Link(_("Follow-ups due"), "events:follow_ups", VIEW),
    Link(_("Concentrated starts"), "events:starts", VIEW),
    Link(_("Investment trips and events"), "events:events", MANAGE),
]
