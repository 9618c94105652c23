"""A campaign's task table and problem lists as CSV / .xlsx (``dgov.lib.exports``):
``?campaign=<id>`` (and ``unit=<id>``). Inspectors and leaders see every unit, a unit
head only the own unit."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import QueryDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dgov.accounts.access import is_staff
from dgov.accounts.models import User
from dgov.campaigns.models import REPORT, SUPERVISE, VIEW_BOARD, Campaign, Problem, Task
from dgov.lib import clock
from dgov.lib.exports import Column, Export
from dgov.lib.rules import Verdict, allow, hide


def may_read(user: User) -> Verdict:
    if is_staff(user) and (user.has_perm(VIEW_BOARD) or user.has_perm(SUPERVISE) or user.has_perm(REPORT)):
        return allow()
    return hide(gettext_lazy("Your role does not take part in campaigns."))


def _number(query: QueryDict, name: str) -> int | None:
    value = (query.get(name) or "").strip()
    if not value:
        return None
    if not value.isascii() or not value.isdigit() or len(value) > 18:
        raise ValidationError(_("“%(value)s” is not a %(name)s number.") % {"value": value[:20], "name": name})
    return int(value)


def _scope(user: User, query: QueryDict) -> tuple[Campaign, int | None]:
    pk = _number(query, "campaign")
    if pk is None:
        raise ValidationError(_("Choose the campaign to export."))
    campaign = Campaign.objects.visible_to(user).filter(pk=pk).first()
    if campaign is None:
        raise ValidationError(_("There is no campaign %(pk)s in your district.") % {"pk": pk})
    unit = _number(query, "unit")
    if not (user.has_perm(VIEW_BOARD) or user.has_perm(SUPERVISE)):
        if unit not in (None, user.department_id):
            raise PermissionDenied(_("You see your own unit's tasks and problems only."))
        unit = user.department_id
    return campaign, unit


def tasks(user: User, query: QueryDict) -> Any:
    campaign, unit = _scope(user, query)
    found = Task.objects.filter(campaign=campaign)
    if unit is not None:
        co_tasks = Task.co_units.through.objects.filter(department_id=unit).values("task_id")
        found = found.filter(Q(lead_unit_id=unit) | Q(pk__in=co_tasks))
    return found.select_related("lead_unit", "campaign").order_by("number")


def problems(user: User, query: QueryDict) -> Any:
    campaign, unit = _scope(user, query)
    found = Problem.objects.filter(campaign=campaign)
    if unit is not None:
        found = found.filter(unit_id=unit)
    return found.select_related("unit").order_by("unit__code", "pk")


EXPORTS = [
    Export(
        "campaigns.tasks",
        gettext_lazy("Campaign tasks"),
        may_read,
        tasks,
        [
            Column(gettext_lazy("Number"), lambda t: t.number),
            Column(gettext_lazy("Task content"), lambda t: t.content),
            Column(gettext_lazy("Lead unit"), lambda t: t.lead_unit.name),
            Column(gettext_lazy("Deadline"), lambda t: t.due_on),
            Column(gettext_lazy("Original deadline"), lambda t: t.original_due_on),
            Column(gettext_lazy("Progress (%)"), lambda t: t.progress),
            Column(gettext_lazy("Status"), lambda t: t.get_status_display()),
            Column(gettext_lazy("Light"), lambda t: t.light(clock.today()).label),
            Column(gettext_lazy("Red card"), lambda t: t.red_carded),
            Column(gettext_lazy("Closed on"), lambda t: t.closed_on),
        ],
    ),
    Export(
        "campaigns.problems",
        gettext_lazy("Problem lists"),
        may_read,
        problems,
        [
            Column(gettext_lazy("Unit"), lambda p: p.unit.name),
            Column(gettext_lazy("Problem"), lambda p: p.problem),
            Column(gettext_lazy("Root cause"), lambda p: p.root_cause),
            Column(gettext_lazy("Rectification measures"), lambda p: p.measures),
            Column(gettext_lazy("Deadline"), lambda p: p.due_on),
            Column(gettext_lazy("Original deadline"), lambda p: p.original_due_on),
            Column(gettext_lazy("Person responsible"), lambda p: p.responsible),
            Column(gettext_lazy("Status"), lambda p: p.get_state_display()),
            Column(gettext_lazy("Closed on"), lambda p: p.closed_on),
        ],
    ),
]
