import re
from typing import Any

import pytest
from django.test import Client
from prometheus_client.parser import text_string_to_metric_families

from dgov.ops import metrics
from dgov.ops.leases import heartbeat


@pytest.fixture(autouse=True)
def _fresh_database_gauges(settings: Any) -> None:
    settings.METRICS_DB_CACHE_SECONDS = 0


def scrape(client: Client, **headers: Any) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    response = client.get("/metrics", **headers)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=")
    samples = {}
    for family in text_string_to_metric_families(response.content.decode()):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def value(samples: dict[Any, float], name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def test_requests_are_counted_by_view_and_status_and_timed(client: Client, db: Any, district: Any) -> None:
    before = scrape(client)
    client.get("/services/")
    client.get("/no-such-page/")
    after = scrape(client)
    counted = {"view": "services:catalogue", "method": "GET", "status": "200"}
    assert (
        value(after, "dgov_http_requests_total", **counted) - value(before, "dgov_http_requests_total", **counted) == 1
    )
    missing = {"view": "unresolved", "method": "GET", "status": "404"}
    assert (
        value(after, "dgov_http_requests_total", **missing) - value(before, "dgov_http_requests_total", **missing) == 1
    )
    timed = ("dgov_http_request_duration_seconds_count", {"view": "services:catalogue"})
    assert value(after, timed[0], **timed[1]) - value(before, timed[0], **timed[1]) == 1
    assert value(after, "dgov_http_request_duration_seconds_bucket", view="services:catalogue", le="+Inf") >= 1


def test_transitions_queue_outbox_and_audit_lag_are_reported(
    client: Client, make_approved: Any, seal: Any, district: Any, citizen: Any
) -> None:
    from dgov.notifications.outbox import notify

    before = scrape(client)
    make_approved()
    notify(district=district, recipient=citizen, subject="s", body="b", sms_to="13812345678")
    after = scrape(client)
    for verb in ("accept", "review", "approve"):
        assert (
            value(after, "dgov_transitions_total", verb=verb) - value(before, "dgov_transitions_total", verb=verb) == 1
        )
    assert value(after, "dgov_queue_depth", status="approved") == 1
    assert value(after, "dgov_queue_depth", status="submitted") == 0
    assert value(after, "dgov_outbox_backlog") == 1
    assert value(after, "dgov_outbox_oldest_age_seconds") >= 0
    assert value(after, "dgov_audit_chain_lag_entries") >= 4

    from dgov.audit.chain import chain_pending

    chain_pending()
    chained = scrape(client)
    assert value(chained, "dgov_audit_chain_lag_entries") == 0
    assert value(chained, "dgov_audit_chain_lag_seconds") == 0


def test_certificates_issued_are_counted(client: Client, approved: Any, seal_officer: Any) -> None:
    from dgov.certificates.sealing import do_issue

    before = value(scrape(client), "dgov_certificates_issued_total")
    do_issue(approved, by=seal_officer)
    assert value(scrape(client), "dgov_certificates_issued_total") - before == 1


def test_job_runs_and_runners_come_from_the_shared_leases(client: Client, db: Any) -> None:
    import datetime as dt

    from dgov.ops.leases import run_due

    class Job:
        def __init__(self, name: str, run: Any) -> None:
            self.name, self.run, self.every = name, run, dt.timedelta(seconds=0)

    def broken(now: Any) -> int:
        raise RuntimeError("no transport")

    run_due([Job("works", lambda now: 3), Job("breaks", broken)], runner="node-1:7")
    heartbeat("node-1:7")
    samples = scrape(client)
    assert value(samples, "dgov_job_runs_total", job="works") == 1
    assert value(samples, "dgov_job_items_total", job="works") == 3
    assert value(samples, "dgov_job_failures_total", job="breaks") == 1
    assert value(samples, "dgov_job_failures_total", job="works") == 0
    assert ("dgov_runner_last_seen_age_seconds", (("runner", "node-1:7"),)) in samples


def test_with_a_token_only_the_bearer_is_answered(client: Client, db: Any, settings: Any) -> None:
    settings.METRICS_TOKEN = "s3cret-token"
    assert client.get("/metrics").status_code == 403
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 403
    assert scrape(client, HTTP_AUTHORIZATION="Bearer s3cret-token")


def test_multiprocess_mode_sums_the_workers_files(tmp_path: Any, monkeypatch: Any, db: Any) -> None:
    """What gunicorn's workers write to PROMETHEUS_MULTIPROC_DIR is what a scrape reads."""
    import subprocess
    import sys

    code = (
        "from prometheus_client import Counter; c = Counter('dgov_http_requests', 'x', ['view', 'method', 'status']);"
        " c.labels('services:catalogue', 'GET', '200').inc(%d)"
    )
    for n in (2, 5):  # two "workers"
        subprocess.run([sys.executable, "-c", code % n], env={"PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}, check=True)
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    from prometheus_client import generate_latest

    text = generate_latest(metrics.registry()).decode()
    assert re.search(r'dgov_http_requests_total\{method="GET",status="200",view="services:catalogue"\} 7\.0', text)
    assert "dgov_outbox_backlog" in text  # the database gauges are there too
