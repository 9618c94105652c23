"""A campaign's task table (任务分解表) as one .xlsx sheet, out and back in.

Sheet ``tasks``, one header row: number, parent, form, content, measures, deadline,
lead_unit, co_units, weight. ``parent`` is the number of the parent task (blank at the
top level) and must come earlier in the file or already be in the table; units are
department codes, co-units separated by commas; ``deadline`` is a date (a date cell or
YYYY-MM-DD); ``weight`` is blank or a positive number, and siblings are either all
weighted or none.

Import reads everything first and reports every problem with its row and column
(``dgov.lib.xlsx.ImportRejected``); only a file without problems is imported (in one
transaction). A row whose number is already in
the table updates that task's text, units and weight; its deadline changes only through
an extension, so a different deadline is a problem. Exporting and importing again
changes nothing (a text that a spreadsheet would run as a formula is exported with a
leading apostrophe, and stays so).
"""

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from dgov.accounts.models import Department, User
from dgov.audit.trail import record
from dgov.campaigns.models import Campaign, Event, Task
from dgov.campaigns.rules import may_import_tasks
from dgov.lib import clock
from dgov.lib.rules import enforce
from dgov.lib.xlsx import ImportRejected, Problems, Sheet, read_sheet

COLUMNS = ["number", "parent", "form", "content", "measures", "deadline", "lead_unit", "co_units", "weight"]
SHEET = "tasks"
MAX_ROWS = 20_000
_SPLIT = re.compile(r"[,，、;；\s]+")


@dataclass
class ParsedTask:
    row: int
    number: str
    parent: str
    form: str
    content: str
    measures: str
    deadline: dt.date
    lead_unit: Department
    co_units: list[Department] = field(default_factory=list)
    weight: Decimal | None = None


@dataclass
class ImportResult:
    created: list[Task] = field(default_factory=list)
    updated: list[Task] = field(default_factory=list)
    unchanged: int = 0


def task_sheet(campaign: Campaign) -> Sheet:
    """The task table as the sheet that ``parse_tasks`` reads back."""
    tasks = (
        Task.objects.filter(campaign=campaign)
        .select_related("parent", "lead_unit")
        .prefetch_related("co_units")
        .order_by("number")
    )

    def rows() -> Iterator[list[Any]]:
        for task in _parents_first(list(tasks)):
            yield [
                task.number,
                task.parent.number if task.parent else "",
                task.form,
                task.content,
                task.measures,
                task.due_on,
                task.lead_unit.code,
                ",".join(sorted(unit.code for unit in task.co_units.all())),
                float(task.weight) if task.weight is not None else None,
            ]

    return Sheet(SHEET, COLUMNS, rows())


def _parents_first(tasks: list[Task]) -> list[Task]:
    by_parent: dict[int | None, list[Task]] = {}
    for task in tasks:
        by_parent.setdefault(task.parent_id, []).append(task)
    ordered: list[Task] = []
    stack = list(reversed(by_parent.get(None, [])))
    while stack:
        task = stack.pop()
        ordered.append(task)
        stack.extend(reversed(by_parent.get(task.pk, [])))
    return ordered


class _Reader:
    """Reads the cells of one file, reporting each problem with its row and column."""

    def __init__(self, campaign: Campaign) -> None:
        self.problems = Problems()
        self.units = {d.code: d for d in Department.objects.filter(district_id=campaign.district_id)}

    def problem(self, row: int, column: str, message: str) -> None:
        self.problems.add(row, column, message)

    @staticmethod
    def text(value: Any) -> str:
        return "" if value is None else str(value).strip()

    def required(self, row: int, column: str, value: Any, limit: int) -> str:
        text = self.text(value)
        if not text:
            self.problem(row, column, _("this column must not be empty."))
        elif len(text) > limit:
            self.problem(row, column, _("at most %(limit)s characters.") % {"limit": limit})
        return text

    def date(self, row: int, column: str, value: Any) -> dt.date | None:
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(self.text(value))
        except ValueError:
            self.problem(
                row, column, _("a date such as 2018-11-15 is needed, not “%(value)s”.") % {"value": self.text(value)}
            )
            return None

    def unit(self, row: int, column: str, code: str) -> Department | None:
        unit = self.units.get(code)
        if unit is None:
            self.problem(row, column, _("no unit has the code “%(code)s”.") % {"code": code})
        return unit

    def weight(self, row: int, column: str, value: Any) -> Decimal | None:
        text = self.text(value)
        if not text:
            return None
        try:
            # Round first: 9999.995 becomes 10000.00, which the column cannot hold.
            weight = Decimal(text).quantize(Decimal("0.01"))
            if not Decimal(0) < weight < Decimal(10000):
                raise InvalidOperation
        except InvalidOperation:
            self.problem(row, column, _("a positive number is needed, not “%(value)s”.") % {"value": text})
            return None
        return weight


def _closed_parent_message(parent: str) -> str:
    return _("task %(number)s is closed; a closed task gets no new subtask.") % {"number": parent}


