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
