"""Staff roles as groups with explicit permissions.

Each role is a ``Group`` named by its code; ``sync_roles`` makes the groups' permissions
exactly what the apps' ``permissions.py`` grant (run after every migrate), so one merged
table answers "who may do what". The permission names other apps import live here.
"""

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    WINDOW_CLERK = "window_clerk", _("Window clerk")
    REVIEWER = "reviewer", _("Reviewer")
    DEPARTMENT_APPROVER = "department_approver", _("Department approver")
    SEAL_OFFICER = "seal_officer", _("Seal officer")
    CENTRE_SUPERVISOR = "centre_supervisor", _("Service-centre supervisor")
    PROJECT_SECRETARY = "project_secretary", _("Project secretary")
    INVESTMENT_OFFICER = "investment_officer", _("Investment officer")
    HIRED_AGENT = "hired_agent", _("Hired agent")
    ENTERPRISE_SERVICE = "enterprise_service", _("Enterprise service officer")
    FUND_MANAGER = "fund_manager", _("Guidance-fund manager")
    INSPECTOR = "inspector", _("Inspector")
    UNIT_HEAD = "unit_head", _("Unit head")
    DISTRICT_LEADER = "district_leader", _("District leader")
    AUDITOR = "auditor", _("Auditor")
    ADMINISTRATOR = "administrator", _("Administrator")


# Roles whose powers reach only their own department's records.
DEPARTMENT_SCOPED = frozenset({Role.REVIEWER, Role.DEPARTMENT_APPROVER, Role.UNIT_HEAD})

REVEAL = "accounts.reveal_personal_data"
VIEW_APPLICANTS = "accounts.view_applicant"
ADD_APPLICANT = "accounts.add_applicant"
MANAGE_STAFF = "accounts.manage_staff"
VIEW_AUDIT = "audit.view_audit_trail"
EDIT_CALENDAR = "workdays.edit_calendar"
MANAGE_CATALOGUE = "services.manage_catalogue"
VIEW_DOCUMENTS = "documents.view_document"
ACCEPT = "applications.accept_application"
REVIEW = "applications.review_application"
DECIDE = "applications.decide_application"
EXTEND = "applications.extend_time_limit"
STOP_CLOCK = "applications.stop_clock"
ISSUE_CERTIFICATE = "certificates.issue_certificate"
CHANGE_CERTIFICATE_STATUS = "certificates.change_certificate_status"


def all_role_permissions() -> dict[str, set[str]]:
    """Every role's permissions: the union of the ``GRANTS`` of each app's
    ``permissions.py`` (discovered over ``INSTALLED_APPS``)."""
    from dgov.lib.plugins import discover

    merged: dict[str, set[str]] = {role: set() for role in Role}
    for _app, module in discover("permissions"):
        for role, perms in module.GRANTS.items():
            merged[role] |= set(perms)
    return merged


def sync_roles(using: str = "default") -> None:
    from django.contrib.auth.models import Group, Permission

    table = all_role_permissions()
    for role in Role:
        group, _created = Group.objects.using(using).get_or_create(name=role.value)
        wanted = []
        for dotted in sorted(table[role]):
            app_label, codename = dotted.split(".")
            wanted.append(Permission.objects.using(using).get(content_type__app_label=app_label, codename=codename))
        group.permissions.set(wanted)


def sync_roles_after_migrate(using: str = "default", **kwargs: Any) -> None:
    from django.apps import apps
    from django.contrib.auth.management import create_permissions

    # Permissions of every app must exist before the groups point at them.
    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=using)
    sync_roles(using)
