from django.utils.translation import gettext_lazy as _

from dgov.lib.nav import Link

# Every staff member reads the calendar; editing it needs workdays.edit_calendar.
LINKS = [Link(_("Working-day calendar"), "workdays:index")]
