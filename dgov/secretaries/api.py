"""``/api/v1/secretaries/``: the overdue-contact list of the token's holder (as secretary
or responsible leader), and a green-channel tracking card, for staff systems."""

import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Router, Schema

from dgov.accounts.access import staff_or_403
from dgov.api.schemas import CaseNumber
from dgov.lib import clock
from dgov.secretaries import rules
from dgov.secretaries.models import GreenChannelCase, Secretaryship
from dgov.secretaries.permissions import VIEW_GREEN, VIEW_SERVICE

router = Router(tags=["secretaries"])
MAX_ROWS = 500


class OverdueOut(Schema):
    project: str
    investor: str
    secretary: str
    leader: str
    last_counted_contact: dt.date
    days_since: int


class GreenCardOut(Schema):
    application: str
    status: str
    project: str
    lead_official: str
    accepted_on: dt.date | None
    promised_days: int
    green_due: dt.date | None
    # Counted on an estimated calendar (no official arrangement for a year it touches yet).
    green_provisional: bool
    green_stopped_since: dt.date | None
    ordinary_due: dt.date | None
    decided_on: dt.date | None


@router.get("/overdue", response=list[OverdueOut], summary="My key projects whose last counted contact is too old")
def overdue(request: HttpRequest) -> list[dict[str, Any]]:
    user = staff_or_403(request, VIEW_SERVICE)
    today = clock.today()
    rows = (
        Secretaryship.objects.visible_to(user)
        .of_person(user)
        .overdue(today)
        .select_related("project", "secretary", "leader")
        .order_by("last_contact_on", "pk")[:MAX_ROWS]
    )
    return [
        {
            "project": s.project.name,
            "investor": s.project.investor,
            "secretary": str(s.secretary),
            "leader": str(s.leader),
            "last_counted_contact": s.last_contact_on,
            "days_since": rules.counted_days_between(s.last_contact_on, today),
        }
        for s in rows
    ]


@router.get("/green/{number}", response=GreenCardOut, summary="The green-channel tracking card of an application")
def green_card(request: HttpRequest, number: CaseNumber) -> dict[str, Any]:
    user = staff_or_403(request, VIEW_GREEN)
    case = (
        GreenChannelCase.objects.visible_to(user)
        .select_related("application__promised_deadline", "project", "lead_official", "deadline")
        .filter(application__number=number.strip())
        .first()
    )
    if case is None:
        raise Http404
    application = case.application
    return {
        "application": application.number,
        "status": application.status,
        "project": case.project.name,
        "lead_official": str(case.lead_official),
        "accepted_on": application.accepted_on,
        "promised_days": case.promised_days,
        "green_due": case.deadline.due_date if case.deadline else None,
        "green_provisional": bool(case.deadline and case.deadline.provisional),
        "green_stopped_since": case.deadline.stopped_since if case.deadline else None,
        "ordinary_due": application.promised_deadline.due_date if application.promised_deadline else None,
        "decided_on": application.decided_on,
    }
