"""Links the platform sends out (QR codes, notifications, e-mails) start with one setting,
``DGOV_PUBLIC_URL``, never with the host a request happened to use.

Stand-in for the certs branch's module of the same name (issue 14), with the same
``public_url``: when that lands, its version replaces this one.
"""

from django.conf import settings


def public_base() -> str:
    return str(getattr(settings, "DGOV_PUBLIC_URL", "") or "http://127.0.0.1:8000").rstrip("/")


def public_url(path: str) -> str:
    """The absolute address of ``path`` (which starts with ``/``, as ``reverse`` gives it)."""
    if not path.startswith("/"):
        raise ValueError("a public path starts with /")
    return public_base() + path
