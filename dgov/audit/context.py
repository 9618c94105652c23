"""Per-request context for the audit trail: request id, client address, the user."""

from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class RequestContext:
    request_id: str
    ip: str | None
    request: Any  # the HttpRequest; its user is read at record time (set after auth)


current: ContextVar[RequestContext | None] = ContextVar("audit_request_context", default=None)
