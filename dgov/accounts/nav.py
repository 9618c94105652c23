from django.utils.translation import gettext_lazy as _

from dgov.accounts.roles import ADD_APPLICANT, MANAGE_STAFF, VIEW_APPLICANTS
from dgov.lib.nav import Link

LINKS = [
    Link(_("Applicants"), "accounts:applicants", VIEW_APPLICANTS),
    Link(_("Register an applicant"), "accounts:applicant_create", ADD_APPLICANT),
    Link(_("Staff accounts"), "accounts:staff", MANAGE_STAFF),
]
