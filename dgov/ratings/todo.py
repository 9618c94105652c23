"""Bad ratings to rectify, for the staff home's to-do (``dgov.lib.todo``)."""

import datetime as dt
from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from dgov.lib.todo import Entry, Queue, measure
from dgov.ratings.models import Rectification
from dgov.ratings.permissions import VIEW_RATINGS


def entry(rectification: Rectification) -> Entry:
    rating = rectification.rating
    return Entry(
        name=f"{rating.application.number} · {rating.get_level_display()}",
        url=reverse("ratings:rectification", args=[rectification.pk]),
        due=rectification.deadline.due_date,
        since=rating.rated_on,
    )


def queues(user: Any, today: dt.date) -> list[Queue]:
    if not user.has_perm(VIEW_RATINGS):
        return []
    rows = Rectification.objects.visible_to(user).open().select_related("deadline", "rating__application")
    return [
        measure(
            _("Bad ratings to rectify"),
            reverse("ratings:rectifications"),
            rows,
            today=today,
            since="rating__rated_on",
            entry=entry,
            due="deadline__due_date",
            kind="rating",
            stopped=Q(deadline__stopped_since__isnull=False),
        )
    ]
