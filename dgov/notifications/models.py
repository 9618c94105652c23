from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    APP = "app", _("In the app")
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("Text message")


class NotificationQuerySet(models.QuerySet):
    def for_user(self, user: object) -> "NotificationQuerySet":
        return self.filter(recipient=user, channel=Channel.APP)

    def unsent(self) -> "NotificationQuerySet":
        return self.filter(sent_at__isnull=True, failed=False).exclude(channel=Channel.APP)


class Notification(models.Model):
    """The outbox: written in the same transaction as the act it announces.

    In-app notifications are read straight from this table. E-mail and text messages are
    sent by the job runner (``send_pending``), which claims each row with a conditional
    UPDATE so two runners never send the same message.
    """

    # Written on every transition: no index of their own (the inbox index leads with the
    # recipient; nothing looks notifications up by district), and no database constraint
    # on the district, which every transaction would share-lock (decision 0011).
    district = models.ForeignKey(
        "accounts.District", on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
        db_index=False,
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    # An e-mail address (up to 254 characters, RFC 5321) or a phone number.
    address = models.CharField(_("address"), max_length=254, blank=True)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message"))
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    failed = models.BooleanField(default=False)
    last_error = models.CharField(max_length=300, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at"]
        indexes = [
            # The job runner's queue: unsent outbound messages only.
            models.Index(
                fields=["created_at"],
                condition=models.Q(sent_at__isnull=True, failed=False) & ~models.Q(channel="app"),
                name="notification_queue_idx",
            ),
            models.Index(fields=["recipient", "channel", "read_at"], name="notification_inbox_idx"),
        ]

    def __str__(self) -> str:
        return self.subject

    @property
    def message_id(self) -> str:
        """Stable per notification: a resend after a crash carries the same Message-ID,
        so the receiving side can drop the duplicate."""
        return f"<notification-{self.pk}@dgov.local>"

    @property
    def dedup_key(self) -> str:
        """The gateway's de-duplication key: the same for every attempt to send this row."""
        return f"dgov-notification-{self.pk}"


class Delivery(models.Model):
    """A message handed to a built-in backend, by its de-duplication key: what a real
    gateway keeps on its side to deliver each key once (``dgov.notifications.sms``)."""

    key = models.CharField(max_length=100, unique=True)
    channel = models.CharField(max_length=10)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")

    def __str__(self) -> str:
        return self.key
