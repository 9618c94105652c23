"""Writing to the audit trail.

Call ``record`` inside the ``transaction.atomic`` block of the act it records, so an act
and its trace commit or roll back together::

    with transaction.atomic():
        application.accept(by=user)
        record("application.accept", application, changes={"status": [old, new]})
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.ipv6 import clean_ipv6_address

from dgov.audit import context
from dgov.audit.models import CANONICAL_COLUMNS, AuditEntry, Outcome
from dgov.audit.seal import seal
from dgov.lib import clock, fastsql
from dgov.lib.personal import mask_address, mask_id_number, mask_phone, mask_text

# Fields whose values are personal data: the trail keeps them masked.
PERSONAL_FIELDS = {
    "id_number": mask_id_number,
    "representative_id_number": mask_id_number,
    "phone": mask_phone,
    "address": mask_address,
}
# Free text staff type (reasons, notes, replies): ID and mobile numbers in it are masked.
# Only these keys: masking every string would also "mask" digits inside hashes and codes.
FREE_TEXT_KEYS = frozenset(
    {"note", "notes", "reason", "reasons", "decision", "comment", "body", "fix", "reply", "callback_note"}
)


def _mask_free_text(changes: dict[str, Any]) -> dict[str, Any]:
    def masked(value: Any) -> Any:
        if isinstance(value, str):
            return mask_text(value)
        if isinstance(value, list):
            return [masked(v) for v in value]
        return value

    return {key: masked(value) if key in FREE_TEXT_KEYS else value for key, value in changes.items()}


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """``{"field": [old, new]}`` for every field that changed, personal data masked."""
    changes: dict[str, list[Any]] = {}
    for key in sorted(set(before) | set(after)):
        old, new = before.get(key), after.get(key)
        if old != new:
            mask = PERSONAL_FIELDS.get(key)
            if mask:
                old = mask(old) if old else old
                new = mask(new) if new else new
            changes[key] = [_jsonable(old), _jsonable(new)]
    return changes


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str | list | dict):
        return value
    if isinstance(value, models.Model):
        return value.pk
    return str(value)


# The one INSERT of an entry: ``record`` sends it alone, a transition of an application
# with the transition's other writes in one statement (``writing``; decision 0011).
ENTRY = fastsql.Statement(
    """
    INSERT INTO audit_auditentry
           (at, district_id, actor_id, actor_name, role, ip, verb, object_type, object_id,
            object_repr, changes, request_id, outcome, seal)
    VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)
    RETURNING id
    """
)


def writing(trace: AuditEntry) -> fastsql.Write:
    """The INSERT of an unsaved entry (from ``entry``), for ``fastsql.run``."""
    return fastsql.inserting(ENTRY, trace)


def record(
    verb: str,
    obj: models.Model | None = None,
    *,
    actor: Any = None,
    changes: dict[str, Any] | None = None,
    outcome: str = Outcome.OK,
    district: Any = None,
    object_type: str = "",
    object_id: str = "",
) -> AuditEntry:
    """Append one entry. Actor, role, address and request id default to the current
    request's; district defaults to the object's, then the actor's."""
    # One INSERT and nothing else: no savepoint, no read of the chain (dgov/audit/chain.py).
    trace = entry(
        verb,
        obj,
        actor=actor,
        changes=changes,
        outcome=outcome,
        district=district,
        object_type=object_type,
        object_id=object_id,
    )
    fastsql.run([writing(trace)])
    return trace


def entry(
    verb: str,
    obj: models.Model | None = None,
    *,
    actor: Any = None,
    changes: dict[str, Any] | None = None,
    outcome: str = Outcome.OK,
    district: Any = None,
    object_type: str = "",
    object_id: str = "",
) -> AuditEntry:
    """The entry ``record`` appends, unsaved and sealed (``dgov.audit.seal``): for a
    caller that writes it together with other rows in one statement (``writing``).
    Every entry is built here. ``object_id=fastsql.HEAD_PK``: the id the statement's
    first write returns (a submission's trace of the application it inserts)."""
    ctx = context.current.get()
    if actor is None and ctx is not None:
        user = getattr(ctx.request, "user", None)
        if user is not None and user.is_authenticated:
            actor = user
    if district is None:
        district = getattr(obj, "district", None) if obj is not None else None
        if district is None and actor is not None:
            district = getattr(actor, "district", None)
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    built = AuditEntry(
        at=clock.now(),
        district=district,
        actor=actor,
        actor_name=getattr(actor, "username", "") if actor is not None else "",
        role=",".join(getattr(actor, "role_codes", [])) if actor is not None else "",
        ip=_stored_address(ctx.ip) if ctx else None,
        verb=verb,
        object_type=object_type,
        object_id=object_id,
        object_repr=str(obj)[:200] if obj is not None else "",
        changes=_mask_free_text(changes) if changes else {},
        request_id=ctx.request_id if ctx else "",
        outcome=outcome,
    )
    # Sealed from the values as the table will hold them: the seal is checked against
    # what the chainer and verify_audit read back.
    built.seal = seal([getattr(built, column) for column in CANONICAL_COLUMNS])
    return built


def _stored_address(ip: str | None) -> str | None:
    """The address as ``GenericIPAddressField`` stores it (IPv6 compressed)."""
    if ip and ":" in ip:
        try:
            return clean_ipv6_address(ip)
        except ValidationError:
            return None
    return ip or None
