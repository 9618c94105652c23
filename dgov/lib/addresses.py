"""Who is on the other end: the client's address, as far as we can trust it (issue 19 §4).

The one function every part asks: the lock-out (``AXES_CLIENT_IP_CALLABLE``), the rate
limits' keys, the audit trail, ``OpsMiddleware`` and gunicorn's access log. No other module
reads ``X-Forwarded-For`` (a test walks the source for it).

Production runs behind a reverse proxy, so ``REMOTE_ADDR`` is the proxy's address for
everybody. The proxy appends the address it saw to ``X-Forwarded-For``; everything to the
left of that is what the client chose to send. So the header is read only when the
request comes from a trusted proxy (``settings.TRUSTED_PROXIES``: addresses or CIDRs from
``DGOV_TRUSTED_PROXIES``), from the right, skipping hops that are themselves trusted
proxies: the first address that is not one is the client. With no trusted proxies
configured the header is ignored. A trusted range must hold proxies only: a client inside
one is believed about the address to its left.

The answer is kept on the request (``request.META[RESOLVED]``, a key no HTTP header can
produce): ``OpsMiddleware`` resolves it first and rewrites ``REMOTE_ADDR`` to it, and a
later call never reads the header a second time from the rewritten address.
"""

import ipaddress
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.conf import settings

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
RESOLVED = "dgov.client_address"


@cache
def _networks(specs: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(spec, strict=False) for spec in specs)


def trusted_proxies() -> tuple[Network, ...]:
    return _networks(tuple(getattr(settings, "TRUSTED_PROXIES", ())))


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def is_trusted_proxy(text: str) -> bool:
    address = _address(text)
    return address is not None and any(address in network for network in trusted_proxies())


def _resolve(meta: Any) -> str:
    remote = str(meta.get("REMOTE_ADDR") or "")
    if not remote or not is_trusted_proxy(remote):
        return remote
    client = remote
    for hop in reversed(str(meta.get("HTTP_X_FORWARDED_FOR") or "").split(",")):
        address = _address(hop)
        if address is None:  # not an address a proxy writes: stop here
            break
        client = str(address)
        if not is_trusted_proxy(client):
            break
    return client


def client_address(request: Any) -> str:
    """The client's address for ``request`` (see the module docstring); ``""`` when the
    request carries none. ``request`` is anything with ``META``: Django's request, or a
    WSGI environ wrapped as ``environ_request(environ)``."""
    meta = getattr(request, "META", None)
    if meta is None:
        return ""
    if RESOLVED not in meta:
        meta[RESOLVED] = _resolve(meta)
    resolved: str = meta[RESOLVED]
    return resolved


@dataclass(frozen=True)
class environ_request:  # noqa: N801 — reads as the function it stands in for
    """A WSGI environ seen as a request (gunicorn's access log has only the environ; it is
    the same dict as the request's ``META``, so the answer kept there is reused)."""

    META: dict[str, Any]
