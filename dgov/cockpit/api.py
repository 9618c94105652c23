"""``/api/v1/opendata/``: the open data as JSON, for anyone (no token): the figures of the
portal's district per month and department, with their dictionary (``opendata.FIELDS``)."""

from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Query, Router, Schema

from dgov.api import schemas
from dgov.cockpit import opendata
from dgov.cockpit.forms import FiguresForm
from dgov.lib import clock

PREFIX = "/opendata/"
router = Router(tags=["open data"])


class FieldOut(Schema):
    name: str
    label: str
    type: str
    description: str


class RowOut(Schema):
    month: str
    department_code: str
    department: str
    received: int
    supplement_rate: float | None
    deemed_accepted: int
    decided: int
    on_time_promised_rate: float | None
    on_time_legal_rate: float | None
    completed: int
    one_trip_rate: float | None
    average_working_days: float | None
    ratings: int
    satisfaction: float | None
    bad_ratings: int
    rectified_on_time_rate: float | None


class FiguresOut(Schema):
    district: str
    period: dict[str, str]  # {"from": "YYYY-MM", "to": "YYYY-MM"}
    fields: list[FieldOut]
    rows: list[RowOut]


@router.get(
    "/figures",
    response={200: FiguresOut, 400: schemas.Error, 422: schemas.Error},
    auth=None,
    summary="Published figures of government services per month and department",
)
def figures(
    request: HttpRequest,
    from_: Annotated[str | None, Query(alias="from", pattern=r"^\d{4}-\d{2}$", max_length=7)] = None,
    to: Annotated[str | None, Query(pattern=r"^\d{4}-\d{2}$", max_length=7)] = None,
    department: schemas.CodeFilter = "",
) -> Any:
    """Months ``from`` … ``to`` (``YYYY-MM``, at most 36; by default the last twelve),
    optionally one department by code. Counts and rates only, no personal data; each
    field is described in ``fields``. A month that does not exist, a period that has not
    begun or an unknown department: 400 with the reason."""
    district = opendata.public_district()
    data = {"from": from_ or "", "to": to or "", "department": department}
    form = FiguresForm(data, district_id=district.pk, today=clock.today())
    if not form.is_valid():
        raise ValidationError([str(m) for errors in form.errors.values() for m in errors])
    return opendata.document(district.pk, form.period, form.chosen_department)
