"""The hall's figures, for its own page and the cockpit.

- Waiting time: from taking the ticket to its first call (``wait_seconds``, written when
  the ticket is called). Service time: from the person reaching the window to the clerk
  finishing (``service_seconds``, written when it is finished). Both are stored on the
  ticket as it moves, so a figure is one grouped query over integer columns, with no
  date arithmetic per row (PERFORMANCE.md).
- Per item, per window and per hour of the day the ticket was taken.
- One trip: of the applications whose visit was counted from a ticket in the period, how
  many kept within the visits their item promises (``max_trips``).
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Avg, Count, Max, Q

from dgov.hall.models import Ticket, TicketStatus

GROUPS = ("item", "window", "hour")
MEAN_OVER_DAYS = 30


@dataclass(frozen=True)
class Row:
    key: Any
    label: str
    tickets: int
    served: int
    no_shows: int
    mean_wait_minutes: float | None
    longest_wait_minutes: float | None
    mean_service_minutes: float | None


def _minutes(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / 60, 1)


def figures(district_id: int, start: dt.date, end: dt.date, by: str) -> list[Row]:
    """Waiting and service times of the tickets taken from ``start`` to ``end`` (inclusive),
    grouped ``by`` item, window or hour (one query)."""
    if by not in GROUPS:
        raise ValueError(by)
    tickets = Ticket.objects.filter(district_id=district_id, day__gte=start, day__lte=end)
    if by == "window":
        # A ticket has a window once it is called; the waiting tickets have none yet.
        tickets = tickets.filter(window__isnull=False)
    field = {"item": "hall_item_id", "window": "window_id", "hour": "hour"}[by]
    rows = (
        tickets.values(field)
        .annotate(
            tickets=Count("pk"),
            served=Count("pk", filter=Q(status=TicketStatus.DONE)),
            no_shows=Count("pk", filter=Q(status=TicketStatus.NO_SHOW)),
            mean_wait=Avg("wait_seconds"),
            longest_wait=Max("wait_seconds"),
            mean_service=Avg("service_seconds"),
        )
        .order_by(field)
    )
    rows = list(rows)
    labels = _labels(by, [r[field] for r in rows])
    return [
        Row(
            key=r[field],
            label=labels.get(r[field], str(r[field])),
            tickets=r["tickets"],
            served=r["served"],
            no_shows=r["no_shows"],
            mean_wait_minutes=_minutes(r["mean_wait"]),
            longest_wait_minutes=_minutes(r["longest_wait"]),
            mean_service_minutes=_minutes(r["mean_service"]),
        )
        for r in rows
    ]


def _labels(by: str, keys: list[Any]) -> dict[Any, str]:
    if by == "hour":
        return {h: f"{h:02d}:00–{h:02d}:59" for h in keys}
    if by == "window":
        from dgov.accounts.models import ServiceWindow

        return {w.pk: str(w) for w in ServiceWindow.objects.filter(pk__in=keys)}
    from dgov.hall.models import HallItem

    return {h.pk: str(h) for h in HallItem.objects.filter(pk__in=keys).select_related("item__current_version")}


def mean_service_seconds(hall_item_id: int, today: dt.date) -> float | None:
    """The item's mean service time over the last 30 days (the estimate's basis)."""
    return Ticket.objects.filter(
        hall_item_id=hall_item_id,
        status=TicketStatus.DONE,
        day__gte=today - dt.timedelta(days=MEAN_OVER_DAYS),
        day__lte=today,
    ).aggregate(mean=Avg("service_seconds"))["mean"]


@dataclass(frozen=True)
class OneTrip:
    applications: int
    within_promise: int

    @property
    def percent(self) -> int | None:
        return round(100 * self.within_promise / self.applications) if self.applications else None


def one_trip(district_id: int, start: dt.date, end: dt.date) -> OneTrip:
    """Applications reached through a ticket in the period, and how many of them kept
    within the visits in person their item promises."""
    from django.db.models import F

    from dgov.applications.models import Application

    linked = Application.objects.filter(
        district_id=district_id,
        hall_tickets__day__gte=start,
        hall_tickets__day__lte=end,
        hall_tickets__visit__isnull=False,
    ).distinct()
    totals = Application.objects.filter(pk__in=linked.values("pk")).aggregate(
        applications=Count("pk"), within=Count("pk", filter=Q(visits__lte=F("item_version__max_trips")))
    )
    return OneTrip(applications=totals["applications"], within_promise=totals["within"])


def waiting_now(district_id: int, today: dt.date) -> dict[int, int]:
    """Tickets waiting now, per hall item."""
    return dict(
        Ticket.objects.filter(district_id=district_id, day=today, status=TicketStatus.WAITING)
        .values("hall_item_id")
        .annotate(n=Count("pk"))
        .values_list("hall_item_id", "n")
    )
