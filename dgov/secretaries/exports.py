"""The contacts with key projects as CSV / .xlsx (``dgov.lib.exports``): the projects the
person sees on the project list; names and free text masked as on the pages."""

from typing import Any

from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from dgov.accounts.access import is_staff
from dgov.accounts.models import User
from dgov.lib.exports import Column, Export
from dgov.lib.rules import Verdict, allow, hide
from dgov.secretaries.models import Contact, Secretaryship
from dgov.secretaries.permissions import VIEW_SERVICE


def may_read(user: User) -> Verdict:
    if is_staff(user) and user.has_perm(VIEW_SERVICE):
        return allow()
    return hide(_("Your role does not see the project service."))


def contacts(user: User, query: QueryDict) -> Any:
    projects = Secretaryship.objects.visible_to(user)
    if query.get("everyone") not in ("on", "1", "true"):
        from dgov.accounts.roles import Role

        if user.has_role(Role.PROJECT_SECRETARY) or user.has_role(Role.DISTRICT_LEADER):
            projects = projects.of_person(user)
    return (
        Contact.objects.visible_to(user)
        .filter(project_id__in=projects.values("project_id"))
        .select_related("project", "secretary")
        .order_by("-on", "-pk")
    )


EXPORTS = [
    Export(
        "secretaries.contacts",
        _("Contacts with key projects"),
        may_read,
        contacts,
        [
            Column(_("Date"), lambda c: c.on),
            Column(_("Project"), lambda c: c.project.name),
            Column(_("Secretary"), lambda c: c.secretary.full_name or c.secretary.username),
            Column(_("Method"), lambda c: c.get_method_display()),
            Column(_("Who took part"), lambda c: c.masked_people),
            Column(_("What was discussed"), lambda c: c.masked_discussion),
            Column(_("Issues raised"), lambda c: c.masked_issues_raised),
            Column(_("Confirmed by the enterprise at"), lambda c: c.confirmed_at),
            Column(_("Counts toward the weekly rule"), lambda c: c.counts),
        ],
    )
]
