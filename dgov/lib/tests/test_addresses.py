"""One reading of the client's address (``dgov.lib.addresses.client_address``) for the
ops middleware, rate limits, the audit trail, the lock-out and the access log (issue 19 §4)."""

import re
from pathlib import Path
from typing import Any

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory

from dgov.audit import context
from dgov.audit.middleware import RequestContextMiddleware
from dgov.lib import addresses
from dgov.ops.middleware import OpsMiddleware

CLIENT = "198.51.100.7"


@pytest.fixture(autouse=True)
def two_proxies(settings: Any) -> None:
    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]  # a load balancer and nginx, by range


def audit_ip(current: context.RequestContext | None) -> str:
    assert current is not None and current.ip is not None
    return current.ip


def seen_by_everyone(**meta: str) -> set[str]:
    """What the view sees as REMOTE_ADDR and as the client address behind ``OpsMiddleware``,
    and what the audit trail records for the request."""
    seen: set[str] = set()

    def view(request: HttpRequest) -> HttpResponse:
        seen.update({request.META["REMOTE_ADDR"], addresses.client_address(request), audit_ip(context.current.get())})
        return HttpResponse()

    OpsMiddleware(RequestContextMiddleware(view))(RequestFactory().get("/services/", **meta))
    return seen


def test_through_two_trusted_proxies_every_reader_sees_the_client() -> None:
    # The client wrote 6.6.6.6 itself; the balancer appended the client, nginx the balancer.
    forwarded = f"6.6.6.6, {CLIENT}, 10.0.0.1"
    assert seen_by_everyone(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded) == {CLIENT}


def test_a_client_outside_the_proxies_is_its_own_address_whatever_it_writes() -> None:
    assert seen_by_everyone(REMOTE_ADDR=CLIENT, HTTP_X_FORWARDED_FOR="10.0.0.9, 203.0.113.1") == {CLIENT}


def test_the_address_is_read_once_per_request(settings: Any) -> None:
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=CLIENT)
    assert addresses.client_address(request) == CLIENT
    request.META["HTTP_X_FORWARDED_FOR"] = "203.0.113.1"  # read again, it would differ
    settings.TRUSTED_PROXIES = []
    assert addresses.client_address(request) == CLIENT


def test_a_request_without_an_address_has_none() -> None:
    request = RequestFactory().get("/")
    del request.META["REMOTE_ADDR"]
    assert addresses.client_address(request) == ""
    assert addresses.client_address(object()) == ""


ROOT = Path(__file__).resolve().parents[3]
# The header read from the META/environ or from request.headers, or a second function.
READS = r"HTTP_X_FORWARDED_FOR|headers(\.get\(|\[)\s*[\"']x-forwarded-for|def client_(address|ip)\b"


def test_no_other_module_reads_the_forwarded_header_or_defines_a_client_address() -> None:
    """The one function stays one: a second reader of ``X-Forwarded-For`` (trusting what the
    client wrote, or proxies no one configured) or a second ``client_address`` fails here."""
    readers = []
    for path in sorted((ROOT / "dgov").rglob("*.py")):
        if "tests" in path.parts or path == ROOT / "dgov/lib/addresses.py":
            continue
        text = path.read_text(encoding="utf-8")
        if re.search(READS, text, re.IGNORECASE):
            readers.append(str(path.relative_to(ROOT)))
    assert readers == []
