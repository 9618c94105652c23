"""``/api/v1/policies/``: the policies in force and the grants published (open data, no
token), and one enterprise's matches for a staff system (a staff token that may see the
policy library)."""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Path, Query, Router, Schema

from dgov.accounts.access import is_staff
from dgov.api.schemas import Error
from dgov.lib import clock
from dgov.policies import matching
from dgov.policies.facts import ENTERPRISE_FACTS
from dgov.policies.models import EnterpriseProfile, Grant, Policy
from dgov.policies.permissions import VIEW

router = Router(tags=["policies"])
ERRORS: dict[int, Any] = dict.fromkeys((400, 401, 403, 404), Error)
MAX_ROWS = 1000
DistrictCode = Annotated[str, Query(max_length=6)]
CreditCode = Annotated[str, Path(max_length=18)]


class PolicyOut(Schema):
    id: int
    title: str
    issuer: str
    document_number: str
    invented_example: bool
    valid_from: dt.date
    valid_to: dt.date
    mode: str
    conditions: list[str]
    benefit: str


class GrantOut(Schema):
    enterprise: str
    policy: str
    amount: Decimal
    granted_on: dt.date


class MatchOut(Schema):
    policy: str
    amount: Decimal | None
    conditions: list[str]


def _district(code: str) -> str:
    return (code or settings.DEFAULT_DISTRICT_CODE)[:6]


@router.get("/policies", response={200: list[PolicyOut], **ERRORS}, auth=None, summary="The policies in force")
def policies(request: HttpRequest, district: DistrictCode = "") -> list[dict[str, Any]]:
    rows = Policy.objects.in_force(clock.today()).filter(district__code=_district(district)).order_by("pk")
    return [
        {
            "id": p.pk,
            "title": p.title,
            "issuer": p.issuer,
            "document_number": p.document_number,
            "invented_example": p.is_example,
            "valid_from": p.valid_from,
            "valid_to": p.valid_to,
            "mode": p.mode,
            "conditions": [ENTERPRISE_FACTS.describe(c) for c in p.parsed_conditions],
            "benefit": p.benefit_text,
        }
        for p in rows[:MAX_ROWS]
    ]


@router.get("/grants", response={200: list[GrantOut], **ERRORS}, auth=None, summary="The grants published")
def grants(request: HttpRequest, district: DistrictCode = "", since: dt.date | None = None) -> list[dict[str, Any]]:
    rows = Grant.objects.published().filter(district__code=_district(district)).select_related("policy")
    if since is not None:
        rows = rows.filter(granted_on__gte=since)
    return [
        {"enterprise": g.enterprise_name, "policy": g.policy.title, "amount": g.amount, "granted_on": g.granted_on}
        for g in rows.order_by("-granted_at", "-pk")[:MAX_ROWS]
    ]


@router.get(
    "/matches/{credit_code}", response={200: list[MatchOut], **ERRORS}, summary="What an enterprise qualifies for"
)
def matches(request: HttpRequest, credit_code: CreditCode) -> list[dict[str, Any]]:
    user = request.user
    if not is_staff(user) or not user.has_perm(VIEW):
        raise PermissionDenied
    profile = EnterpriseProfile.objects.visible_to(user).filter(credit_code=credit_code.strip().upper()).first()
    if profile is None:
        return []
    found = matching.for_enterprise(profile, clock.today())
    return [
        {
            "policy": m["policy"].title,
            "amount": m["amount"],
            "conditions": [f"{c.requirement}: {c.shown_value}" for c in m["verdict"].checks],
        }
        for m in found["matched"]
    ]
