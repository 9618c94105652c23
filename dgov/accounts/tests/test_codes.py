"""Issue 13 §3: accounts with one-time codes sent by text message.

The code reaches the test as it reaches the phone: through the outbox's text message."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from conftest import PASSWORD
from dgov.accounts.models import Applicant, OneTimeCode, User
from dgov.accounts.phones import normalise_mobile
from dgov.audit.models import AuditEntry
from dgov.notifications.models import Channel, Notification

pytestmark = pytest.mark.django_db

PHONE = "13812345678"  # the citizen fixture's number, verified below
NEW_PHONE = "13998765432"
LOGIN_CODE = reverse("accounts:login_code")
SIGNUP = reverse("accounts:signup")
FORGOT = reverse("accounts:password_forgot")


@pytest.fixture
def registered(citizen):
    citizen.phone, citizen.phone_verified = PHONE, True
    citizen.save()
    return citizen


def texts_to(phone):
    return list(Notification.objects.filter(channel=Channel.SMS, address=phone).order_by("pk"))


def code_sent_to(phone):
    body = texts_to(phone)[-1].body
    return re.search(r"\b(\d{6})\b", body).group(1)


def send(client, url, phone, **extra):
    return client.post(url, {"step": "send", "phone": phone, **extra})


def normalised_page(response):
    """The page without what differs by construction (CSRF token, the masked number)."""
    text = response.content.decode()
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text)
    text = re.sub(r'"X-CSRFToken": "[^"]+"', "", text)
    text = re.sub(r"1\d\d\*{4}\d{4}", "NUMBER", text)
    return re.sub(r'value="[^"]*"', "", text)


# -- Mobile numbers as people type them ------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    ["13812345678", "１３８１２３４５６７８", "138 1234 5678", "+86 138-1234-5678", "0086１３８１２３４５６７８"],
)
def test_full_width_digits_spaces_and_the_country_code_are_folded(typed):
    assert normalise_mobile(typed) == "13812345678"


def test_digits_of_another_script_are_refused_with_a_clear_message(client):
    response = send(client, LOGIN_CODE, "١٣٨١٢٣٤٥٦٧٨")  # Arabic-Indic digits: NFKC keeps them
    assert response.status_code == 400
    assert "Write the mobile number with the digits 0–9 only." in response.content.decode()
    assert not OneTimeCode.objects.exists()


def test_a_number_of_the_wrong_length_is_refused_in_the_users_language(client):
    response = client.post(LOGIN_CODE, {"step": "send", "phone": "1381234"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400
    assert "手机号码为11位" in response.content.decode()


def test_a_full_width_number_logs_in_like_the_ascii_one(client, registered):
    assert send(client, LOGIN_CODE, "１３８１２３４５６７８").status_code == 200
    response = client.post(
        LOGIN_CODE, {"phone": "１３８１２３４５６７８", "code": code_sent_to(PHONE), "step": "verify"}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(registered.pk)


# -- Sending ----------------------------------------------------------------------------------


def test_a_log_in_code_has_six_digits_and_reaches_the_phone_through_the_outbox(client, registered):
    response = send(client, LOGIN_CODE, PHONE)
    assert response.status_code == 200
    assert "138****5678" in response.content.decode()
    [text] = texts_to(PHONE)
    assert re.search(r"\b\d{6}\b", text.body) and "5 minutes" in text.body
    row = OneTimeCode.objects.get()
    assert row.code_hash != code_sent_to(PHONE) and len(row.code_hash) == 64  # kept as a keyed hash
    assert row.expires_at - row.created_at == dt.timedelta(minutes=5)
    entry = AuditEntry.objects.get(verb="auth.code_request")
    assert entry.object_id == "138****5678"


def test_the_answer_is_the_same_whether_or_not_the_number_has_an_account(client, registered):
    known = send(client, LOGIN_CODE, PHONE)
    unknown = send(client, LOGIN_CODE, NEW_PHONE)
    assert known.status_code == unknown.status_code == 200
    assert normalised_page(known) == normalised_page(unknown)
    assert texts_to(NEW_PHONE) == []  # nothing is sent where it cannot serve…
    # …and checking a code for that number reads like checking a wrong one.
    response = client.post(LOGIN_CODE, {"phone": NEW_PHONE, "code": "123456", "step": "verify"})
    assert response.status_code == 400
    assert "The code is wrong" in response.content.decode()


def test_one_code_a_minute_per_number(client, registered, clock):
    clock.set(dt.datetime(2026, 12, 7, 9, 0, tzinfo=dt.UTC))
    assert send(client, LOGIN_CODE, PHONE).status_code == 200
    again = send(client, LOGIN_CODE, PHONE)
    assert again.status_code == 429
    assert "less than a minute ago" in again.content.decode()
    clock.set(dt.datetime(2026, 12, 7, 9, 1, 1, tzinfo=dt.UTC))
    assert send(client, LOGIN_CODE, PHONE).status_code == 200
    assert len(texts_to(PHONE)) == 2


def test_ten_codes_a_day_per_number(client, registered, clock):
    start = dt.datetime(2026, 12, 7, 0, 30, tzinfo=dt.UTC)
    for n in range(10):
        clock.set(start + dt.timedelta(minutes=2 * n))
        assert send(client, LOGIN_CODE, PHONE).status_code == 200
    clock.set(start + dt.timedelta(minutes=30))
    refused = send(client, LOGIN_CODE, PHONE)
    assert refused.status_code == 429
    assert "10 codes today" in refused.content.decode()
    assert len(texts_to(PHONE)) == 10
    clock.set(start + dt.timedelta(days=1, minutes=1))
    assert send(client, LOGIN_CODE, PHONE).status_code == 200


# -- Checking ---------------------------------------------------------------------------------


def test_a_wrong_code_says_how_many_tries_are_left_and_logs_nobody_in(client, registered):
    send(client, LOGIN_CODE, PHONE)
    right = code_sent_to(PHONE)
    wrong = f"{(int(right) + 1) % 10**6:06d}"
    response = client.post(LOGIN_CODE, {"phone": PHONE, "code": wrong, "step": "verify"})
    assert response.status_code == 400
    assert "The code is wrong: 4 tries left." in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditEntry.objects.filter(verb="auth.code_refused", outcome="denied").count() == 1


def test_a_code_serves_five_tries_at_most(client, registered):
    send(client, LOGIN_CODE, PHONE)
    right = code_sent_to(PHONE)
    wrong = f"{(int(right) + 1) % 10**6:06d}"
    for _ in range(5):
        client.post(LOGIN_CODE, {"phone": PHONE, "code": wrong, "step": "verify"})
    response = client.post(LOGIN_CODE, {"phone": PHONE, "code": right, "step": "verify"})
    assert response.status_code == 400
    assert "tried 5 times" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_an_expired_code_is_refused_in_the_users_language(client, registered, clock):
    clock.set(dt.datetime(2026, 12, 7, 9, 0, tzinfo=dt.UTC))
    send(client, LOGIN_CODE, PHONE)
    clock.set(dt.datetime(2026, 12, 7, 9, 5, 1, tzinfo=dt.UTC))
    response = client.post(
        LOGIN_CODE, {"phone": PHONE, "code": code_sent_to(PHONE), "step": "verify"}, HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert response.status_code == 400
    assert "验证码已过期" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_code_is_used_once(client, registered):
    send(client, LOGIN_CODE, PHONE)
    code = code_sent_to(PHONE)
    assert client.post(LOGIN_CODE, {"phone": PHONE, "code": code, "step": "verify"}).status_code == 302
    client.logout()
    response = client.post(LOGIN_CODE, {"phone": PHONE, "code": code, "step": "verify"})
    assert response.status_code == 400


def test_a_code_with_letters_is_refused_before_it_is_tried(client, registered):
    send(client, LOGIN_CODE, PHONE)
    response = client.post(LOGIN_CODE, {"phone": PHONE, "code": "12a456", "step": "verify"})
    assert response.status_code == 400
    assert "The code has six digits." in response.content.decode()
    assert OneTimeCode.objects.get().tries == 0


def test_log_in_by_code_goes_on_to_the_page_asked_for(client, registered):
    send(client, LOGIN_CODE, PHONE)
    response = client.post(
        LOGIN_CODE, {"phone": PHONE, "code": code_sent_to(PHONE), "step": "verify", "next": "/applications/mine/"}
    )
    assert response.status_code == 302 and response["Location"] == "/applications/mine/"
    assert AuditEntry.objects.filter(verb="auth.login", actor=registered).exists()


def test_staff_do_not_log_in_by_code(client, clerk):
    clerk.phone, clerk.phone_verified = "13700001111", True
    clerk.save()
    send(client, LOGIN_CODE, "13700001111")
    assert texts_to("13700001111") == []


# -- Opening an account -----------------------------------------------------------------------


def signup_data(**overrides):
    data = {
        "step": "verify",
        "name": "赵六",
        "id_number": "11010519491231002X",
        "phone": NEW_PHONE,
        "username": "zhao6",
        "password": "long-enough-pass-42",
        "email": "zhao6@example.com",
    }
    data.update(overrides)
    return data


def test_a_citizen_opens_an_account_with_a_proved_number_and_a_checked_id(client, district):
    assert send(client, SIGNUP, "１３９ ９８７６ ５４３２").status_code == 200
    response = client.post(SIGNUP, signup_data(code=code_sent_to(NEW_PHONE)))
    assert response.status_code == 302
    user = User.objects.get(username="zhao6")
    assert user.phone == NEW_PHONE and user.phone_verified and user.check_password("long-enough-pass-42")
    applicant = Applicant.objects.get(user=user)
    assert applicant.id_number == "11010519491231002X" and applicant.phone == NEW_PHONE
    assert client.session["_auth_user_id"] == str(user.pk)
    assert AuditEntry.objects.filter(verb="account.sign_up", actor=user).exists()


def test_an_account_without_a_password_logs_in_by_code_only(client, district):
    send(client, SIGNUP, NEW_PHONE)
    client.post(SIGNUP, signup_data(code=code_sent_to(NEW_PHONE), password=""))
    user = User.objects.get(username="zhao6")
    assert not user.has_usable_password()


def test_a_bad_id_number_writes_nothing_and_keeps_the_code(client, district):
    send(client, SIGNUP, NEW_PHONE)
    code = code_sent_to(NEW_PHONE)
    bad = client.post(SIGNUP, signup_data(code=code, id_number="22010319990230123X"))
    assert bad.status_code == 400
    assert not User.objects.filter(username="zhao6").exists() and not Applicant.objects.exists()
    assert client.post(SIGNUP, signup_data(code=code)).status_code == 302  # the code was not spent


def test_a_wrong_sign_up_code_writes_nothing(client, district):
    send(client, SIGNUP, NEW_PHONE)
    right = code_sent_to(NEW_PHONE)
    response = client.post(SIGNUP, signup_data(code=f"{(int(right) + 1) % 10**6:06d}"))
    assert response.status_code == 400
    assert not User.objects.filter(username="zhao6").exists() and not Applicant.objects.exists()


def test_a_registered_number_asking_to_sign_up_is_told_by_text_not_on_the_page(client, registered):
    known = send(client, SIGNUP, PHONE)
    unknown = send(client, SIGNUP, NEW_PHONE)
    assert normalised_page(known) == normalised_page(unknown)
    [text] = texts_to(PHONE)
    assert "already has an account" in text.body and not re.search(r"\b\d{6}\b", text.body)


def test_an_enterprise_is_registered_by_its_legal_representative_with_its_credit_code(client, district):
    from dgov.accounts.demo import demo_credit_code

    code = demo_credit_code("91220103MA0Y8K2Q1")
    send(client, reverse("accounts:signup_enterprise"), NEW_PHONE)
    data = {
        "step": "verify",
        "enterprise": "长春宽城味道餐饮有限公司",
        "credit_code": code[:-1] + ("0" if code[-1] != "0" else "1"),  # a wrong check character
        "representative": "赵建国",
        "representative_id_number": "11010519491231002X",
        "phone": NEW_PHONE,
        "code": code_sent_to(NEW_PHONE),
        "username": "weidao",
        "password": "",
        "email": "",
    }
    bad = client.post(reverse("accounts:signup_enterprise"), data)
    assert bad.status_code == 400 and not Applicant.objects.exists()
    data["credit_code"] = code.lower()
    response = client.post(reverse("accounts:signup_enterprise"), data)
    assert response.status_code == 302
    enterprise = Applicant.objects.get()
    assert enterprise.kind == Applicant.Kind.ENTERPRISE and enterprise.credit_code == code
    assert enterprise.representative == "赵建国" and enterprise.user.kind == User.Kind.ENTERPRISE
    entry = AuditEntry.objects.get(verb="applicant.register")
    assert "11010519491231002X" not in str(entry.changes)


# -- Forgotten and changed passwords ------------------------------------------------------------


def test_a_forgotten_password_is_set_again_with_a_code(client, registered):
    send(client, FORGOT, PHONE)
    response = client.post(
        FORGOT,
        {
            "step": "verify",
            "phone": PHONE,
            "code": code_sent_to(PHONE),
            "new_password": "a-brand-new-pass-7",
            "repeat": "a-brand-new-pass-7",
        },
    )
    assert response.status_code == 302
    registered.refresh_from_db()
    assert registered.check_password("a-brand-new-pass-7")
    assert AuditEntry.objects.get(verb="account.password_set").changes == {"how": "code"}


def test_a_forgotten_password_is_set_again_from_an_e_mailed_link_once(client, registered, clock):
    registered.email = "li@example.com"
    registered.save()
    clock.set(dt.datetime(2026, 12, 7, 9, 0, tzinfo=dt.UTC))
    page = client.post(FORGOT, {"step": "email", "email": "LI@example.com"})
    unknown = client.post(FORGOT, {"step": "email", "email": "nobody@example.com"})
    assert page.status_code == unknown.status_code == 200
    assert normalised_page(page) == normalised_page(unknown)
    [mail] = Notification.objects.filter(channel=Channel.EMAIL, address="li@example.com")
    assert not Notification.objects.filter(channel=Channel.APP, recipient=registered).exists()
    link = re.search(r"(http://\S+/accounts/password/reset/\S+/)", mail.body).group(1)
    path = link.split("testserver", 1)[-1].split("8000", 1)[-1]
    new = {"new_password": "another-new-pass-8", "repeat": "another-new-pass-8"}
    assert client.post(path, new).status_code == 302
    registered.refresh_from_db()
    assert registered.check_password("another-new-pass-8")
    used = client.post(path, new)
    assert used.status_code == 400 and "used already" in used.content.decode()


def test_an_e_mailed_link_expires_after_an_hour(client, registered, clock):
    registered.email = "li@example.com"
    registered.save()
    clock.set(dt.datetime(2026, 12, 7, 9, 0, tzinfo=dt.UTC))
    client.post(FORGOT, {"step": "email", "email": "li@example.com"})
    mail = Notification.objects.get(channel=Channel.EMAIL)
    path = "/accounts/" + mail.body.split("/accounts/", 1)[1].split()[0]
    clock.set(dt.datetime(2026, 12, 7, 10, 1, tzinfo=dt.UTC))
    from unittest import mock

    with mock.patch("django.core.signing.time.time", return_value=clock.now().timestamp()):
        response = client.get(path)
    assert response.status_code == 400
    assert "expired" in response.content.decode()


def test_changing_the_password_needs_the_current_one(client, registered):
    client.force_login(registered)
    url = reverse("accounts:password_change")
    wrong = client.post(url, {"old_password": "nope", "new_password": "fresh-pass-9-x", "repeat": "fresh-pass-9-x"})
    assert wrong.status_code == 400 and "The current password is wrong." in wrong.content.decode()
    response = client.post(
        url, {"old_password": PASSWORD, "new_password": "fresh-pass-9-x", "repeat": "fresh-pass-9-x"}
    )
    assert response.status_code == 302
    registered.refresh_from_db()
    assert registered.check_password("fresh-pass-9-x")
    assert client.get(reverse("portal:my")).status_code == 200  # still logged in
    assert AuditEntry.objects.get(verb="account.password_set").changes == {"how": "change"}
