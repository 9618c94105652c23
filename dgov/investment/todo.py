"""Investment projects idle too long in their stage, for the staff home's to-do
(``dgov.lib.todo``): an officer their own, others with the pipeline view the district's."""

import datetime as dt
from typing import Any

from django.db.models import Case, CharField, Value, When
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from dgov.accounts.roles import Role
from dgov.investment.models import Project, stage_settings
from dgov.investment.permissions import VIEW_PIPELINE
from dgov.investment.reports import idle_filter
from dgov.lib.todo import Entry, Queue, measure
from dgov.workdays.lights import Light


def entry(project: Project) -> Entry:
    return Entry(
        name=project.name,
        url=reverse("investment:project", args=[project.pk]),
        since=project.stage_entered_on,
    )


def queues(user: Any, today: dt.date) -> list[Queue]:
    if not user.has_perm(VIEW_PIPELINE) or user.district_id is None:
        return []
    table = stage_settings(user.district_id)
    rows = Project.objects.visible_to(user).open()
    if user.has_role(Role.INVESTMENT_OFFICER):
        rows = rows.filter(owner=user)
    # Not a deadline: the stage's own idle settings (``Project.idle_flag``), yellow then red.
    idle = Case(
        When(idle_filter(table, today, "red"), then=Value(Light.RED.value)),
        When(idle_filter(table, today, "yellow"), then=Value(Light.YELLOW.value)),
        default=Value(Light.GREEN.value),
        output_field=CharField(),
    )
    return [
        measure(
            _("Projects idle too long in their stage"),
            reverse("investment:pipeline"),
            rows.filter(idle_filter(table, today, "yellow")),
            today=today,
            since="stage_entered_on",
            entry=entry,
            light=idle,
        )
    ]
