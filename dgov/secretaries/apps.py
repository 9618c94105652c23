from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SecretariesConfig(AppConfig):
    name = "dgov.secretaries"
    verbose_name = _("Project secretaries")
