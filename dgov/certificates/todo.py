"""The seal officer's queue for the staff home's to-do (``dgov.lib.todo``)."""

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from dgov.accounts.roles import ISSUE_CERTIFICATE
from dgov.applications.models import Application
from dgov.lib.todo import Entry, Queue, measure


def awaiting_issue(user: Any) -> Any:
    """Approved applications of the officer's district whose item issues a certificate
    and that have none yet: the exit window's queue (一口出证)."""
    from dgov.certificates.models import CertificateType
    from dgov.certificates.sealing import APPROVED_STATUSES

    items = CertificateType.objects.filter(district_id=user.district_id, item__isnull=False).values("item_id")
    return Application.objects.filter(
        district_id=user.district_id,
        status__in=APPROVED_STATUSES,
        decided_by__isnull=False,
        item_id__in=items,
        certificates__isnull=True,
        # A bundle's parts come out together through its own joint issue.
        bundle_part__isnull=True,
    )


def entry(application: Application) -> Entry:
    return Entry(
        name=f"{application.number} · {application.item_version.name}",
        url=reverse("applications:case", args=[application.pk]),
        since=application.decided_on,
    )


def queues(user: Any, today: dt.date) -> list[Queue]:
    if not user.has_perm(ISSUE_CERTIFICATE):
        return []
    rows = awaiting_issue(user).select_related("item_version")
    # Once decided, no time limit runs (the issue is the same day's work): no light.
    return [
        measure(
            _("Certificates to issue"),
            reverse("certificates:issue_queue"),
            rows,
            today=today,
            since="decided_on",
            entry=entry,
        )
    ]
