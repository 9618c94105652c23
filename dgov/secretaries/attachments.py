"""Documents staff see through a key project: the files attached to its contact records,
to those who may open the project's page (issue 19 §1). Read by
``Document.objects.visible_to``."""

from typing import Any

from django.db.models import QuerySet


def seen_through(user: Any) -> QuerySet[Any]:
    """The ids of the documents attached to contacts of key projects ``user`` may see."""
    from dgov.investment.models import Project
    from dgov.secretaries.models import Contact
    from dgov.secretaries.permissions import VIEW_SERVICE

    attached = Contact.attachments.through.objects
    if not user.has_perm(VIEW_SERVICE):
        return attached.none().values("document_id")
    projects = Project.objects.visible_to(user).filter(is_key=True)
    return attached.filter(contact__project__in=projects).values("document_id")
