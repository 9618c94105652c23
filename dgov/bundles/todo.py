"""Bundle applications (一件事) at the window, for the staff home's to-do
(``dgov.lib.todo``): to accept, in parallel approval under the joint limit, to issue."""

import datetime as dt
from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from dgov.accounts.roles import ACCEPT
from dgov.bundles.models import BundleApplication, Status
from dgov.lib.todo import Entry, Queue, measure


def entry(application: BundleApplication) -> Entry:
    deadline = application.joint_deadline
    return Entry(
        name=f"{application.number} · {application.bundle.name}",
        url=reverse("bundles:case", args=[application.pk]),
        due=deadline.due_date if deadline is not None else None,
        since=application.received_on,
    )


def queues(user: Any, today: dt.date) -> list[Queue]:
    if not user.has_perm(ACCEPT):
        return []
    rows = BundleApplication.objects.visible_to(user).select_related("bundle", "joint_deadline")

    def url(status: Status) -> str:
        return f"{reverse('bundles:intake')}?{urlencode({'status': status.value})}"

    return [
        measure(
            _("Bundles to accept"),
            url(Status.SUBMITTED),
            rows.filter(status=Status.SUBMITTED),
            today=today,
            since="received_on",
            entry=entry,
        ),
        measure(
            _("Bundles in parallel approval"),
            url(Status.ACCEPTED),
            rows.filter(status=Status.ACCEPTED),
            today=today,
            since="received_on",
            entry=entry,
            due="joint_deadline__due_date",
            kind="bundle",
            stopped=Q(joint_deadline__stopped_since__isnull=False),
        ),
    ]
