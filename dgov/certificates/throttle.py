"""The public verification pages and API are rate-limited per client address
(``DGOV_VERIFY_RATE``, "count/seconds", default 60 a minute): each answer costs a seal check,
and nobody should walk the register by brute force. Counted for every worker together by
``dgov.lib.ratelimit``."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from dgov.lib.addresses import client_address
from dgov.lib.ratelimit import RateLimit


def limit() -> RateLimit:
    count, _slash, seconds = str(settings.DGOV_VERIFY_RATE).partition("/")
    return RateLimit("certificates.verify", limit=int(count), window_seconds=int(seconds or 60))


def allowed(request: HttpRequest) -> bool:
    """Counts this request; False once the address has used up its window."""
    return limit().take(client_address(request))


def throttled(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not allowed(request):
            return render(request, "certificates/too_many.html", {"seconds": limit().window_seconds}, status=429)
        return view(request, *args, **kwargs)

    return wrapper
