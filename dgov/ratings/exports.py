"""Ratings and rectifications as CSV / .xlsx (``dgov.lib.exports``). Department-scoped
roles get their department's only, as on the pages; comments are masked."""

from typing import Any

from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from dgov.accounts.access import is_staff
from dgov.accounts.models import User
from dgov.accounts.roles import DEPARTMENT_SCOPED
from dgov.lib.exports import Column, Export
from dgov.lib.personal import mask_text
from dgov.lib.rules import Verdict, allow, hide
from dgov.ratings.forms import RectificationFilterForm
from dgov.ratings.models import Rating, Rectification
from dgov.ratings.permissions import VIEW_RATINGS


def may_read(user: User) -> Verdict:
    return allow() if is_staff(user) and user.has_perm(VIEW_RATINGS) else hide(_("Your role does not see the ratings."))


def ratings(user: User, query: QueryDict) -> Any:
    found = Rating.objects.visible_to(user)
    roles = set(user.roles)
    if roles and roles <= DEPARTMENT_SCOPED:
        found = found.filter(department_id=user.department_id)
    return found.select_related("application", "department", "item__current_version", "window").order_by(
        "-rated_on", "-pk"
    )


def rectifications(user: User, query: QueryDict) -> Any:
    form = RectificationFilterForm(query)
    if not form.is_valid():
        raise ValidationError([str(e) for errors in form.errors.values() for e in errors])
    status = form.cleaned_data["status"] or Rectification.Status.OPEN
    return (
        Rectification.objects.visible_to(user)
        .filter(status=status)
        .select_related("deadline", "rating__application", "rating__department", "rating__item__current_version")
        .order_by("deadline__due_date", "pk")
    )


def _item(rating: Rating) -> str:
    current = rating.item.current_version
    return current.name if current else rating.item.code


EXPORTS = [
    Export(
        "ratings.ratings",
        _("Ratings"),
        may_read,
        ratings,
        [
            Column(_("Rated on"), lambda r: r.rated_on),
            Column(_("Application number"), lambda r: r.application.number),
            Column(_("Service item"), _item),
            Column(_("Department"), lambda r: r.department.name),
            Column(_("Window"), lambda r: r.window.number if r.window else ""),
            Column(_("Rating"), lambda r: r.get_level_display()),
            Column(_("Score"), lambda r: r.level),
            Column(_("Source"), lambda r: r.get_source_display()),
            Column(_("Comment"), lambda r: mask_text(r.comment)),
            Column(_("Excluded from statistics"), lambda r: r.excluded),
        ],
    ),
    Export(
        "ratings.rectifications",
        _("Rectifications"),
        may_read,
        rectifications,
        [
            Column(_("Application number"), lambda r: r.rating.application.number),
            Column(_("Service item"), lambda r: _item(r.rating)),
            Column(_("Department"), lambda r: r.rating.department.name),
            Column(_("Rating"), lambda r: r.rating.get_level_display()),
            Column(_("Status"), lambda r: r.get_status_display()),
            Column(_("Due date"), lambda r: r.deadline.due_date),
            Column(_("Called back on"), lambda r: r.called_back_on),
            Column(_("Closed on"), lambda r: r.closed_on),
            Column(_("Closed late"), lambda r: r.closed_late),
        ],
    ),
]
