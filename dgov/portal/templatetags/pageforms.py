"""``{{ form|ids:"lose" }}``: the same form with its element ids scoped to one use.

A page that shows a form more than once (a reason form under each of three buttons, one
moderation form per comment) or two forms sharing a field name would render ``id_reason``
twice: labels then point at the wrong input and assistive technology reads the wrong
name. Field names, and so what is posted, do not change.
"""

import copy
import re
from typing import Any

from django import template

register = template.Library()
_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")


@register.filter
def ids(form: Any, scope: Any) -> Any:
    if form is None or not hasattr(form, "auto_id"):
        return form
    scoped = copy.copy(form)
    scoped.auto_id = f"id_{_UNSAFE.sub('_', str(scope))}_%s"
    scoped._bound_fields_cache = {}
    return scoped
