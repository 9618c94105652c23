from django.utils.translation import gettext_lazy as _

from dgov.accounts.roles import ACCEPT
from dgov.lib.nav import Link
from dgov.ratings.permissions import MANAGE_POLICY, VIEW_COMPETITION, VIEW_RATINGS

LINKS = [
    Link(_("Ratings at my window"), "ratings:window", ACCEPT),
    Link(_("Rectifications of bad ratings"), "ratings:rectifications", VIEW_RATINGS),
    Link(_("Window competition"), "ratings:competition", VIEW_COMPETITION),
    Link(_("Rating policy"), "ratings:policy", MANAGE_POLICY),
]
