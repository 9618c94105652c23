"""Who sees which figures and cases: the district's for the leader and the supervisor,
the own unit's for a unit head (a department-scoped role)."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from dgov.accounts.models import Department, User
from dgov.accounts.roles import DEPARTMENT_SCOPED
from dgov.applications.models import OPEN_STATUSES, Application
from dgov.cockpit.figures import EVENT_DRILLS, acts_behind, cases_behind, day_field
from dgov.lib.access import Seen


def own_unit(user: User) -> Department | None:
    """The department a department-scoped person is held to; None: the whole district."""
    roles = set(user.roles)
    if roles and roles <= DEPARTMENT_SCOPED:
        if user.department is None:
            raise PermissionDenied(_("Your account belongs to no unit."))
        return user.department
    return None


def _scope(user: User, form: Any) -> QuerySet[Application]:
    """The cases the person may see, held to the bar's department, item or window."""
    data = form.cleaned_data
    cases = Application.objects.visible_to(user)
    if form.chosen_department is not None:
        cases = cases.filter(department=form.chosen_department)
    if data.get("item"):
        cases = cases.filter(item_id=data["item"])
    if data.get("window") is not None:
        cases = cases.filter(window__isnull=True) if data["window"] == 0 else cases.filter(window_id=data["window"])
    return cases


def drilled(user: User, form: Any) -> QuerySet[Application]:
    """The cases behind a bar (``forms.DrillForm``, valid), as the person may see them."""
    period = form.period
    return cases_behind(
        form.cleaned_data["measure"], user.district_id or 0, period.first_day, period.last_day, _scope(user, form)
    )


@dataclass
class DrillPage:
    cases: list[Application]
    older: str | None  # where the next page begins (``DrillForm.before``); None: the last page


def cursor(value: dt.date | dt.datetime, pk: int) -> str:
    return f"{value.isoformat()}.{pk}"


def drill_page(user: User, form: Any, size: int) -> DrillPage:
    """A page of the list behind a bar, newest first, after ``before`` (decision 0035):
    read in the order of an index and stopped after the page, never counted. The cases
    of clock stops and extensions are listed by their acts, newest act first (each case
    once on a page)."""
    data = form.cleaned_data
    measure = data["measure"]
    related = ("item_version", "department", "promised_deadline")
    rows: QuerySet[Any]
    if measure in EVENT_DRILLS:
        acts, key = acts_behind(measure, form.period.first_day, form.period.last_day)
        rows = acts.filter(application__in=_scope(user, form)).select_related(*(f"application__{r}" for r in related))
    else:
        key = day_field(measure)
        rows = drilled(user, form).select_related(*related)
    if data["before"] is not None:
        value, pk = data["before"]
        rows = rows.filter(**{f"{key}__lte": value}).filter(Q(**{f"{key}__lt": value}) | Q(pk__lt=pk))
    order = (f"-{key}", "-pk")
    if key == "received_on":
        # Open cases from the queue's index, closed ones from the received index: the two
        # pages merged (each index holds only its own, so neither walks the other's).
        found = sorted(
            [
                *rows.filter(status__in=OPEN_STATUSES).order_by(*order)[: size + 1],
                *rows.exclude(status__in=OPEN_STATUSES).order_by(*order)[: size + 1],
            ],
            key=lambda a: (a.received_on, a.pk),
            reverse=True,
        )[: size + 1]
    else:
        found = list(rows.order_by(*order)[: size + 1])
    shown = found[:size]
    older = cursor(getattr(shown[-1], key), shown[-1].pk) if len(found) > size else None
    if measure not in EVENT_DRILLS:
        return DrillPage(shown, older)
    cases = list({act.application_id: act.application for act in shown}.values())
    return DrillPage(cases, older)


# Who may open each route of this app with GET: the role × URL matrix holds every
# persona's answer against it (``dgov.lib.access``, decision 0025).
VIEWS: dict[str, Seen] = {
    "api/v1/opendata/figures": Seen(rest="404", anonymous="404"),
    "cockpit/": Seen(ok="centre_supervisor unit_head district_leader"),
    "cockpit/cases/": Seen(odd={"centre_supervisor": "400", "unit_head": "400", "district_leader": "400"}),
    "cockpit/charts/<slug:key>.<str:fmt>": Seen(ok="centre_supervisor unit_head district_leader"),
    "open-data/": Seen(rest="404", anonymous="404"),
    "open-data/figures.csv": Seen(rest="404", anonymous="404"),
    "open-data/figures.json": Seen(rest="404", anonymous="404"),
}
