"""``{% case_notices application %}`` and ``{% bundle_notices bundle_application %}``: the
documents of a case on its page. Staff see every one, waiting for the seal or sealed, with
its service (opened by the applicant, printed at a window); the applicant sees the sealed
ones addressed to them."""

from typing import Any

from django import template
from django.db.models import Prefetch

from dgov.notices.models import Notice, NoticeEvent
from dgov.notices.rules import may_print

register = template.Library()


def _context(context: Any, notices: Any) -> dict[str, Any]:
    user = context["request"].user
    staff = getattr(user, "kind", "") == "staff"
    if not staff:
        notices = notices.filter(sealed_at__isnull=False)
    rows = list(
        notices.select_related("requested_by", "sealed_by").prefetch_related(
            Prefetch(
                "events",
                queryset=NoticeEvent.objects.filter(verb=NoticeEvent.Verb.PRINTED).select_related("by"),
                to_attr="printings",
            )
        )
    )
    for notice in rows:
        notice.may_print = may_print(user, notice)  # type: ignore[attr-defined]
    return {"notices": rows, "staff": staff, "csrf_token": context.get("csrf_token")}


@register.inclusion_tag("notices/_case.html", takes_context=True)
def case_notices(context: Any, application: Any) -> dict[str, Any]:
    return _context(context, Notice.objects.filter(application=application))


@register.inclusion_tag("notices/_case.html", takes_context=True)
def bundle_notices(context: Any, bundle_application: Any) -> dict[str, Any]:
    return _context(context, Notice.objects.filter(bundle_application=bundle_application))


@register.inclusion_tag("notices/_mine.html", takes_context=True)
def my_notices(context: Any) -> dict[str, Any]:
    """For 我的办件: the applicant's latest documents and whether each is opened."""
    user = context["request"].user
    rows = Notice.objects.held_by(user).select_related("application", "bundle_application")
    return {"notices": list(rows.order_by("-sealed_at", "-pk")[:10])}
