"""Refuse a request body larger than any upload may be, from its Content-Length, before
a byte of it is read (issue 19 §2: a 200 MB body used to be read in full, 6 s, before
the form refused it)."""

import json
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.translation import gettext as _

from dgov.documents.checks import MAX_FILES, MB, max_file_size

# Room for the form's other fields and the multipart boundaries around the files.
FORM_ALLOWANCE = MB


def max_request_size() -> int:
    """The largest request body: ``MAX_FILES`` files of the largest size, and the form."""
    return MAX_FILES * max_file_size() + FORM_ALLOWANCE


class RequestSizeMiddleware:
    """Early in the chain: nothing before it reads the body, nothing after it gets to."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # Django reads no body without a valid length either
        if length > max_request_size():
            return too_large(request)
        return self.get_response(request)


def too_large(request: HttpRequest) -> HttpResponse:
    """413 with the limit, in the language the request asks for (the locale middleware
    has not run yet); JSON for the API."""
    with translation.override(translation.get_language_from_request(request)):
        message = _("The upload is too large: at most %(count)d files of %(size)d MB each may be sent at once.") % {
            "count": MAX_FILES,
            "size": max_file_size() // MB,
        }
    if request.path.startswith("/api/"):
        body = json.dumps({"detail": message, "messages": [message]}, ensure_ascii=False)
        return HttpResponse(body, status=413, content_type="application/json")
    return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")
