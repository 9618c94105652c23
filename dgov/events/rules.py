"""Who may do what with trips, events and starts, and what a project needs to start.

A project joins a concentrated start (rule 3 of ``models``) when:
1. it is at the stage 摘牌/供地 (land granted): earlier it has no land, later it has started;
2. its permits are done: the applications filed under its investor's unified social
   credit code in the district are all decided (approval counts; the certificate may still
   be on its way), at least one was approved, and for each
   item the latest application was approved (a denial followed by a new, approved
   application is fine). A project without the investor's code cannot be checked.
"""

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _

from dgov.accounts.access import is_staff
from dgov.events.models import ConcentratedStart
from dgov.events.permissions import MANAGE, VIEW
from dgov.investment.models import Project, Stage
from dgov.lib.rules import Verdict, allow, deny, hide

APPROVED = ("approved", "completed")


def may_manage(user: Any) -> Verdict:
    if not is_staff(user) or not user.has_perm(MANAGE):
        return hide(_("Only investment officers and leaders record trips, events and starts."))
    return allow()


def may_view(user: Any) -> Verdict:
    if not is_staff(user) or not (user.has_perm(VIEW) or user.has_perm(MANAGE)):
        return hide(_("Not for your role."))
    return allow()


def permit_problems(project: Project) -> list[str]:
    """What keeps the project's permits from being done (rule 2), or nothing."""
    from dgov.applications.models import OPEN_STATUSES, Application

    code = (project.investor_credit_code or "").strip().upper()
    if not code:
        return [
            _("%(project)s: the investor's unified social credit code is missing, so its permits cannot be checked.")
            % {"project": project.name}
        ]
    applications = list(
        Application.objects.filter(district_id=project.district_id, applicant__credit_code=code)
        .select_related("item_version")
        .order_by("received_on", "pk")
    )
    if not applications:
        return [_("%(project)s: no permit has been applied for.") % {"project": project.name}]
    problems = []
    latest: dict[int, Any] = {}
    for application in applications:
        latest[application.item_id] = application
        if application.status in OPEN_STATUSES and application.status not in APPROVED:
            problems.append(
                _("%(project)s: %(item)s (%(number)s) is still being handled.")
                % {"project": project.name, "item": application.item_version.name, "number": application.number}
            )
    for application in latest.values():
        if application.status not in APPROVED and application.status not in OPEN_STATUSES:  # denied, refused
            problems.append(
                _("%(project)s: %(item)s was not granted (%(number)s).")
                % {"project": project.name, "item": application.item_version.name, "number": application.number}
            )
    return problems


def start_problems(project: Project) -> list[str]:
    """Why the project cannot join or start in a concentrated start (rules 1–2), or nothing."""
    if project.stage != Stage.LAND:
        return [
            _("%(project)s is at the stage “%(stage)s”: a project starts from “%(land)s”.")
            % {"project": project.name, "stage": project.get_stage_display(), "land": Stage.LAND.label}
        ]
    return permit_problems(project)


def may_hold(user: Any, start: ConcentratedStart, today: dt.date) -> Verdict:
    verdict = may_manage(user)
    if not verdict:
        return verdict
    if start.status != ConcentratedStart.Status.PLANNED:
        return deny(_("The ceremony has been held."))
    if today < start.held_on:
        return deny(_("The ceremony is on %(day)s.") % {"day": start.held_on.isoformat()})
    if not start.entries.exists():
        return deny(_("No project is in this start yet."))
    return allow()
