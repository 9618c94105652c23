"""``/api/v1/bundles/``: a bundle application's progress, for the applicant's own
programs and for staff systems (the same visibility as the bundle page)."""

import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Router, Schema

from dgov.api.schemas import CaseNumber, Error
from dgov.bundles.actions import parts_of, sync_due
from dgov.bundles.models import BundleApplication, Status, progress

router = Router(tags=["bundles"])


class PartOut(Schema):
    number: str
    item: str
    item_name: str
    department: str
    department_name: str
    status: str
    status_label: str
    step: int
    expected_finish: dt.date | None
    slack_days: int | None
    critical: bool
    halted: bool
    reasons: str


class BundleProgressOut(Schema):
    number: str
    bundle: str
    bundle_name: str
    status: str
    status_label: str
    on_denial: str
    received_on: dt.date
    accepted_on: dt.date | None
    limit_days: int
    extended_days: int
    joint_due: dt.date | None
    parts: list[PartOut]


@router.get(
    "/applications/{number}",
    response={200: BundleProgressOut, 404: Error},
    summary="A bundle application's progress, part by part, with the critical path",
)
def bundle_progress(request: HttpRequest, number: CaseNumber) -> dict[str, Any]:
    sync_due(BundleApplication.objects.visible_to(request.user).filter(number=number.strip().upper()))
    try:
        bundle_application = (
            BundleApplication.objects.visible_to(request.user)
            .select_related("bundle", "joint_deadline")
            .get(number=number.strip().upper())
        )
    except BundleApplication.DoesNotExist:
        raise Http404 from None
    rows = progress(bundle_application, parts_of(bundle_application))
    return {
        "number": bundle_application.number,
        "bundle": bundle_application.bundle.code,
        "bundle_name": bundle_application.bundle.name,
        "status": bundle_application.status,
        "status_label": str(Status(bundle_application.status).label),
        "on_denial": bundle_application.on_denial,
        "received_on": bundle_application.received_on,
        "accepted_on": bundle_application.accepted_on,
        "limit_days": bundle_application.limit_days,
        "extended_days": bundle_application.extended_days,
        "joint_due": bundle_application.due_date(),
        "parts": [
            {
                "number": r.application.number,
                "item": r.application.item.code,
                "item_name": r.application.item_version.name,
                "department": r.application.department.code,
                "department_name": r.application.department.name,
                "status": r.application.status,
                "status_label": str(r.application.get_status_display()),
                "step": r.step,
                "expected_finish": r.expected,
                "slack_days": r.slack,
                "critical": r.critical,
                "halted": r.part.halted,
                "reasons": r.application.reasons if r.application.status == "denied" else "",
            }
            for r in rows
        ],
    }
