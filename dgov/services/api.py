"""The public service catalogue in the API: ``/api/v1/items`` and ``/api/v1/items/{code}``
(mounted at ``PREFIX``, so the URLs are those of version 1)."""

from typing import Any, Literal

from django.http import Http404, HttpRequest
from ninja import Router

from dgov.api import schemas
from dgov.services.models import ServiceItem, ServiceItemVersion
from dgov.services.search import search

PREFIX = "/"
router = Router()  # tagged "v1" by the router it is mounted on


def _item(item: ServiceItem) -> dict[str, Any]:
    version = item.current_version
    assert version is not None
    return {
        "code": item.code,
        "name": version.name,
        "kind": version.kind,
        "department": {"code": version.department.code, "name": version.department.name},
        "online_level": version.online_level,
        "max_trips": version.max_trips,
        "legal_limit_days": version.legal_limit_days,
        "promised_limit_days": version.promised_limit_days,
        "fees": version.fees,
    }


@router.get("/items", response=schemas.ItemList, auth=None, summary="List the published service items")
def list_items(
    request: HttpRequest,
    department: schemas.CodeFilter = "",
    kind: Literal["citizen", "enterprise"] | None = None,
    q: schemas.SearchText = "",
    limit: schemas.Limit = 50,
    offset: schemas.Offset = 0,
) -> dict[str, Any]:
    """The public catalogue; ``q`` searches as the portal does (colloquial names,
    Traditional or Simplified Chinese), best match first; otherwise ordered by code."""
    items = ServiceItem.objects.public()
    if department:
        items = items.filter(current_version__department__code=department)
    if kind:
        items = items.filter(current_version__kind=kind)
    if q.strip():
        results = search(items, q, limit=offset + limit)
        return {"total": results.total, "items": [_item(item) for item in results.items[offset:]]}
    page = items.select_related("current_version__department").order_by("code")[offset : offset + limit]
    return {"total": items.count(), "items": [_item(item) for item in page]}


@router.get("/items/{code}", response={200: schemas.ItemDetail, 404: schemas.Error}, auth=None)
def get_item(request: HttpRequest, code: schemas.ItemCode) -> dict[str, Any]:
    """One item's current guide with its materials."""
    item = (
        ServiceItem.objects.public()
        .filter(code=code)
        .select_related("current_version__department")
        .prefetch_related("current_version__materials")
        .first()
    )
    if item is None:
        raise Http404
    version: ServiceItemVersion = item.current_version  # type: ignore[assignment]
    return {
        **_item(item),
        "version": version.number,
        "legal_basis": version.legal_basis,
        "conditions": version.conditions,
        "fee_basis": version.fee_basis,
        "keywords": version.keyword_list,
        "materials": [
            {
                "id": m.pk,
                "name": m.name,
                "form": m.form,
                "copies": m.copies,
                "source": m.source,
                "to_submit": m.to_submit,
                "required": m.required,
                "rongque": m.rongque,
                "legal_basis": m.legal_basis,
            }
            for m in version.materials.all()
        ],
    }
