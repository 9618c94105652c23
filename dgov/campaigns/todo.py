"""Campaign tasks and problem-list items, for the staff home's to-do (``dgov.lib.todo``):
the inspector and the leader watch the district's, a unit head their unit's."""

import datetime as dt
from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from dgov.campaigns.models import KIND, REPORT, VIEW_BOARD, Problem, Status, Task
from dgov.lib.todo import Entry, Queue, measure


def task_entry(task: Task) -> Entry:
    return Entry(
        name=f"{task.number} · {task.form}",
        url=reverse("campaigns:task", args=[task.pk]),
        due=task.due_on,
        since=task.original_due_on,
    )


def problem_entry(problem: Problem) -> Entry:
    return Entry(
        name=f"{problem.unit.name} · {problem.problem[:40]}",
        url=reverse("campaigns:problem", args=[problem.pk]),
        due=problem.due_on,
        since=problem.original_due_on,
    )


def queues(user: Any, today: dt.date) -> list[Queue]:
    if user.district_id is None:
        return []
    tasks = Task.objects.visible_to(user).filter(status=Status.OPEN)
    problems = Problem.objects.filter(campaign__district_id=user.district_id).exclude(state=Problem.State.CLOSED)
    if user.has_perm(VIEW_BOARD):
        url, task_label, problem_label = reverse("campaigns:index"), _("Campaign tasks"), _("Problems being rectified")
    elif user.has_perm(REPORT) and user.department_id is not None:
        unit = user.department_id
        co_tasks = Task.co_units.through.objects.filter(department_id=unit).values("task_id")
        tasks = tasks.filter(Q(lead_unit_id=unit) | Q(pk__in=co_tasks))
        problems = problems.filter(unit_id=unit)
        url, task_label, problem_label = (
            reverse("campaigns:mine"),
            _("My unit's campaign tasks"),
            _("My unit's problems"),
        )
    else:
        return []
    # The deadline light of the task table (kind "campaign"); a red card is on the board.
    return [
        measure(
            task_label,
            url,
            tasks,
            today=today,
            since="original_due_on",
            entry=task_entry,
            due="due_on",
            kind=KIND,
        ),
        measure(
            problem_label,
            url,
            problems.select_related("unit"),
            today=today,
            since="original_due_on",
            entry=problem_entry,
            due="due_on",
            kind=KIND,
        ),
    ]
