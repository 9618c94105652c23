"""An audit entry as a person reads it: roles, object types and changes in words.

Entries keep stable codes (``window_clerk``, ``applications.application``, ``{"status":
["submitted", "accepted"]}``) that the filters, the export's code column and the hash
chain use; pages show the translated names: the role's label, the model's verbose name,
the field's verbose name and its choice's label. Like ``dgov.audit.verbs``, a code with no
name reads as a neutral word rather than showing itself.
"""

import json
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext, pgettext_lazy

from dgov.accounts.roles import Role

OTHER_ROLE = pgettext_lazy("audit role", "Other role")
OTHER_OBJECT = pgettext_lazy("audit object", "Other record")

# Object types recorded without a model behind them.
OBJECT_TYPES: dict[str, Promise] = {
    "export": pgettext_lazy("audit object", "Export"),
}

# Keys of ``changes`` that are not a field of the entry's object (the reasons, notes and
# counts the acts record beside their fields).
CHANGE_NAMES: dict[str, Promise] = {
    "reason": pgettext_lazy("audit change", "Reason"),
    "note": pgettext_lazy("audit change", "Note"),
    "why": pgettext_lazy("audit change", "Reason"),
    "purpose": pgettext_lazy("audit change", "Purpose"),
    "rows": pgettext_lazy("audit change", "Rows"),
    "via": pgettext_lazy("audit change", "Through"),
    "approve": pgettext_lazy("audit change", "Approved"),
    "approvals": pgettext_lazy("audit change", "Approvals"),
    "seat": pgettext_lazy("audit change", "Seat"),
    "created": pgettext_lazy("audit change", "Created"),
    "updated": pgettext_lazy("audit change", "Updated"),
    "unchanged": pgettext_lazy("audit change", "Unchanged"),
    "added": pgettext_lazy("audit change", "Added"),
    "removed": pgettext_lazy("audit change", "Removed"),
    "days": pgettext_lazy("audit change", "Days"),
    "due": pgettext_lazy("audit change", "Due"),
    "format": pgettext_lazy("audit change", "Format"),
}


def role_labels(codes: str) -> list[str]:
    """``"auditor,window_clerk"`` → the roles' names in the active language."""
    return [str(Role(code).label) if code in Role.values else str(OTHER_ROLE) for code in codes.split(",") if code]


def _model(object_type: str) -> type[models.Model] | None:
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def object_type_label(object_type: str) -> str:
    """``applications.application`` → the model's verbose name in the active language."""
    if object_type in OBJECT_TYPES:
        return str(OBJECT_TYPES[object_type])
    model = _model(object_type)
    if model is None or not named(model):
        return str(OTHER_OBJECT)
    return capfirst(str(model._meta.verbose_name))


def named(model: type[models.Model]) -> bool:
    """Whether the model's name was written (and translated) by people: Django's default,
    made from the class name, is English in every language."""
    return "verbose_name" in model._meta.original_attrs


def _field(model: type[models.Model] | None, name: str) -> Any:
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def _value(value: Any, field: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    choices = dict(field.flatchoices) if field is not None and getattr(field, "choices", None) else {}
    if isinstance(value, str | int) and value in choices:
        return str(choices[value])
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _name(name: str, field: Any) -> str:
    if field is not None and hasattr(field, "verbose_name"):
        return capfirst(str(field.verbose_name))
    if name in CHANGE_NAMES:
        return str(CHANGE_NAMES[name])
    return name


def change_lines(object_type: str, changes: Any) -> list[tuple[str, str]]:
    """``{"field": [old, new]}`` as (field's name, "old → new"), statuses by their labels;
    anything else as it is."""
    if not isinstance(changes, dict):
        return [("", _value(changes, None))]
    model = _model(object_type)
    lines = []
    for name, value in changes.items():
        field = _field(model, str(name))
        if isinstance(value, list) and len(value) == 2:
            lines.append((_name(str(name), field), f"{_value(value[0], field)} → {_value(value[1], field)}"))
        else:
            lines.append((_name(str(name), field), _value(value, field)))
    return lines
