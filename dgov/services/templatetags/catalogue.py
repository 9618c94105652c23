from typing import Any

from django import template

from dgov.services.localise import localised

register = template.Library()


@register.filter
def tr(obj: Any, field: str = "name") -> str:
    """``{{ item.current_version|tr }}``, ``{{ event|tr:"description" }}``: catalogue data
    in the visitor's language (``dgov.services.localise``)."""
    if obj is None:
        return ""
    return localised(obj, field)
