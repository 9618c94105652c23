"""The staff home's to-do (待办), contributed by each app in ``dgov/<app>/todo.py``.

An app lists the queues a person works from as ``queues(user, today) -> list[Queue]``,
each built by ``measure``: the number of items, their deadline lights (the one light,
``dgov.workdays.lights.light_case``), what falls due today and on the next working day,
the oldest item and the red items by name, each a link to its page. The home reads
``queues_for`` and knows no app.

Cost: one aggregate query per queue, one for its oldest item and one for its red items
(both skipped when there is nothing to show).
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, Value
from django.db.models.lookups import Exact
from django.utils.functional import Promise

from dgov.workdays.calendar import default_calendar
from dgov.workdays.lights import Light, light_case

RED_SHOWN = 10  # red items listed by name on a queue; the list page has the rest


@dataclass(frozen=True)
class Entry:
    """One item of a queue: its name and the link to its page."""

    name: str
    url: str
    due: dt.date | None = None
    since: dt.date | dt.datetime | None = None


@dataclass
class Queue:
    label: str | Promise
    url: str
    count: int = 0
    lights: bool = False  # whether the queue's items carry a deadline
    red: int = 0
    yellow: int = 0
    green: int = 0
    due_today: int = 0
    due_next: int = 0
    next_working_day: dt.date | None = None
    oldest: Entry | None = None
    reds: list[Entry] = field(default_factory=list)


def due_windows(today: dt.date) -> tuple[tuple[dt.date, dt.date] | None, tuple[dt.date, dt.date]]:
    """The due dates that fall due today and on the next working day, as closed ranges:
    a date on a rest day is due on the next working day (Civil Code Art. 203), so the
    range of a working day starts after the working day before it. ``None`` for today
    when today is not a working day."""
    cal = default_calendar
    one = dt.timedelta(days=1)
    today_range = (cal.previous_working_day(today) + one, today) if cal.is_working_day(today) else None
    next_day = cal.roll_forward(today + one)
    return today_range, (today + one, next_day)


def measure(
    label: str | Promise,
    url: str,
    rows: Any,
    *,
    today: dt.date,
    since: str,
    entry: Callable[[Any], Entry],
    due: str | None = None,
    kind: str = "default",
    stopped: Q | None = None,
    light: Any = None,
) -> Queue:
    """The queue of ``rows`` (a queryset of open items): counted and lit in one query on
    the date column ``due`` (the one deadline light, ``light_case``), the oldest by
    ``since``, the red by name. ``light`` replaces the deadline light for a queue whose
    colours are not a deadline (a project idle too long); without either, no lights."""
    if light is None and due is not None:
        light = light_case(due, today, kind=kind, stopped=stopped)
    queue = Queue(label=label, url=url, lights=light is not None)
    if light is None:
        queue.count = rows.order_by().count()
    else:
        # The expression itself in each filter, not an alias: PostgreSQL was asked for an
        # alias column that a wrapped aggregate query did not select.
        def lit(colour: str) -> Q:
            return Q(Exact(light, Value(colour)))

        figures: dict[str, Any] = {
            "count": Count("pk"),
            "red": Count("pk", filter=lit(Light.RED.value)),
            "yellow": Count("pk", filter=lit(Light.YELLOW.value)),
            "green": Count("pk", filter=lit(Light.GREEN.value)),
        }
        if due is not None:
            today_range, next_range = due_windows(today)
            # Not a working day: nothing falls due today (an empty range).
            today_range = today_range or (today, today - dt.timedelta(days=1))
            running = ~lit(Light.STOPPED.value)
            figures["due_today"] = Count("pk", filter=Q(**{f"{due}__range": today_range}) & running)
            figures["due_next"] = Count("pk", filter=Q(**{f"{due}__range": next_range}) & running)
            queue.next_working_day = next_range[1]
        for name, value in rows.order_by().aggregate(**figures).items():
            setattr(queue, name, value)
        if queue.red:
            reds = rows.filter(lit(Light.RED.value)).order_by(due or since, "pk")[:RED_SHOWN]
            queue.reds = [entry(row) for row in reds]
    if queue.count:
        oldest = rows.order_by(since, "pk").first()
        queue.oldest = entry(oldest) if oldest is not None else None
    return queue


def queues_for(user: Any, today: dt.date) -> list[Queue]:
    """Every queue the person works from, app by app (``INSTALLED_APPS`` order)."""
    from dgov.lib.plugins import discover

    return [queue for _app, module in discover("todo") for queue in module.queues(user, today)]
