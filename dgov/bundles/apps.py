from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BundlesConfig(AppConfig):
    name = "dgov.bundles"
    verbose_name = _("Several licences in one application")
