"""Writing to the outbox, and sending from it.

``notify`` is called inside the transaction of the act: the notification commits or rolls
back with it, so nothing is announced that did not happen and nothing that happened is
lost if the process dies before sending. ``send_pending`` (job runner) claims each row by
a conditional UPDATE before sending, so two runners never send the same row; a claim left
by a runner that died is taken over after ``settings.OUTBOX_CLAIM_TIMEOUT``. The one window where a message
could go out twice (sent, then the process dies before marking it sent) is closed by the
notification's stable key: a text message carries it as the gateway's de-duplication key
(``dgov.notifications.sms``), an e-mail as its Message-ID.
"""

from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import models
from django.utils.module_loading import import_string

from dgov.lib import clock, fastsql
from dgov.notifications.models import Channel, Notification

MAX_ATTEMPTS = 5


def notify(
    *,
    district: Any,
    recipient: Any,
    subject: str,
    body: str,
    obj: models.Model | None = None,
    email: bool = True,
    sms_to: str = "",
) -> list[Notification]:
    """Queue an in-app notice for ``recipient``, an e-mail where they have an address,
    and a text message to ``sms_to``; returns the rows (one bulk insert)."""
    return queue(
        notifications(
            district=district, recipient=recipient, subject=subject, body=body, obj=obj, email=email, sms_to=sms_to
        )
    )


# The one INSERT of a notification: ``queue`` sends it for each row, a transition of an
# application with the transition's other writes in one statement (``writing``; decision 0011).
NOTIFICATION = fastsql.Statement(
    """
    INSERT INTO notifications_notification
           (district_id, recipient_id, channel, address, subject, body, object_type, object_id,
            created_at, read_at, claimed_at, sent_at, attempts, failed, last_error)
    VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)
    RETURNING id
    """
)


def writing(rows: list[Notification]) -> list[fastsql.Write]:
    """The INSERTs of unsaved rows (from ``notifications``), for ``fastsql.run``."""
    return [fastsql.inserting(NOTIFICATION, row) for row in rows]


def queue(rows: list[Notification]) -> list[Notification]:
    """Write the rows of ``notifications``: one statement."""
    if rows:
        fastsql.run(writing(rows))
    return rows


def notifications(
    *,
    district: Any,
    recipient: Any,
    subject: str,
    body: str,
    obj: models.Model | None = None,
    email: bool = True,
    sms_to: str = "",
) -> list[Notification]:
    """The rows ``notify`` writes, unsaved: for a caller that writes them together with
    other rows in one statement (``writing``)."""
    related = {"object_type": obj._meta.label_lower, "object_id": str(obj.pk)} if obj is not None else {}
    rows = []
    if recipient is not None:
        rows.append(
            Notification(
                district=district, recipient=recipient, channel=Channel.APP, subject=subject, body=body, **related
            )
        )
    if email and recipient is not None and recipient.email:
        rows.append(
            Notification(
                district=district,
                recipient=recipient,
                channel=Channel.EMAIL,
                address=recipient.email,
                subject=subject,
                body=body,
                **related,
            )
        )
    phone = sms_to
    if phone:
        rows.append(
            Notification(
                district=district,
                recipient=recipient,
                channel=Channel.SMS,
                address=phone,
                subject=subject,
                body=body,
                **related,
            )
        )
    return rows


def _claim(pk: int, now: Any) -> bool:
    stale = now - settings.OUTBOX_CLAIM_TIMEOUT
    claimed = (
        Notification.objects.filter(pk=pk, sent_at__isnull=True, failed=False)
        .filter(models.Q(claimed_at__isnull=True) | models.Q(claimed_at__lt=stale))
        .update(claimed_at=now, attempts=models.F("attempts") + 1)
    )
    return claimed == 1


def _send(notification: Notification) -> None:
    if notification.channel == Channel.EMAIL:
        message = EmailMessage(
            subject=notification.subject,
            body=notification.body,
            to=[notification.address],
            headers={"Message-ID": notification.message_id},
        )
        message.send()
    elif notification.channel == Channel.SMS:
        backend = import_string(settings.SMS_BACKEND)()
        backend.send(notification.address, notification.body, dedup_key=notification.dedup_key)


def send_pending(limit: int = 200) -> int:
    """Send up to ``limit`` queued e-mails and text messages; returns how many went out."""
    sent = 0
    candidates = list(Notification.objects.unsent().order_by("created_at").values_list("pk", flat=True)[:limit])
    for pk in candidates:
        now = clock.now()
        if not _claim(pk, now):
            continue
        notification = Notification.objects.get(pk=pk)
        try:
            _send(notification)
        except Exception as error:  # noqa: BLE001 — any transport failure is retried later
            Notification.objects.filter(pk=pk).update(
                claimed_at=None,
                last_error=str(error)[:300],
                failed=notification.attempts >= MAX_ATTEMPTS,
            )
            continue
        Notification.objects.filter(pk=pk).update(sent_at=clock.now())
        sent += 1
    return sent
