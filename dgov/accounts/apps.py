from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "dgov.accounts"
    verbose_name = _("People and organisation")

    def ready(self) -> None:
        from dgov.accounts import roles, signals  # noqa: F401  (connects login auditing)

        post_migrate.connect(roles.sync_roles_after_migrate, sender=self)
