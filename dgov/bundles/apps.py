from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BundlesConfig(AppConfig):
    name = "dgov.bundles"
    verbose_name = _("Several licences in one application")

    def ready(self) -> None:
        # A bundle follows its parts in the transaction of each part's transition.
        from dgov.applications import loading
        from dgov.applications.signals import application_moved
        from dgov.bundles.actions import PART_OF_SQL
        from dgov.bundles.signals import part_moved

        application_moved.connect(part_moved, dispatch_uid="bundles.part_moved")
        # Which bundle, if any, an application is a part of: read with the application.
        loading.add_fact("part_of_bundle", PART_OF_SQL, follower=True)
