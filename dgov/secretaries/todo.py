"""A secretary's enterprise issues and weekly contacts, for the staff home's to-do
(``dgov.lib.todo``)."""

import datetime as dt
from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from dgov.lib.todo import Entry, Queue, measure
from dgov.secretaries.models import EnterpriseIssue, Secretaryship
from dgov.secretaries.permissions import HANDLE_ISSUE, VIEW_SERVICE
from dgov.secretaries.rules import issues_for


def issue_entry(issue: EnterpriseIssue) -> Entry:
    return Entry(
        name=f"{issue.project.name} · {issue.title}",
        url=reverse("secretaries:issue", args=[issue.pk]),
        due=issue.deadline.due_date,
        since=issue.raised_on,
    )


def contact_entry(secretaryship: Secretaryship) -> Entry:
    return Entry(
        name=secretaryship.project.name,
        url=reverse("secretaries:project", args=[secretaryship.project_id]),
        since=secretaryship.last_contact_on,
    )


def queues(user: Any, today: dt.date) -> list[Queue]:
    if not (user.has_perm(VIEW_SERVICE) or user.has_perm(HANDLE_ISSUE)):
        return []
    found: list[Queue] = []
    mine = Secretaryship.objects.visible_to(user).of_person(user)
    issues = issues_for(user).open().select_related("project", "deadline")
    answers_for = mine.exists()
    if answers_for:
        # A secretary (or responsible leader) works from the issues of their own projects.
        issues = issues.filter(Q(project__secretaryship__secretary=user) | Q(project__secretaryship__leader=user))
    found.append(
        measure(
            _("Enterprise issues"),
            reverse("secretaries:issues"),
            issues,
            today=today,
            since="raised_on",
            entry=issue_entry,
            due="deadline__due_date",
            kind="secretary",
            stopped=Q(deadline__stopped_since__isnull=False),
        )
    )
    if answers_for and user.has_perm(VIEW_SERVICE):
        # The weekly contact is counted in days since the last one, not against a due date:
        # every row here is already overdue (``Secretaryship.overdue``).
        found.append(
            measure(
                _("Projects overdue for their weekly contact"),
                reverse("secretaries:overdue"),
                mine.overdue(today).select_related("project"),
                today=today,
                since="last_contact_on",
                entry=contact_entry,
            )
        )
    return found
