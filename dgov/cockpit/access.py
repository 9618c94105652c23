"""Who sees which figures and cases: the district's for the leader and the supervisor,
the own unit's for a unit head (a department-scoped role)."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from dgov.accounts.models import Department, User
from dgov.accounts.roles import DEPARTMENT_SCOPED
from dgov.applications.models import Application
from dgov.cockpit.figures import cases_behind
from dgov.lib.access import Seen


def own_unit(user: User) -> Department | None:
    """The department a department-scoped person is held to; None: the whole district."""
    roles = set(user.roles)
    if roles and roles <= DEPARTMENT_SCOPED:
        if user.department is None:
            raise PermissionDenied(_("Your account belongs to no unit."))
        return user.department
    return None


def drilled(user: User, form: Any) -> QuerySet[Application]:
    """The cases behind a bar (``forms.DrillForm``, valid), as the person may see them."""
    data = form.cleaned_data
    period = form.period
    cases = Application.objects.visible_to(user)
    if form.chosen_department is not None:
        cases = cases.filter(department=form.chosen_department)
    if data.get("item"):
        cases = cases.filter(item_id=data["item"])
    if data.get("window") is not None:
        cases = cases.filter(window__isnull=True) if data["window"] == 0 else cases.filter(window_id=data["window"])
    return cases_behind(data["measure"], user.district_id or 0, period.first_day, period.last_day, cases)


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
