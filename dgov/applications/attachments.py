"""Documents staff see through an application: the files of its materials, to exactly
those who may see the case and hold the view-document permission (issue 19 §1). Read by
``Document.objects.visible_to``."""

from typing import Any

from django.db.models import QuerySet


def seen_through(user: Any) -> QuerySet[Any]:
    """The ids of the documents attached to an application ``user`` may see."""
    from dgov.applications.models import Application, SubmittedMaterial
    from dgov.documents.models import VIEW_DOCUMENT

    if not user.has_perm(VIEW_DOCUMENT):
        return SubmittedMaterial.objects.none().values("document_id")
    return SubmittedMaterial.objects.filter(
        application__in=Application.objects.visible_to(user), document__isnull=False
    ).values("document_id")
