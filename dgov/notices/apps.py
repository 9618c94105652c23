from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NoticesConfig(AppConfig):
    name = "dgov.notices"
    verbose_name = _("Written notices")

    def ready(self) -> None:
        # The applicant opening the copy in their document locker is served as well.
        from dgov.documents.signals import document_opened
        from dgov.notices.service import opened_in_locker

        document_opened.connect(opened_in_locker, dispatch_uid="notices.opened_in_locker")
