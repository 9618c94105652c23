import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import PASSWORD
from dgov.accounts.middleware import LOGIN_AT, SEEN_AT
from dgov.audit.models import AuditEntry

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[3]


def try_login(client, username, password, ip="10.1.1.1"):
    return client.post(reverse("accounts:login"), {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_five_failed_logins_lock_the_account_at_that_address_even_for_the_right_password(client, clerk):
    for _ in range(4):
        assert try_login(client, "clerk", "wrong", ip="10.0.0.1").status_code == 200
    assert try_login(client, "clerk", "wrong", ip="10.0.0.1").status_code == 429  # the fifth locks
    response = try_login(client, "clerk", PASSWORD, ip="10.0.0.1")
    assert response.status_code == 429
    assert "locked" in response.content.decode()
    assert AuditEntry.objects.filter(verb="auth.login_failed").count() >= 5
    # The pair is locked, not the account: its owner logs in from elsewhere (issue 19 §4).
    assert try_login(client, "clerk", PASSWORD, ip="10.0.0.2").status_code == 302


def test_five_failed_logins_on_other_accounts_from_one_address_lock_nobody_else(client, clerk, approver):
    # An office behind one NAT address: five colleagues mistype their own names.
    for n in range(5):
        try_login(client, f"nobody{n}", "wrong", ip="10.0.0.9")
    assert try_login(client, "approver", PASSWORD, ip="10.0.0.9").status_code == 302


def test_the_lock_lifts_after_fifteen_minutes(client, clerk):
    from axes.models import AccessAttempt

    for _ in range(5):
        try_login(client, "clerk", "wrong")
    assert try_login(client, "clerk", PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert try_login(client, "clerk", PASSWORD).status_code == 302


def age_session(client, *, idle, since_login):
    session = client.session
    now = timezone.now()
    session[SEEN_AT] = (now - idle).isoformat()
    session[LOGIN_AT] = (now - since_login).isoformat()
    session.save()


def test_a_staff_session_ends_after_fifteen_idle_minutes(client, clerk):
    client.force_login(clerk)
    home = reverse("portal:workbench", args=["window_clerk"])
    age_session(client, idle=timedelta(minutes=14), since_login=timedelta(hours=1))
    assert client.get(home).status_code == 200
    age_session(client, idle=timedelta(minutes=16), since_login=timedelta(hours=1))
    response = client.get(home)
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
    assert AuditEntry.objects.filter(verb="session.expire", actor=clerk).exists()


def test_a_busy_staff_session_still_ends_after_twelve_hours(client, clerk):
    client.force_login(clerk)
    age_session(client, idle=timedelta(minutes=1), since_login=timedelta(hours=12, minutes=1))
    response = client.get(reverse("portal:workbench", args=["window_clerk"]))
    assert response.status_code == 302


def test_a_citizen_session_lasts_thirty_idle_minutes(client, citizen):
    client.force_login(citizen)
    age_session(client, idle=timedelta(minutes=29), since_login=timedelta(hours=13))
    assert client.get(reverse("portal:my")).status_code == 200
    age_session(client, idle=timedelta(minutes=31), since_login=timedelta(hours=13))
    assert client.get(reverse("portal:my")).status_code == 302


def test_pages_carry_a_strict_content_security_policy(client):
    response = client.get(reverse("portal:index"))
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"


def _production_env(**extra):
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("DB_", "DGOV_TESTING", "DJANGO_ALLOW_ASYNC_UNSAFE"))
    }
    env.update(
        DGOV_ENV="production",
        ALLOWED_HOSTS="gov.example",
        SECRET_KEY="t9#Qv2@Lm8!xR4&pZ7^wN1*yB6(kD3)hF5_jS0+cG" + "aA9bB8cC7dD6eE5fF4",
        DEBUG="0",
        # What production also needs (dgov/ops/checks.py): PostgreSQL, an https public address;
        # the database on its own host, the audit keys and checkpoints off it (decision 0013).
        DB_ENGINE="postgres",
        DB_HOST="db.gov.example",
        DGOV_PUBLIC_URL="https://gov.example",
        DGOV_AUDIT_SYSLOG="udp://logs.internal:514",
        DGOV_AUDIT_CHECKPOINT_DIR="/srv/audit/checkpoints",
        DGOV_AUDIT_KEY_FILE="/etc/dgov/audit-ed25519.pem",
        DGOV_AUDIT_SEAL_KEY_FILE="/etc/dgov/audit-seal.key",
    )
    env.update(extra)
    return env


def test_production_refuses_the_default_secret_key():
    env = _production_env()
    del env["SECRET_KEY"]
    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_refuses_debug_on():
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=_production_env(DEBUG="1"), capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "DEBUG" in result.stderr


def test_production_refuses_empty_allowed_hosts():
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=_production_env(ALLOWED_HOSTS=""),
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "ALLOWED_HOSTS" in result.stderr


def test_production_refuses_audit_keys_and_checkpoints_on_the_database_host():
    env = _production_env(DB_HOST="127.0.0.1")  # PostgreSQL on this machine
    for name in ("DGOV_AUDIT_CHECKPOINT_DIR", "DGOV_AUDIT_KEY_FILE", "DGOV_AUDIT_SEAL_KEY_FILE"):
        del env[name]  # the defaults: under var/, on this machine's disk
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert result.stderr.count("audit.E002") == 2 and "dgov_ops.E003" in result.stderr


def test_the_deploy_check_passes_with_production_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=_production_env(),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