def parse_tasks(content: bytes, campaign: Campaign) -> list[ParsedTask]:
    """Read a workbook; raise ``ImportRejected`` listing every problem."""
    reader = _Reader(campaign)
    existing = {t.number: t for t in Task.objects.filter(campaign=campaign).select_related("parent")}
    parsed: list[ParsedTask] = []
    seen: dict[str, ParsedTask] = {}
    for number, found in read_sheet(content, SHEET, required=COLUMNS, max_rows=MAX_ROWS):
        # A sheet without <dimension> gives short rows: a missing cell is a blank one.
        row = {column: found.get(column) for column in COLUMNS}
        task_number = reader.required(number, "number", row["number"], 20).removesuffix(".0")
        if task_number in seen:
            reader.problem(number, "number", _("the number %(number)s is listed twice.") % {"number": task_number})
        parent = reader.text(row["parent"]).removesuffix(".0")
        if parent and parent not in seen and parent not in existing:
            reader.problem(
                number,
                "parent",
                _("the parent %(number)s is neither above this row nor in the table.") % {"number": parent},
            )
        known = existing.get(task_number)
        if known is not None and (known.parent.number if known.parent else "") != parent:
            reader.problem(number, "parent", _("a task's parent cannot change."))
        closed_parent = existing.get(parent)
        if known is None and closed_parent is not None and not closed_parent.is_open:
            reader.problem(number, "parent", _closed_parent_message(parent))
        form = reader.required(number, "form", row["form"], 200)
        text = reader.required(number, "content", row["content"], 5000)
        deadline = reader.date(number, "deadline", row["deadline"])
        if known is not None and deadline is not None and deadline != known.due_on:
            reader.problem(
                number,
                "deadline",
                _("the deadline of task %(number)s is %(date)s; it changes only through an extension.")
                % {"number": task_number, "date": known.due_on},
            )
        lead = reader.unit(number, "lead_unit", reader.text(row["lead_unit"]))
        co_units = [
            reader.unit(number, "co_units", code) for code in _SPLIT.split(reader.text(row["co_units"])) if code
        ]
        weight = reader.weight(number, "weight", row["weight"])
        if deadline is None or lead is None or None in co_units or not (task_number and form and text):
            continue
        item = ParsedTask(
            row=number,
            number=task_number,
            parent=parent,
            form=form,
            content=text,
            measures=reader.text(row["measures"]),
            deadline=deadline,
            lead_unit=lead,
            co_units=[u for u in co_units if u is not None and u != lead],
            weight=weight,
        )
        seen.setdefault(task_number, item)
        parsed.append(item)
    siblings: dict[str, list[ParsedTask]] = {}
    for item in parsed:
        siblings.setdefault(item.parent, []).append(item)
    for parent, items in siblings.items():
        weighted = {item.weight is not None for item in items}
        if len(weighted) > 1:
            reader.problem(
                items[0].row,
                "weight",
                _("the subtasks of %(parent)s must all have a weight or none.") % {"parent": parent or "—"},
            )
    reader.problems.raise_if_any()
    return parsed


def do_import_tasks(campaign: Campaign, parsed: list[ParsedTask], *, by: User) -> ImportResult:
    """All or nothing: create new tasks, update the text of known ones; audited."""
    enforce(may_import_tasks(by, campaign))
    result = ImportResult()
    with transaction.atomic():
        tasks = {t.number: t for t in Task.objects.select_for_update().filter(campaign=campaign)}
        for item in parsed:
            fields = {
                "form": item.form,
                "content": item.content,
                "measures": item.measures,
                "lead_unit": item.lead_unit,
                "weight": item.weight,
            }
            task = tasks.get(item.number)
            if task is None:
                if item.parent and not tasks[item.parent].is_open:  # closed since the file was read
                    raise ImportRejected([_closed_parent_message(item.parent)])
                task = Task.objects.create(
                    campaign=campaign,
                    number=item.number,
                    parent=tasks[item.parent] if item.parent else None,
                    due_on=item.deadline,
                    original_due_on=item.deadline,
                    created_by=by,
                    **fields,
                )
                tasks[item.number] = task
                task.co_units.set(item.co_units)
                Event.objects.create(task=task, by=by, verb=Event.Verb.CREATE)
                result.created.append(task)
            else:
                before = {name: getattr(task, name) for name in fields}
                co_before = set(task.co_units.values_list("pk", flat=True))
                if before == fields and co_before == {u.pk for u in item.co_units}:
                    result.unchanged += 1
                    continue
                for name, value in fields.items():
                    setattr(task, name, value)
                task.save()
                task.co_units.set(item.co_units)
                result.updated.append(task)
        units = {item.lead_unit.pk for item in parsed} | {u.pk for item in parsed for u in item.co_units}
        campaign.units.add(*units)
        _roll_up_ancestors(result.created + result.updated, tasks)
        record(
            "campaigns.task_table.import",
            campaign,
            actor=by,
            district=campaign.district,
            changes={"created": [None, len(result.created)], "updated": [None, len(result.updated)]},
        )
    return result


def _roll_up_ancestors(changed: list[Task], tasks: dict[str, Task]) -> None:
    """Recompute the progress of every ancestor of the changed tasks, deepest first, so
    that a grandparent sums its children's new progress (rule 3)."""
    by_pk = {task.pk: task for task in tasks.values()}
    depth: dict[int, int] = {}
    for task in changed:
        chain: list[int] = []
        ancestor_id = task.parent_id
        while ancestor_id is not None:
            chain.append(ancestor_id)
            ancestor_id = by_pk[ancestor_id].parent_id
        for level, pk in enumerate(reversed(chain)):  # the top-level task is at depth 0
            depth[pk] = level
    for pk in sorted(depth, key=depth.__getitem__, reverse=True):
        parent = Task.objects.get(pk=pk)
        value = parent.rolled_up_progress(list(parent.children.all()))
        if value != parent.progress:
            Task.objects.filter(pk=pk).update(progress=value, modified_at=clock.now())
