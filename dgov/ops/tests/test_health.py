import json
from typing import Any

import pytest
from django.db.migrations.recorder import MigrationRecorder
from django.test import Client

from dgov.ops import health
from dgov.ops.leases import heartbeat


@pytest.fixture(autouse=True)
def _forget_migrations_verdict(monkeypatch: Any) -> None:
    monkeypatch.setattr(health, "_migrated", False)


def readyz(client: Client) -> tuple[int, dict[str, Any]]:
    response = client.get("/readyz")
    return response.status_code, json.loads(response.content)


def test_liveness_answers_without_the_database_or_a_known_host(client: Client) -> None:
    # No ``db`` fixture: any query would fail the test.
    response = client.get("/healthz", HTTP_HOST="10.0.0.7:8000")
    assert response.status_code == 200
    assert response.content == b"ok\n"


def test_readiness_fails_until_a_job_runner_has_passed(client: Client, db: Any) -> None:
    status, body = readyz(client)
    assert status == 503
    assert body["checks"]["job_runner"] == {"ok": False, "detail": "no job runner has run"}
    assert body["checks"]["database"]["ok"] and body["checks"]["migrations"]["ok"]
    heartbeat("node-1:42")
    status, body = readyz(client)
    assert status == 200, body
    assert body["status"] == "ready"


def test_readiness_fails_when_the_runner_is_stale(client: Client, db: Any) -> None:
    import datetime as dt

    from django.utils import timezone

    heartbeat("node-1:42", now=timezone.now() - dt.timedelta(minutes=5))
    status, body = readyz(client)
    assert status == 503
    assert body["checks"]["job_runner"]["detail"].startswith("last seen 300 s ago")


def test_readiness_fails_while_a_migration_is_not_applied(client: Client, db: Any) -> None:
    heartbeat("node-1:42")
    MigrationRecorder.Migration.objects.filter(app="ops", name="0001_runners_and_job_leases").delete()
    status, body = readyz(client)
    assert status == 503
    assert body["checks"]["migrations"] == {
        "ok": False,
        "detail": "1 not applied, first ops.0001_runners_and_job_leases",
    }


def test_readiness_fails_when_the_file_disk_is_low(client: Client, db: Any, settings: Any) -> None:
    heartbeat("node-1:42")
    settings.MIN_FREE_DISK_MB = 10**12
    status, body = readyz(client)
    assert status == 503
    assert not body["checks"]["disk"]["ok"]
    assert "floor 1000000000000 MB" in body["checks"]["disk"]["detail"]


def test_readiness_reports_an_unreachable_database_as_a_verdict(client: Client, db: Any, monkeypatch: Any) -> None:
    def broken() -> health.Verdict:
        raise OSError("connection refused")

    monkeypatch.setitem(health.CHECKS, "database", broken)
    status, body = readyz(client)
    assert status == 503
    assert body["checks"]["database"] == {"ok": False, "detail": "OSError: connection refused"}
