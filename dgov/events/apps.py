from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "dgov.events"
    verbose_name = _("Investment events and trips")
