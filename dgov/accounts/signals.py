"""Every log-in, log-out and failed log-in leaves an audit entry."""

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from dgov.accounts.middleware import LOGIN_AT, SEEN_AT
from dgov.audit.models import Outcome
from dgov.audit.trail import record
from dgov.lib import clock


@receiver(user_logged_in)
def on_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    now = clock.now().isoformat()
    request.session[LOGIN_AT] = now
    request.session[SEEN_AT] = now
    record("auth.login", user, actor=user)


@receiver(user_logged_out)
def on_logout(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        record("auth.logout", user, actor=user)


@receiver(user_login_failed)
def on_login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    username = str(credentials.get("username", ""))[:150]
    record("auth.login_failed", outcome=Outcome.DENIED, object_type="accounts.user", object_id=username)
