"""What the trips, events and target lists add up to."""

import datetime as dt
from typing import Any

from django.db.models import Count, Min, Q, QuerySet

from dgov.events.models import InvestmentEvent, Meeting, Target
from dgov.workdays.calendar import carry
from dgov.workdays.lights import light

FOLLOW_UP = "investment_follow_up"  # the kind of deadline for ``DGOV_YELLOW_DAYS``


def open_follow_ups(district_id: int, today: dt.date) -> list[Meeting]:
    """Follow-ups not done yet, the earliest due first, each with its light and ``due``:
    the day it falls due (a rest day carried to the next working day, Civil Code Art. 203,
    the date as set kept), provisional while its year has no official calendar."""
    rows = list(
        Meeting.objects.filter(event__district_id=district_id, follow_up_done_on__isnull=True)
        .exclude(follow_up="")
        .select_related("event", "project")
        .order_by("follow_up_due", "pk")
    )
    for meeting in rows:
        meeting.light = light(meeting.follow_up_due, today, kind=FOLLOW_UP)  # type: ignore[attr-defined, arg-type]
        meeting.due = carry(meeting.follow_up_due)  # type: ignore[attr-defined, arg-type]
    return rows


def targets(district_id: int) -> QuerySet[Target]:
    """The target lists, with the first contact, the meetings and the projects they produced."""
    return Target.objects.filter(district_id=district_id).annotate(
        first_contact=Min("meetings__met_on"),
        contacts=Count("meetings", distinct=True),
        projects=Count("meetings__project", distinct=True),
    )


def events(district_id: int) -> QuerySet[InvestmentEvent]:
    """Trips and events with what they produced."""
    return (
        InvestmentEvent.objects.filter(district_id=district_id)
        .select_related("leader")
        .annotate(
            met=Count("meetings", distinct=True),
            produced=Count("meetings__project", distinct=True),
            follow_ups_open=Count(
                "meetings",
                filter=Q(meetings__follow_up_done_on__isnull=True) & ~Q(meetings__follow_up=""),
                distinct=True,
            ),
        )
    )


def coverage(district_id: int) -> dict[str, Any]:
    """Per list: targets, and how many have been contacted."""
    rows = (
        Target.objects.filter(district_id=district_id)
        .values("category")
        .annotate(
            total=Count("pk", distinct=True), contacted=Count("pk", filter=Q(meetings__isnull=False), distinct=True)
        )
    )
    return {r["category"]: (r["contacted"], r["total"]) for r in rows}
