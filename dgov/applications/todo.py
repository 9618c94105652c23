"""The applications a person works from, for the staff home's to-do (``dgov.lib.todo``)."""

import datetime as dt
from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from dgov.accounts.roles import ACCEPT, DECIDE, REVIEW, Role
from dgov.applications.models import CLOCK_STATUSES, Application, Status
from dgov.lib.todo import Entry, Queue, measure

# Who watches every case under the decision clock (their district's, a unit head their unit's).
OVERSEERS = frozenset({Role.CENTRE_SUPERVISOR, Role.DISTRICT_LEADER, Role.UNIT_HEAD})


def entry(application: Application) -> Entry:
    deadline = application.promised_deadline
    return Entry(
        name=f"{application.number} · {application.item_version.name}",
        url=reverse("applications:case", args=[application.pk]),
        due=deadline.due_date if deadline is not None else None,
        since=application.received_on,
    )


def _url(**query: str) -> str:
    return f"{reverse('applications:queue')}?{urlencode(query)}"


def queues(user: Any, today: dt.date) -> list[Queue]:
    mine = Application.objects.visible_to(user).select_related("item_version", "promised_deadline")
    found: list[Queue] = []

    def add(label: Any, statuses: tuple[Status, ...], query: str, lights: bool) -> None:
        found.append(
            measure(
                label,
                _url(status=query),
                mine.filter(status__in=statuses),
                today=today,
                since="received_on",
                entry=entry,
                # The promised limit runs from acceptance to the decision (the queue page's light).
                due="promised_deadline__due_date" if lights else None,
                kind="application",
                stopped=Q(clock_stopped=True),
            )
        )

    if user.has_perm(ACCEPT):
        # Acceptance has its own five-day window (Art. 32), shown on each case; no light here.
        add(_("Applications to accept"), (Status.SUBMITTED,), Status.SUBMITTED.value, lights=False)
        add(_("Approved, to hand out"), (Status.APPROVED,), Status.APPROVED.value, lights=False)
    if user.has_perm(REVIEW):
        add(_("Applications to review"), (Status.ACCEPTED,), Status.ACCEPTED.value, lights=True)
    if user.has_perm(DECIDE):
        add(_("Applications to decide"), (Status.REVIEWED,), Status.REVIEWED.value, lights=True)
    if set(user.roles) & OVERSEERS:
        add(_("Cases under the decision clock"), CLOCK_STATUSES, "open", lights=True)
    return found
