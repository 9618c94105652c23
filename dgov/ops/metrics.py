"""Metrics in Prometheus' text format (``prometheus_client``), at ``/metrics``.

Two kinds, each where it is cheap and correct with several processes on several nodes:

* **Counted as work happens, per process**: requests by view, method and status, request
  latency by view, transitions by verb, certificates issued. Under gunicorn every worker
  is its own process, so the client's multiprocess mode is on whenever
  ``PROMETHEUS_MULTIPROC_DIR`` is set (the systemd unit sets it, on a tmpfs emptied at
  each start, and ``deploy/gunicorn.conf.py`` marks dead workers): each worker writes
  its values to memory-mapped files and the scrape sums them. Each node reports its own
  totals; Prometheus adds the nodes up (``sum by (view) (rate(...))``).
* **Read from the database at scrape time**: queue depths, the outbox backlog and the age
  of its oldest message, job runs and failures (from the leases every runner writes),
  runner heartbeats, audit chain lag and checkpoint age. These describe the shared
  database, not the process, so counting them in a process would be wrong on the second
  node; each is one indexed query, kept for ``METRICS_DB_CACHE_SECONDS``.
"""

import os
import threading
import time
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.db.models import Count, Max, Min
from django.http import HttpRequest, HttpResponse
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector

from dgov.lib import clock

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

REQUESTS = Counter(
    "dgov_http_requests", "HTTP requests answered, by view, method and status", ["view", "method", "status"]
)
LATENCY = Histogram(
    "dgov_http_request_duration_seconds", "Time to answer a request, by view", ["view"], buckets=LATENCY_BUCKETS
)
TRANSITIONS = Counter("dgov_transitions", "Application transitions, by verb", ["verb"])
CERTIFICATES = Counter("dgov_certificates_issued", "Certificates issued (first versions and new versions)")


def _on_transition(sender: Any, *, verb: str, **kwargs: Any) -> None:
    TRANSITIONS.labels(verb).inc()


def _on_certificate_saved(sender: Any, *, created: bool, **kwargs: Any) -> None:
    if created:
        CERTIFICATES.inc()


def connect_signals() -> None:
    from django.db.models.signals import post_save

    from dgov.applications.signals import application_moved
    from dgov.certificates.models import Certificate

    application_moved.connect(_on_transition, dispatch_uid="dgov.ops.metrics.transitions")
    post_save.connect(_on_certificate_saved, sender=Certificate, dispatch_uid="dgov.ops.metrics.certificates")


class DatabaseCollector(Collector):
    """The gauges that describe the shared database, read at scrape time (cached)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._cached: tuple[float, list[Any]] | None = None

    def collect(self) -> Iterator[Any]:
        with self._lock:
            ttl = settings.METRICS_DB_CACHE_SECONDS
            if self._cached is None or time.monotonic() - self._cached[0] > ttl:
                self._cached = (time.monotonic(), list(database_metrics()))
            yield from self._cached[1]


def database_metrics() -> Iterator[Any]:
    from dgov.applications.models import OPEN_STATUSES, Application
    from dgov.audit.models import AuditCheckpoint, AuditEntry, AuditLink
    from dgov.notifications.models import Notification
    from dgov.ops.models import JobLease, Runner

    now = clock.now()

    queue = GaugeMetricFamily("dgov_queue_depth", "Open applications, by status", labels=["status"])
    counts = dict(
        Application.objects.filter(status__in=OPEN_STATUSES).values_list("status").annotate(n=Count("*")).order_by()
    )
    for status in OPEN_STATUSES:
        queue.add_metric([str(status)], counts.get(status, 0))
    yield queue

    outbox = Notification.objects.unsent().aggregate(n=Count("*"), oldest=Min("created_at"))
    yield GaugeMetricFamily("dgov_outbox_backlog", "E-mails and text messages waiting to be sent", value=outbox["n"])
    yield GaugeMetricFamily(
        "dgov_outbox_oldest_age_seconds",
        "Age of the oldest message waiting to be sent (0 when none)",
        value=(now - outbox["oldest"]).total_seconds() if outbox["oldest"] else 0,
    )

    head = AuditEntry.objects.aggregate(n=Max("id"))["n"] or 0
    chained = AuditLink.objects.aggregate(n=Max("seq"))["n"] or 0
    oldest_unchained = AuditEntry.objects.filter(id__gt=chained).order_by("id").values_list("at", flat=True).first()
    yield GaugeMetricFamily(
        "dgov_audit_chain_lag_entries", "Audit entries not yet in the hash chain", value=max(head - chained, 0)
    )
    yield GaugeMetricFamily(
        "dgov_audit_chain_lag_seconds",
        "Age of the oldest audit entry not yet in the hash chain (0 when none)",
        value=(now - oldest_unchained).total_seconds() if oldest_unchained else 0,
    )
    last_checkpoint = AuditCheckpoint.objects.aggregate(at=Max("at"))["at"]
    if last_checkpoint is not None:
        yield GaugeMetricFamily(
            "dgov_audit_checkpoint_age_seconds",
            "Age of the last signed audit checkpoint",
            value=(now - last_checkpoint).total_seconds(),
        )

    runs = CounterMetricFamily("dgov_job_runs", "Runs of each periodic job, on every runner", labels=["job"])
    failures = CounterMetricFamily("dgov_job_failures", "Failed runs of each periodic job", labels=["job"])
    items = CounterMetricFamily("dgov_job_items", "Items each periodic job reported done", labels=["job"])
    since = GaugeMetricFamily(
        "dgov_job_last_finished_age_seconds", "Seconds since each job last finished", labels=["job"]
    )
    for lease in JobLease.objects.order_by("name"):
        runs.add_metric([lease.name], lease.runs)
        failures.add_metric([lease.name], lease.failures)
        items.add_metric([lease.name], lease.items)
        if lease.last_finished_at is not None:
            since.add_metric([lease.name], (now - lease.last_finished_at).total_seconds())
    yield from (runs, failures, items, since)

    seen = GaugeMetricFamily(
        "dgov_runner_last_seen_age_seconds", "Seconds since each job runner last passed", labels=["runner"]
    )
    for name, seen_at in Runner.objects.values_list("name", "seen_at"):
        seen.add_metric([name], (now - seen_at).total_seconds())
    yield seen


_database_collector = DatabaseCollector()
_registered = False


def registry() -> CollectorRegistry:
    """The registry a scrape reads: every worker's files in multiprocess mode, this
    process's own metrics otherwise; the database gauges in both."""
    global _registered
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        scrape = CollectorRegistry()
        multiprocess.MultiProcessCollector(scrape)
        scrape.register(_database_collector)
        return scrape
    if not _registered:
        REGISTRY.register(_database_collector)
        _registered = True
    return REGISTRY


def metrics_view(request: HttpRequest) -> HttpResponse:
    """``/metrics``. With ``DGOV_METRICS_TOKEN`` set, only ``Authorization: Bearer <token>``
    is answered (403 otherwise); nginx also keeps the path to the monitoring network."""
    token = settings.METRICS_TOKEN
    if token:
        import hmac

        given = request.headers.get("Authorization", "")
        if not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
            return HttpResponse("forbidden\n", status=403, content_type="text/plain")
    return HttpResponse(generate_latest(registry()), content_type=CONTENT_TYPE_LATEST)
