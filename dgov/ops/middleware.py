import json
import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from dgov.lib.addresses import client_address
from dgov.ops import health
from dgov.ops.metrics import LATENCY, REQUESTS
from dgov.ops.replica import RequestRouting, routing

LIVENESS_PATH = "/healthz"
READINESS_PATH = "/readyz"


class OpsMiddleware:
    """First in the chain: answers the health probes before host validation, sessions and
    the rest (``dgov.ops.health``), and counts and times every other request by view and
    status for ``/metrics``. A request costs two clock reads, one counter and one
    histogram observation (``bench/ops_middleware.py`` measures it). Behind a trusted
    proxy (``DGOV_TRUSTED_PROXIES``) it sets ``REMOTE_ADDR`` to the client's address
    (``dgov.lib.addresses.client_address``), so logs, the audit trail, rate limits and the
    lock-out see the citizen, not nginx. It also opens the
    request's routing state for ``dgov.ops.replica``: views marked ``@reads_from_replica``
    read from the replica until the request writes."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # Behind nginx every request comes from the proxy: from here on REMOTE_ADDR is the
        # client (dgov.lib.addresses, the one reading of X-Forwarded-For).
        client = client_address(request)
        if client:
            request.META["REMOTE_ADDR"] = client
        path = request.path_info
        if path == LIVENESS_PATH:
            return HttpResponse("ok\n", content_type="text/plain")
        if path == READINESS_PATH:
            ready, results = health.readiness()
            return HttpResponse(
                json.dumps({"status": "ready" if ready else "not ready", "checks": results}),
                status=200 if ready else 503,
                content_type="application/json",
            )
        started = time.perf_counter()
        token = routing.set(RequestRouting())
        try:
            response = self.get_response(request)
        finally:
            routing.reset(token)
        elapsed = time.perf_counter() - started
        match = request.resolver_match
        view = match.view_name if match is not None else "unresolved"
        REQUESTS.labels(view, request.method, response.status_code).inc()
        LATENCY.labels(view).observe(elapsed)
        return response

    def process_view(self, request: HttpRequest, view_func: Callable[..., HttpResponse], *args: object) -> None:
        if getattr(view_func, "reads_from_replica", False):
            state = routing.get()
            if state is not None:
                state.prefer_replica = True
