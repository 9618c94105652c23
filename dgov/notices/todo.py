"""Written notices waiting for the seal, for the staff home's to-do (``dgov.lib.todo``)."""

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from dgov.lib.todo import Entry, Queue, measure
from dgov.notices.models import Notice
from dgov.notices.rules import may_see_queue
from dgov.notices.sealing import waiting


def queues(user: Any, today: dt.date) -> list[Queue]:
    if not may_see_queue(user) or user.district_id is None:
        return []
    url = reverse("notices:queue")

    def entry(notice: Notice) -> Entry:
        return Entry(name=f"{notice.title} ({notice.case})", url=url, since=notice.requested_at)

    # Sealing is the same day's work: no deadline light.
    return [
        measure(
            _("Written notices to seal"), url, waiting(user.district_id), today=today, since="requested_at", entry=entry
        )
    ]
