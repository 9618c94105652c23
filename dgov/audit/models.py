from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Outcome(models.TextChoices):
    OK = "ok", _("Done")
    DENIED = "denied", _("Denied")
    FAILED = "failed", _("Failed")


class AuditEntry(models.Model):
    """One append-only record per act (全程留痕).

    The primary key is the sequence number of the hash chain. Rows are never updated
    or deleted: database triggers reject both (see the migrations).
    """

    id = models.BigAutoField(primary_key=True)
    at = models.DateTimeField(_("time (UTC)"), db_index=True)
    district = models.ForeignKey(
        "accounts.District", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_name = models.CharField(_("actor"), max_length=150, blank=True)
    role = models.CharField(_("role"), max_length=200, blank=True)
    ip = models.GenericIPAddressField(_("client address"), null=True, blank=True)
    verb = models.CharField(_("act"), max_length=64)
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    changes = models.JSONField(_("change"), default=dict, blank=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, default=Outcome.OK)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        permissions = [("view_audit_trail", "Can read the whole audit trail of the district")]
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object_idx")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.verb} {self.object_type}:{self.object_id}"

    def canonical(self) -> dict[str, Any]:
        """The fields the hash chain covers, in a stable form."""
        return {
            "seq": self.pk,
            "at": self.at.isoformat(),
            "district": self.district_id,
            "actor": self.actor_id,
            "actor_name": self.actor_name,
            "role": self.role,
            "ip": self.ip,
            "verb": self.verb,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "object_repr": self.object_repr,
            "changes": self.changes,
            "request_id": self.request_id,
            "outcome": self.outcome,
        }
