import pytest
from django.core import mail

from dgov.notifications.models import Channel, Notification
from dgov.notifications.outbox import _claim, notify, send_pending
from dgov.notifications.sms import MemoryBackend

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _memory_sms(settings):
    settings.SMS_BACKEND = "dgov.notifications.sms.MemoryBackend"
    MemoryBackend.outbox = []


def test_a_notice_is_queued_in_the_app_by_mail_and_by_text(citizen, district):
    citizen.email = "li@example.cn"
    citizen.save()
    rows = notify(district=district, recipient=citizen, subject="已受理", body="您的申请已受理", sms_to="13812345678")
    assert sorted(r.channel for r in rows) == [Channel.APP, Channel.EMAIL, Channel.SMS]
    assert Notification.objects.for_user(citizen).count() == 1


def test_an_e_mail_address_of_the_longest_valid_length_is_queued_and_sent(citizen, district):
    """A user's e-mail may be 254 characters (RFC 5321, Django's EmailField): the outbox
    holds it (a varchar(200) refused it on PostgreSQL, and with it the act that notified)."""
    citizen.email = ("a" * 64) + "@" + ".".join(["b" * 60, "b" * 60, "c" * 50]) + ".example.cn"  # 248
    assert len(citizen.email) > 200
    citizen.save()
    notify(district=district, recipient=citizen, subject="已受理", body="您的申请已受理")
    assert Notification.objects.get(channel=Channel.EMAIL).address == citizen.email
    assert send_pending() == 1 and mail.outbox[0].to == [citizen.email]


def test_the_runner_sends_each_message_once(citizen, district):
    citizen.email = "li@example.cn"
    citizen.save()
    notify(district=district, recipient=citizen, subject="已受理", body="您的申请已受理", sms_to="13812345678")
    assert send_pending() == 2
    assert send_pending() == 0
    assert len(mail.outbox) == 1
    assert mail.outbox[0].extra_headers["Message-ID"].startswith("<notification-")
    assert MemoryBackend.outbox == [("13812345678", "您的申请已受理")]


def test_a_message_claimed_by_one_runner_is_not_taken_by_another(citizen, district):
    from dgov.lib import clock

    citizen.email = "li@example.cn"
    citizen.save()
    (_app, email) = notify(district=district, recipient=citizen, subject="s", body="b")
    now = clock.now()
    assert _claim(email.pk, now)
    assert not _claim(email.pk, now)
    assert send_pending() == 0


def test_a_message_rolled_back_with_its_act_is_never_sent(citizen, district):
    from django.db import transaction

    citizen.email = "li@example.cn"
    citizen.save()
    with pytest.raises(RuntimeError), transaction.atomic():
        notify(district=district, recipient=citizen, subject="s", body="b")
        raise RuntimeError("the act failed")
    assert send_pending() == 0
    assert not Notification.objects.exists()


def test_a_runner_killed_between_sending_and_marking_causes_no_second_text(citizen, district, monkeypatch):
    """The runner hands the message over and dies before it marks the row sent (the
    reported double SMS). The next runner takes the claim over and sends again with the
    same de-duplication key: the message is delivered once, and marked sent."""
    import datetime as dt

    from dgov.notifications import outbox
    from dgov.notifications.models import Delivery

    (sms,) = notify(district=district, recipient=None, subject="s", body="您的证照已制作", sms_to="13812345678")
    real_update = outbox.Notification.objects.filter

    class Killed(BaseException):
        """What kill -9 looks like from inside: nothing after this line runs."""

    def dies_when_marking(*args, **kwargs):
        query = real_update(*args, **kwargs)
        if "pk" in kwargs and MemoryBackend.outbox:
            raise Killed
        return query

    monkeypatch.setattr(outbox.Notification.objects, "filter", dies_when_marking)
    with pytest.raises(Killed):
        send_pending()
    monkeypatch.undo()
    assert Notification.objects.get(pk=sms.pk).sent_at is None
    # The claim of the dead runner expires; another runner picks the row up.
    Notification.objects.filter(pk=sms.pk).update(claimed_at=sms.created_at - dt.timedelta(hours=1))
    assert send_pending() == 1
    assert MemoryBackend.outbox == [("13812345678", "您的证照已制作")]
    assert Notification.objects.get(pk=sms.pk).sent_at is not None
    assert Delivery.objects.filter(key=sms.dedup_key).count() == 1


def test_every_text_carries_the_notifications_key_to_the_gateway(citizen, district, settings):
    seen: list[str] = []

    class Gateway:
        def send(self, phone, text, *, dedup_key):
            seen.append(dedup_key)

    import dgov.notifications.tests.test_outbox as here

    here.Gateway = Gateway
    settings.SMS_BACKEND = "dgov.notifications.tests.test_outbox.Gateway"
    (sms,) = notify(district=district, recipient=None, subject="s", body="b", sms_to="13812345678")
    assert send_pending() == 1
    assert seen == [f"dgov-notification-{sms.pk}"]
