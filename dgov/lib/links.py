"""Links the platform sends out: QR codes, verification addresses printed in certificates,
notifications, e-mails. They all start with one setting, ``DGOV_PUBLIC_URL`` (the
environment variable of the same name), never with the host a request happened to use.

Production refuses to start without an ``https://`` address (``check_public_url``, a system
check at error level, run by ``check --deploy`` and at every start). A certificate carries
its address inside its signature: issued with a wrong one, it can only be reissued.
"""

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core import checks


def public_base() -> str:
    return str(settings.DGOV_PUBLIC_URL).rstrip("/")


def public_url(path: str) -> str:
    """The absolute address of ``path`` (which starts with ``/``, as ``reverse`` gives it)."""
    if not path.startswith("/"):
        raise ValueError("a public path starts with /")
    return public_base() + path


def problem(value: str, *, production: bool) -> str:
    """What is wrong with ``value`` as the public address, or ``""``."""
    if not value:
        return "DGOV_PUBLIC_URL is not set."
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return f"DGOV_PUBLIC_URL must be an address like https://gov.example, not {value!r}."
    if parts.query or parts.fragment or parts.path.strip("/"):
        return "DGOV_PUBLIC_URL is scheme and host only (no path, query or fragment)."
    if production and parts.scheme != "https":
        return "Production needs an https:// DGOV_PUBLIC_URL: every certificate carries it in its signature."
    return ""


@checks.register(checks.Tags.security)
def check_public_url(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    message = problem(str(getattr(settings, "DGOV_PUBLIC_URL", "")), production=bool(settings.PRODUCTION))
    if not message:
        return []
    return [checks.Error(message, hint="Set the environment variable DGOV_PUBLIC_URL.", id="dgov.E001")]
