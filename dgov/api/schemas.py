import datetime as dt
from typing import Annotated, Any, Literal

from ninja import Field, Header, Path, Query, Schema

# Every parameter is bounded (a test holds every operation of the OpenAPI document to it),
# so that a huge number or an endless string is a 422 and never a database error.
MAX_ID = 2**63 - 1
# A primary key in a body.
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
# Path parameters.
PathId = Annotated[int, Path(ge=1, le=MAX_ID)]
CaseNumber = Annotated[str, Path(max_length=40)]
ItemCode = Annotated[str, Path(max_length=64)]
UnitCode = Annotated[str, Path(max_length=32)]
# Query parameters.
SearchText = Annotated[str, Query(max_length=100)]
CodeFilter = Annotated[str, Query(max_length=32)]
Offset = Annotated[int, Query(ge=0, le=100_000)]
Limit = Annotated[int, Query(ge=1, le=200)]
IdempotencyKey = Annotated[str | None, Header(alias="Idempotency-Key", max_length=64)]


class Error(Schema):
    detail: str
    messages: list[str] = []


# The answers every route that acts may give besides its own (``dgov.api.views`` handlers).
ERRORS: dict[int, Any] = dict.fromkeys((400, 401, 403, 404, 409, 422), Error)


def error_body(detail: Any, messages: list[str] | None = None) -> dict[str, Any]:
    """An error's body: ``detail`` and every message (``Error``)."""
    return {"detail": str(detail), "messages": messages or [str(detail)]}


class DepartmentOut(Schema):
    code: str
    name: str


class ItemOut(Schema):
    code: str
    name: str
    kind: str
    department: DepartmentOut
    online_level: str
    max_trips: int
    legal_limit_days: int
    promised_limit_days: int
    fees: str


class ItemList(Schema):
    total: int
    items: list[ItemOut]


class MaterialOut(Schema):
    id: int
    name: str
    form: str
    copies: int
    source: str
    to_submit: bool
    required: bool
    rongque: bool
    legal_basis: str


class ItemDetail(ItemOut):
    version: int
    legal_basis: str
    conditions: str
    fee_basis: str
    keywords: list[str]
    materials: list[MaterialOut]


class MaterialIn(Schema):
    material: Id
    promised: bool = False


class ApplyIn(Schema):
    item: str = Field(max_length=40, description="The item's implementation code.")
    applicant: Id | None = Field(None, description="Staff systems: the applicant filed for.")
    channel: Literal["online", "window"] = "online"
    materials: list[MaterialIn] = Field(default=[], max_length=100)


class ApplicationState(Schema):
    """An application as a transition leaves it."""

    number: str
    status: str
    status_label: str
    accepted_on: dt.date | None
    decided_on: dt.date | None
    completed_on: dt.date | None
    clock_stopped: bool
    extended_days: int
    visits: int
    legal_due: dt.date | None
    promised_due: dt.date | None


class ApplicationOut(ApplicationState):
    item: str
    item_name: str
    department: str
    channel: str
    received_on: dt.date


class ApplicationCreated(ApplicationOut):
    verification_code: str


class LookupIn(Schema):
    number: str = Field(max_length=32)
    code: str = Field(max_length=8)


class TimelineEntry(Schema):
    at: dt.datetime
    event: str
    status: str


class LookupOut(Schema):
    number: str
    status: str
    status_label: str
    item_name: str
    received_on: dt.date
    promised_due: dt.date | None
    timeline: list[TimelineEntry]


class ProblemIn(Schema):
    material: Id | None = None
    problem: str = Field(max_length=300)


class SupplementRequestIn(Schema):
    problems: list[ProblemIn] = Field(max_length=30)
    # A second notice, after the supplement: why the first could not have named it (Art. 32).
    reason: str = Field("", max_length=2000)


class SupplementIn(Schema):
    materials: list[Id] = Field(default=[], max_length=100)


class ReasonsIn(Schema):
    reasons: str = Field(max_length=2000)


class ReviewIn(Schema):
    note: str = Field("", max_length=2000)


class StopClockIn(Schema):
    procedure: str = Field(max_length=100)
    expected_days: int = Field(ge=1, le=365)
    notice: str = Field(max_length=2000)
    counts_toward_limit: bool = False


class ExtendIn(Schema):
    # The range is checked by do_extend, so the message is the one the pages show.
    days: int
    reason: str = Field(max_length=200)
