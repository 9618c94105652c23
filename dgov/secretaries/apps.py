from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SecretariesConfig(AppConfig):
    name = "dgov.secretaries"
    verbose_name = _("Project secretaries")

    def ready(self) -> None:
        # A green-channel case follows its application in the transaction of each transition.
        from dgov.applications import loading
        from dgov.applications.signals import application_moved
        from dgov.secretaries.signals import GREEN_OF_SQL
        from dgov.secretaries.signals import application_moved as follow

        application_moved.connect(follow, dispatch_uid="secretaries.green_channel")
        loading.add_fact("green", GREEN_OF_SQL, follower=True)
