from collections.abc import Callable
from datetime import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from dgov.lib import clock

LOGIN_AT = "dgov_login_at"
SEEN_AT = "dgov_seen_at"
# The last-seen stamp is rewritten at most this often, so a busy page does not write
# the session row on every request.
TOUCH_EVERY_SECONDS = 30


class SessionExpiryMiddleware:
    """Ends sessions: staff after 15 minutes idle or 12 hours in all; applicants after
    30 minutes idle (settings ``STAFF_SESSION_*`` and ``APPLICANT_SESSION_IDLE``)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated:
            now = clock.now()
            session = request.session
            login_at = _read(session.get(LOGIN_AT)) or now
            seen_at = _read(session.get(SEEN_AT)) or now
            staff = user.kind == "staff"  # type: ignore[union-attr]
            idle_limit = settings.STAFF_SESSION_IDLE if staff else settings.APPLICANT_SESSION_IDLE
            expired = now - seen_at > idle_limit or (staff and now - login_at > settings.STAFF_SESSION_ABSOLUTE)
            if expired:
                from dgov.audit.trail import record

                record("session.expire", user, actor=user)  # type: ignore[arg-type]
                logout(request)
                messages.info(request, _("Your session has ended. Please log in again."))
                if request.headers.get("HX-Request"):
                    response = HttpResponse(status=401)
                    response["HX-Redirect"] = settings.LOGIN_URL
                    return response
                return redirect(f"{_login_url()}?next={request.path}")
            if LOGIN_AT not in session:
                session[LOGIN_AT] = now.isoformat()
            if (now - seen_at).total_seconds() >= TOUCH_EVERY_SECONDS or SEEN_AT not in session:
                session[SEEN_AT] = now.isoformat()
        return self.get_response(request)


def _read(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _login_url() -> str:
    from django.urls import reverse

    return reverse(settings.LOGIN_URL)
