"""A fixed-window rate limit per client address, in Django's cache (shared by every worker
once the cache is), for the public verification pages and API: each answer costs a seal
check, and nobody should be able to walk the register by brute force."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from dgov.lib import clock


def rate() -> tuple[int, int]:
    count, _slash, seconds = str(settings.DGOV_VERIFY_RATE).partition("/")
    return int(count), int(seconds or 60)


def allowed(request: HttpRequest, scope: str = "verify") -> bool:
    """Counts this request; False once the address has used up the window."""
    limit, seconds = rate()
    window = int(clock.now().timestamp()) // seconds
    key = f"throttle:{scope}:{request.META.get('REMOTE_ADDR', '')}:{window}"
    if cache.add(key, 1, seconds + 5):
        return True
    try:
        return int(cache.incr(key)) <= limit
    except ValueError:  # expired between add and incr
        cache.set(key, 1, seconds + 5)
        return True


def throttled(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not allowed(request):
            return render(request, "certificates/too_many.html", {"seconds": rate()[1]}, status=429)
        return view(request, *args, **kwargs)

    return wrapper
