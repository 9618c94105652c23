"""Issue 19 §4: the lock-out behind a reverse proxy (the test client plays the proxy by
its REMOTE_ADDR and X-Forwarded-For; ``test_behind_a_proxy`` runs a real one)."""

import datetime as dt
import re

import pytest
from django.test import RequestFactory
from django.urls import reverse

from conftest import PASSWORD
from dgov.accounts.models import AccountLock, UnlockCode
from dgov.audit.models import AuditEntry
from dgov.lib.addresses import client_address
from dgov.notifications.models import Channel, Notification
from dgov.notifications.outbox import send_pending
from dgov.notifications.sms import MemoryBackend

pytestmark = pytest.mark.django_db

PROXY = "192.0.2.10"  # the reverse proxy in front of the application
LOGIN = reverse("accounts:login")
UNLOCK = reverse("accounts:unlock")


@pytest.fixture(autouse=True)
def behind_a_proxy(settings):
    settings.TRUSTED_PROXIES = ["192.0.2.0/28", "2001:db8::/64"]
    settings.SMS_BACKEND = "dgov.notifications.sms.MemoryBackend"
    MemoryBackend.outbox = []


def through_proxy(client, username, password, client_ip, *, forwarded_by_client=""):
    """A log-in as the proxy passes it on: the client's own header, then the proxy's hop."""
    chain = ", ".join(part for part in (forwarded_by_client, client_ip) if part)
    return client.post(
        LOGIN, {"username": username, "password": password}, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=chain
    )


def request_from(remote, forwarded=None):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return RequestFactory().get("/", REMOTE_ADDR=remote, **extra)


# -- The client's address ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("remote", "forwarded", "client"),
    [
        (PROXY, "203.0.113.7", "203.0.113.7"),  # the proxy's hop
        (PROXY, "6.6.6.6, 203.0.113.7", "203.0.113.7"),  # what the client wrote is ignored
        (PROXY, "203.0.113.7, 192.0.2.11", "203.0.113.7"),  # two proxies in a row
        (PROXY, "", PROXY),  # the proxy's own request
        (PROXY, "not-an-address", PROXY),
        ("203.0.113.9", "1.2.3.4", "203.0.113.9"),  # not from a proxy: the header is the client's
        ("2001:db8::5", "2001:0db8:0001::7", "2001:db8:1::7"),
    ],
)
def test_the_client_address_is_read_from_the_right_through_trusted_proxies_only(remote, forwarded, client):
    assert client_address(request_from(remote, forwarded)) == client


def test_without_trusted_proxies_the_header_is_never_read(settings):
    settings.TRUSTED_PROXIES = []
    assert client_address(request_from(PROXY, "203.0.113.7")) == PROXY


def test_the_audit_trail_records_the_clients_address(client, clerk):
    through_proxy(client, "clerk", PASSWORD, "203.0.113.44")
    assert AuditEntry.objects.get(verb="auth.login").ip == "203.0.113.44"


# -- Pairs of account and address -------------------------------------------------------


def test_five_typos_by_five_people_behind_one_proxy_do_not_lock_out_the_leader(client, make_staff):
    make_staff("district_leader", "leader", department=None)
    for n in range(5):
        through_proxy(client, f"colleague{n}", "typo", f"203.0.113.{n + 1}")

    assert through_proxy(client, "leader", PASSWORD, "203.0.113.50").status_code == 302


def test_five_failures_lock_the_account_at_that_address_only(client, clerk):
    for _ in range(5):
        last = through_proxy(client, "clerk", "wrong", "203.0.113.9")
    assert last.status_code == 429
    assert through_proxy(client, "clerk", PASSWORD, "203.0.113.9").status_code == 429
    assert through_proxy(client, "clerk", PASSWORD, "203.0.113.10").status_code == 302


def test_an_address_written_by_the_client_does_not_escape_the_lock(client, clerk):
    for n in range(5):
        through_proxy(client, "clerk", "wrong", "203.0.113.9", forwarded_by_client=f"10.9.9.{n}")

    assert through_proxy(client, "clerk", PASSWORD, "203.0.113.9", forwarded_by_client="10.1.1.1").status_code == 429


def test_a_client_that_bypasses_the_proxy_cannot_choose_its_address(client, clerk):
    for n in range(5):
        client.post(
            LOGIN,
            {"username": "clerk", "password": "wrong"},
            REMOTE_ADDR="198.51.100.3",
            HTTP_X_FORWARDED_FOR=f"10.0.0.{n}",
        )

    response = client.post(LOGIN, {"username": "clerk", "password": PASSWORD}, REMOTE_ADDR="198.51.100.3")
    assert response.status_code == 429


# -- An account tried from many addresses -----------------------------------------------


@pytest.fixture
def owner(approver):
    approver.phone, approver.email = "13912345678", "approver@example.com"
    approver.save()
    return approver


