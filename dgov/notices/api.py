"""``/api/v1/notices/``: the written notices of the cases the caller may see (an
applicant's own programs: theirs, sealed; staff systems: those of their cases), each
one's text, and its sealed PDF. An applicant reading a notice here is served, as on the
page. Every parameter is bounded (``dgov.api.schemas``)."""

import datetime as dt
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Query, Router, Schema

from dgov.api.schemas import Error, Limit, Offset, PathId
from dgov.notices import service
from dgov.notices.models import Kind, Notice

router = Router(tags=["notices"])
CaseFilter = Annotated[str, Query(max_length=40, description="An application or bundle application number.")]


class NoticeOut(Schema):
    id: int
    kind: str
    kind_label: str
    title: str
    number: str
    case: str
    dated: dt.date
    sealed: bool
    sealed_at: dt.datetime | None
    opened_at: dt.datetime | None
    verification_code: str | None


class NoticeList(Schema):
    total: int
    items: list[NoticeOut]


class NoticeDetail(NoticeOut):
    text: str
    notes: str


def _out(notice: Notice) -> dict[str, Any]:
    return {
        "id": notice.pk,
        "kind": notice.kind,
        "kind_label": str(Kind(notice.kind).label),
        "title": notice.title,
        "number": notice.number,
        "case": str(notice.case),
        "dated": notice.dated,
        "sealed": notice.is_sealed,
        "sealed_at": notice.sealed_at,
        "opened_at": notice.opened_at,
        "verification_code": notice.verification_code,
    }


@router.get("/", response={200: NoticeList}, summary="The written notices of the cases the caller may see")
def notices(request: HttpRequest, case: CaseFilter = "", offset: Offset = 0, limit: Limit = 50) -> dict[str, Any]:
    found = service.visible_to(request.user).select_related("application", "bundle_application")
    number = case.strip().upper()
    if number:
        found = found.filter(application__number=number) | found.filter(bundle_application__number=number)
    found = found.order_by("-requested_at", "-pk")
    return {"total": found.count(), "items": [_out(n) for n in found[offset : offset + limit]]}


@router.get("/{pk}", response={200: NoticeDetail, 404: Error}, summary="A written notice and its text")
def notice(request: HttpRequest, pk: PathId) -> dict[str, Any]:
    found = service.get_notice_for_user(request, pk)
    service.do_open(found, request.user)
    return {**_out(found), "text": found.text, "notes": found.notes}


@router.get(
    "/{pk}/pdf",
    response={200: None, 404: Error},
    summary="The sealed PDF of a written notice",
    openapi_extra={"responses": {200: {"content": {"application/pdf": {}}}}},
)
def notice_pdf(request: HttpRequest, pk: PathId) -> Any:
    found = service.get_notice_for_user(request, pk)
    response = service.pdf_response(found, inline=False)
    service.do_open(found, request.user)
    return response
