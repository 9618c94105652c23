"""One answer for a lost race or a repeated act.

Every ``do_*`` raises ``Conflict`` when somebody else acted first, or when the same act
arrives twice. Pages answer 409 with the message (``ConflictMiddleware``); the API answers
409 with ``{"detail", "messages"}`` (its exception handler). Apps never define their own.
"""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


class Conflict(Exception):
    """Somebody else acted first, or the same act was already recorded."""

    def __init__(self, message: Any = "", *, obj: Any = None) -> None:
        super().__init__(str(message))
        self.message = str(message)
        self.obj = obj


def conflict_response(request: HttpRequest, error: Conflict) -> HttpResponse:
    return render(request, "409.html", {"message": error.message}, status=409)


class ConflictMiddleware:
    """Turns a ``Conflict`` raised by a page into the 409 page."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, Conflict):
            return conflict_response(request, exception)
        return None
