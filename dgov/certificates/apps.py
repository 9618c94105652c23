from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificatesConfig(AppConfig):
    name = "dgov.certificates"
    verbose_name = _("E-certificates")

    def ready(self) -> None:
        from dgov.lib import links  # noqa: F401 — registers the public address check
