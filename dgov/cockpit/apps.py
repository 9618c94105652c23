from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CockpitConfig(AppConfig):
    name = "dgov.cockpit"
    verbose_name = _("Figures, the leaders' cockpit and open data")
