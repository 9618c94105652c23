"""Signed links: the one way to put a record in a link that needs no login (a rating
link at the window, an enterprise's confirmation of a contact, a password reset …).

Tokens are Django signatures salted by ``purpose``; ``max_age`` bounds their life.
"""

import datetime as dt
from typing import Any

from django.core import signing


class LinkExpired(Exception):
    pass


class LinkInvalid(Exception):
    pass


def link_token(purpose: str, value: Any) -> str:
    """A URL-safe token carrying ``value`` (JSON-serialisable) for ``purpose``."""
    return signing.dumps(value, salt=f"dgov.link.{purpose}", compress=True)


def read_link_token(purpose: str, token: str, max_age: dt.timedelta | int) -> Any:
    """The value in ``token``; ``LinkExpired`` when too old, ``LinkInvalid`` when forged,
    truncated or made for another purpose."""
    try:
        return signing.loads(token, salt=f"dgov.link.{purpose}", max_age=max_age)
    except signing.SignatureExpired:
        raise LinkExpired from None
    except (signing.BadSignature, ValueError, UnicodeError):
        raise LinkInvalid from None
