from django.utils.translation import gettext_lazy as _

from dgov.lib.nav import Link

LINKS = [Link(_("My exports"), "exports:mine")]
