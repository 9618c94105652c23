from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApplicationsConfig(AppConfig):
    name = "dgov.applications"
    verbose_name = _("Applications")

    def ready(self) -> None:
        # The system check of the hot path's hand-written SQL (decision 0011).
        from dgov.lib import fastsql  # noqa: F401
