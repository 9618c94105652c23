from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RatingsConfig(AppConfig):
    name = "dgov.ratings"
    verbose_name = _("Service ratings and the window competition")