def spread_attack(client, username="approver", count=10):
    for n in range(count):
        last = through_proxy(client, username, "guess", f"198.51.100.{n + 1}")
    return last


def test_an_account_tried_from_ten_addresses_is_locked_everywhere_and_people_are_told(client, owner, administrator):
    assert spread_attack(client, count=9).status_code == 200
    response = spread_attack(client, count=10)

    assert response.status_code == 429
    assert "failed log-ins to it came from many places" in response.content.decode()
    lock = AccountLock.objects.get()
    assert (lock.username, lock.user, lock.addresses, lock.unlocked_at) == ("approver", owner, 10, None)
    # Even the right password, from an address never seen before, is refused.
    assert through_proxy(client, "approver", PASSWORD, "203.0.113.200").status_code == 429
    told = set(Notification.objects.values_list("recipient__username", "channel", "address"))
    assert {
        ("approver", Channel.APP, ""),
        ("approver", Channel.EMAIL, "approver@example.com"),
        ("approver", Channel.SMS, "13912345678"),
        ("admin", Channel.APP, ""),
    } <= told
    assert AuditEntry.objects.filter(verb="auth.account_locked", object_id=str(owner.pk)).count() == 1


def test_the_owner_unlocks_with_a_code_sent_by_text_message(client, owner):
    spread_attack(client)
    page = client.get(UNLOCK + "?username=approver")
    assert page.status_code == 200

    response = client.post(UNLOCK, {"step": "ask", "username": "approver"})
    assert response.status_code == 302
    send_pending()
    phone, text = MemoryBackend.outbox[-1]
    code = re.search(r"\b(\d{6})\b", text).group(1)
    assert phone == "13912345678"
    assert UnlockCode.objects.get().code_hash != code  # kept as a keyed hash

    wrong = f"{(int(code) + 1) % 10**6:06d}"
    response = client.post(UNLOCK, {"step": "enter", "username": "approver", "code": wrong})
    assert response.status_code == 400
    assert "The code is wrong or has expired." in response.content.decode()
    assert AccountLock.objects.get().unlocked_at is None
    response = client.post(UNLOCK, {"step": "enter", "username": "approver", "code": code})
    assert response.status_code == 302 and response["Location"] == LOGIN

    assert AccountLock.objects.get().unlocked_at is not None
    assert through_proxy(client, "approver", PASSWORD, "198.51.100.1").status_code == 302
    assert AuditEntry.objects.filter(verb="auth.unlock", object_id=str(owner.pk)).exists()
    assert AuditEntry.objects.filter(verb="auth.unlock_failed").count() == 1


def test_asking_for_a_code_tells_nothing_and_sends_nothing_for_an_unlocked_or_unknown_account(client, owner):
    for username in ("approver", "nobody-at-all"):
        response = client.post(UNLOCK, {"step": "ask", "username": username}, follow=True)
        assert "If this account is locked and its owner has a mobile number on record" in response.content.decode()
    assert not UnlockCode.objects.exists()
    assert not Notification.objects.filter(channel=Channel.SMS).exists()


def test_codes_go_out_at_most_once_a_minute(client, owner, clock):
    spread_attack(client)
    clock.set(dt.datetime.now(dt.UTC))
    client.post(UNLOCK, {"step": "ask", "username": "approver"})
    client.post(UNLOCK, {"step": "ask", "username": "approver"})
    assert UnlockCode.objects.count() == 1
    clock.set(dt.datetime.now(dt.UTC) + dt.timedelta(seconds=61))
    client.post(UNLOCK, {"step": "ask", "username": "approver"})
    assert UnlockCode.objects.count() == 2


def test_a_code_is_spent_after_five_wrong_tries_and_expires_after_ten_minutes(client, owner, clock):
    from dgov.accounts import lockout

    spread_attack(client)
    start = dt.datetime.now(dt.UTC)
    clock.set(start)
    assert lockout.do_send_unlock_code("approver")
    send_pending()
    code = re.search(r"\b(\d{6})\b", MemoryBackend.outbox[-1][1]).group(1)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    for _ in range(5):
        assert not lockout.do_unlock("approver", wrong)
    assert not lockout.do_unlock("approver", code)  # spent

    clock.set(start + dt.timedelta(minutes=2))
    assert lockout.do_send_unlock_code("approver")
    send_pending()
    code = re.search(r"\b(\d{6})\b", MemoryBackend.outbox[-1][1]).group(1)
    clock.set(start + dt.timedelta(minutes=13))
    assert not lockout.do_unlock("approver", code)  # expired


def test_the_account_lock_lifts_by_itself_after_the_cool_off_time(client, owner, clock):
    spread_attack(client)
    clock.set(dt.datetime.now(dt.UTC) + dt.timedelta(minutes=16))

    assert through_proxy(client, "approver", PASSWORD, "203.0.113.201").status_code == 302
