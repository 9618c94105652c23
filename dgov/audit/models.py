import datetime as dt
import json
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dgov.accounts.models import DistrictScopedQuerySet
from dgov.audit import readable
from dgov.audit.verbs import verb_label


class Outcome(models.TextChoices):
    OK = "ok", _("Done")
    DENIED = "denied", _("Denied")
    FAILED = "failed", _("Failed")


# The columns the hash chain covers, in the order ``canonical_from_row`` reads them.
CANONICAL_COLUMNS = (
    "id",
    "at",
    "district_id",
    "actor_id",
    "actor_name",
    "role",
    "ip",
    "verb",
    "object_type",
    "object_id",
    "object_repr",
    "changes",
    "request_id",
    "outcome",
)


def utc_text(value: dt.datetime | str) -> str:
    """A timestamp as ``YYYY-MM-DDTHH:MM:SS.ffffffZ`` in UTC, whatever the database gave:
    PostgreSQL an aware datetime, SQLite a naive one (or its text) already in UTC."""
    if isinstance(value, str):
        # SQLite's own text, "YYYY-MM-DD HH:MM:SS[.ffffff]": rewritten without parsing
        # (the walk over a million entries reads it twice each).
        if len(value) == 26 and value[10] == " " and value[19] == ".":
            return f"{value[:10]}T{value[11:]}Z"
        if len(value) == 19 and value[10] == " ":
            return f"{value[:10]}T{value[11:]}.000000Z"
        value = dt.datetime.fromisoformat(value)
    if value.tzinfo is not None and value.utcoffset():
        value = value.astimezone(dt.UTC)
    return value.replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def canonical_from_row(row: Sequence[Any]) -> dict[str, Any]:
    """The canonical form of an entry from its raw column values (``CANONICAL_COLUMNS``).

    ``changes`` arrives as JSON text from a raw cursor (both backends) and as a dict from
    the ORM; either way it is parsed here and re-serialised with sorted keys by
    ``canonical_bytes``, so PostgreSQL's jsonb key order does not matter.
    """
    changes = row[11]
    if isinstance(changes, str | bytes):
        changes = json.loads(changes)
    return {
        "seq": row[0],
        "at": utc_text(row[1]),
        "district": row[2],
        "actor": row[3],
        "actor_name": row[4],
        "role": row[5],
        "ip": row[6],
        "verb": row[7],
        "object_type": row[8],
        "object_id": row[9],
        "object_repr": row[10],
        "changes": changes,
        "request_id": row[12],
        "outcome": row[13],
    }


def canonical_bytes(data: dict[str, Any]) -> bytes:
    """Sorted-key compact JSON, ASCII only (a lone surrogate cannot break the encoding)."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode("ascii")


class AuditEntry(models.Model):
    """One append-only record per act (全程留痕).

    The primary key is the sequence number of the hash chain. Rows are never updated
    or deleted: database triggers reject both (migration 0002). On PostgreSQL the key's
    default takes the transaction id before the sequence number, which the chainer's
    rule relies on (see ``dgov.audit.chain``).
    """

    id = models.BigAutoField(primary_key=True)
    at = models.DateTimeField(_("time (UTC)"), db_index=True)
    district = models.ForeignKey(
        # Indexed together with the id (audit_district_recent_idx) for the list page.
        "accounts.District",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        # No database constraint on the district and the actor (PROTECT still holds in
        # the ORM): every act appends an entry, and a foreign-key check takes a share lock
        # on the same district and user rows from every concurrent transaction (decision 0011).
        db_constraint=False,
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
    )
    actor_name = models.CharField(_("actor"), max_length=150, blank=True)
    # Every role the actor holds, comma-separated: a TEXT, as a person may hold them all.
    role = models.TextField(_("role"), blank=True)
    ip = models.GenericIPAddressField(_("client address"), null=True, blank=True)
    verb = models.CharField(_("act"), max_length=64)
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    changes = models.JSONField(_("change"), default=dict, blank=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, default=Outcome.OK)
    # A MAC made where the entry is built, with a key outside the database
    # (dgov/audit/seal.py): the chainer refuses a row whose seal does not hold.
    seal = models.CharField(_("seal"), max_length=48, blank=True, editable=False)

    objects = DistrictScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        permissions = [("view_audit_trail", "Can read the whole audit trail of the district")]
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="audit_object_idx"),
            models.Index(fields=["district", "id"], name="audit_district_recent_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.verb} {self.object_type}:{self.object_id}"

    @property
    def verb_label(self) -> str:
        """The act in words, in the active language (the code stays for filters)."""
        return verb_label(self.verb)

    @property
    def role_labels(self) -> list[str]:
        """The actor's roles at the time, in words."""
        return readable.role_labels(self.role)

    @property
    def object_type_label(self) -> str:
        return readable.object_type_label(self.object_type)

    def canonical(self) -> dict[str, Any]:
        """The fields the hash chain covers, in a stable form (as read from the database:
        an entry fresh from ``record()`` may still hold values the database normalises)."""
        return canonical_from_row([getattr(self, column) for column in CANONICAL_COLUMNS])


class AuditLink(models.Model):
    """The hash chain, one link per entry, appended in sequence order by the chainer:
    ``chain_hash = sha256(previous chain_hash || canonical_bytes(entry))``.

    No foreign key to the entry on purpose: a link whose entry vanished is evidence to
    report, not a constraint to trip over.
    """

    seq = models.BigIntegerField(_("sequence number"), primary_key=True)
    chain_hash = models.CharField(_("chain hash"), max_length=64)

    class Meta:
        verbose_name = _("audit chain link")
        verbose_name_plural = _("audit chain links")

    def __str__(self) -> str:
        return f"#{self.seq} {self.chain_hash[:12]}"


class Rebaseline(models.Model):
    """A re-baseline after the database was restored from a backup: one administrator
    asks, another agrees, and the agreement is appended to the checkpoint file as a
    signed "restored to #seq" line (``dgov.audit.actions``). Without it ``verify_audit``
    reports the entries the restore undid as removed."""

    seq = models.BigIntegerField(_("restored to entry"))
    chain_hash = models.CharField(_("chain hash"), max_length=64)
    reason = models.TextField(_("reason"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("requested by")
    )
    requested_at = models.DateTimeField(_("requested at"))
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("agreed by"),
    )
    approved_at = models.DateTimeField(_("agreed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("re-baseline")
        verbose_name_plural = _("re-baselines")
        permissions = [("rebaseline_audit_trail", "Can ask for and agree to a re-baseline of the audit trail")]

    def __str__(self) -> str:
        return f"#{self.seq}"


class AuditCheckpoint(models.Model):
    """A copy, for display, of a signed checkpoint written to the checkpoint file."""

    seq = models.BigIntegerField(_("sequence number"))
    chain_hash = models.CharField(_("chain hash"), max_length=64)
    at = models.DateTimeField(_("time (UTC)"))
    key_id = models.CharField(_("key id"), max_length=16)

    class Meta:
        verbose_name = _("audit checkpoint")
        verbose_name_plural = _("audit checkpoints")

    def __str__(self) -> str:
        return f"#{self.seq} at {self.at:%Y-%m-%d %H:%M}"
