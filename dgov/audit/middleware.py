import re
import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from dgov.audit import context
from dgov.lib.addresses import client_address

_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class RequestContextMiddleware:
    """Gives every request an id (kept from ``X-Request-ID`` when it looks sane) so each
    audit entry can be traced to the request that made it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        given = request.headers.get("X-Request-ID", "")
        request_id = given if _SAFE_REQUEST_ID.match(given) else uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]
        token = context.current.set(
            context.RequestContext(request_id=request_id, ip=client_address(request) or None, request=request)
        )
        try:
            response = self.get_response(request)
        finally:
            context.current.reset(token)
        response["X-Request-ID"] = request_id
        return response
