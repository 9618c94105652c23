from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    name = "dgov.ops"
    verbose_name = _("Operations")

    def ready(self) -> None:
        from dgov.ops import checks, metrics  # noqa: F401 — registers the checks and the metric signals

        metrics.connect_signals()
