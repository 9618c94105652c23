"""The staff queue's rows for a person and the page's filters: one home for the queue page
and its export (``dgov.applications.exports``)."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q

from dgov.accounts.models import Department, User
from dgov.accounts.roles import Role
from dgov.applications.forms import QueueForm
from dgov.applications.models import CLOCK_STATUSES, OPEN_STATUSES, Application, Status
from dgov.services.models import ServiceItem
from dgov.workdays.lights import light_case

# The queue each role starts from; roles not named here watch every open case.
ROLE_QUEUES: dict[Role, tuple[Status, ...]] = {
    Role.WINDOW_CLERK: (Status.SUBMITTED, Status.APPROVED),
    Role.REVIEWER: (Status.ACCEPTED,),
    Role.DEPARTMENT_APPROVER: (Status.REVIEWED,),
}


def default_statuses(user: User) -> list[Status]:
    statuses: set[Status] = set()
    for role in user.roles:
        statuses.update(ROLE_QUEUES.get(role, OPEN_STATUSES))
    return [s for s in Status if s in (statuses or set(OPEN_STATUSES))]


def promised_light(today: dt.date) -> Any:
    """The light of the promised time limit (``Application.light``) as a list expression."""
    return light_case(
        "promised_deadline__due_date",
        today,
        kind="application",
        open=Q(status__in=CLOCK_STATUSES),
        stopped=Q(clock_stopped=True),
    )


def with_light(applications: Any, light: str, today: dt.date) -> Any:
    """Filter in the database on the light of the promised time limit."""
    return applications.alias(promised_light=promised_light(today)).filter(promised_light=light)


@dataclass
class Queue:
    form: QueueForm
    filtered: Any  # every status, the page's other filters applied
    statuses: list[Status]

    @property
    def rows(self) -> Any:
        return self.filtered.filter(status__in=self.statuses)

    def counts(self) -> dict[str, int]:
        """The open cases per status: the work in hand. Closed cases (not accepted, denied,
        completed) are the archive, which grows with every year served: their tabs list
        them without counting them all on every visit (decision 0035)."""
        open_cases = self.filtered.filter(status__in=OPEN_STATUSES)
        # COUNT(*): read from the queue index alone, no row fetched (COUNT(id) fetched each).
        return dict(open_cases.order_by().values_list("status").annotate(n=Count("*")))


def queue(user: User, query: Any, today: dt.date) -> Queue:
    """The person's queue with the filters of ``query`` (a GET); a filter that does not
    parse is left out, as on the page."""
    district_id: int = user.district_id  # type: ignore[assignment]
    items = ServiceItem.objects.published().filter(district_id=district_id).select_related("current_version")
    departments = Department.objects.filter(district_id=district_id)
    form = QueueForm(query, items=items, departments=departments)
    data = form.cleaned_data if form.is_valid() else {}
    filtered = Application.objects.visible_to(user)
    if data.get("item"):
        filtered = filtered.filter(item=data["item"])
    if data.get("department"):
        filtered = filtered.filter(department=data["department"])
    if data.get("q"):
        filtered = filtered.filter(number__icontains=data["q"].strip())
    if data.get("light"):
        filtered = with_light(filtered, data["light"], today)
    status = data.get("status", "")
    if status == QueueForm.ALL:
        statuses: list[Status] = list(Status)
    elif status == QueueForm.OPEN:
        statuses = list(OPEN_STATUSES)
    elif status:
        statuses = [Status(status)]
    else:
        statuses = default_statuses(user)
    return Queue(form, filtered, statuses)
