from typing import Any

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag(takes_context=True)
def export_links(context: dict[str, Any], name: str, **extra: Any) -> str:
    """Links to the list ``name`` as CSV and .xlsx, with the page's own filters (and
    ``extra`` parameters)."""
    request = context.get("request")
    query = request.GET.copy() if request is not None else None
    if query is not None:
        for paging in ("page", "before"):
            query.pop(paging, None)
        for key, value in extra.items():
            query[key] = str(value)
    suffix = f"?{query.urlencode()}" if query else ""
    return format_html(
        '<span class="exports">{} <a href="{}" data-export="csv">CSV</a> · <a href="{}" data-export="xlsx">Excel</a></span>',
        _("Download:"),
        reverse("exports:download", args=[name, "csv"]) + suffix,
        reverse("exports:download", args=[name, "xlsx"]) + suffix,
    )
