"""Following the parts at once, when the applications app announces its transitions.

A department decides its part on the ordinary case page. If ``dgov.applications.signals``
offers ``application_moved`` (sent by ``actions._move`` with ``application``, ``verb`` and
``by``), the bundle moves on in the transaction of the part's act; until then it moves on
at the next read of its pages or API, or the next pass of ``sync_bundles``.
"""

from typing import Any

# The transitions after which a bundle may move on.
FOLLOWED = frozenset({"accept", "approve", "deny", "refuse", "supplement"})


def part_moved(sender: Any, application: Any, verb: str = "", by: Any = None, **kwargs: Any) -> None:
    if verb in FOLLOWED:
        from dgov.bundles.actions import part_moved as follow

        follow(application, by=by)
