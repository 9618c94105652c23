"""The staff sidebar's links, contributed by each app in ``dgov/<app>/nav.py``.

An app lists ``LINKS: list[Link]``; a link shows to a user who holds its permission (or to
every staff member when it has none). The sidebar and the workbenches read ``links_for``.
"""

import logging
from dataclasses import dataclass
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Link:
    label: str | Promise
    url_name: str
    permission: str = ""

    @property
    def url(self) -> str:
        return reverse(self.url_name)


def _all_links() -> list[Link]:
    from dgov.lib.plugins import discover

    return [link for _app, module in discover("nav") for link in module.LINKS]


def all_links() -> list[Link]:
    return _all_links()


def links_for(user: Any) -> list[Link]:
    """A link whose URL name does not resolve is left out and logged, not allowed to
    break every staff page (a test checks that every link resolves)."""
    if not (user and user.is_authenticated and getattr(user, "kind", "") == "staff"):
        return []
    shown: list[Link] = []
    seen: set[str] = set()
    for link in _all_links():
        if (link.permission and not user.has_perm(link.permission)) or link.url_name in seen:
            continue
        try:
            link.url  # noqa: B018 — resolves or raises
        except NoReverseMatch:
            logger.error("nav link %s does not resolve", link.url_name)
            continue
        seen.add(link.url_name)
        shown.append(link)
    return shown
