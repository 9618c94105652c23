"""Test helpers for the rule that a page and its action agree (``dgov.lib.rules``).

A walk over every act × every role × cases in several states reads the buttons a page
offers with ``offers_on_page`` and what the act does with ``outcome``; ``disagreements``
lists each place where the page and the action tell different stories.
"""

import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from dgov.lib.conflicts import Conflict

ENABLED = "enabled"
_FORM = re.compile(r'<form [^>]*data-action="([^"]+)"')
_DISABLED = re.compile(r'data-disabled-reason="([^"]+)">(.*?)</span>', re.S)


def offers_on_page(page: str) -> dict[str, str]:
    """The acts a page offers: name → ``ENABLED`` for a form, the reason for a disabled
    button (``_disabled_action.html``); acts not named are not shown."""
    found = dict.fromkeys(_FORM.findall(page), ENABLED)
    for name, reason in _DISABLED.findall(page):
        found[name] = html.unescape(reason).strip()
    return found


def outcome(run: Callable[[], Any]) -> tuple[str, str]:
    """What an act did, rolled back afterwards: ("done", ""), ("403", reason) or ("409", message)."""
    try:
        with transaction.atomic():
            run()
            transaction.set_rollback(True)
    except PermissionDenied as error:
        return "403", str(error)
    except Conflict as error:
        return "409", str(error)
    return "done", ""


def disagreement(shown: str | None, result: tuple[str, str]) -> str:
    """Why ``shown`` (from ``offers_on_page``; None: no button) and ``result`` (from
    ``outcome``) disagree, or "" when they agree: an enabled button exactly when the act
    is done; a disabled button's reason is the 403's; no button, no success."""
    status, message = result
    if shown == ENABLED:
        return "" if status == "done" else f"enabled, but the act answered {status} {message!r}"
    if shown is not None:
        if status == "403" and message == shown:
            return ""
        return f"disabled with {shown!r}, but the act answered {status} {message!r}"
    return "" if status in ("403", "409") else "no button, but the act was done"


@dataclass
class Walk:
    """What a walk found: each disagreement, the buttons met for each act, and the pages
    a person could not see (state, person)."""

    wrong: list[str] = field(default_factory=list)
    seen: dict[str, set[str]] = field(default_factory=dict)
    unseen: list[tuple[str, str]] = field(default_factory=list)

    @property
    def reasons(self) -> set[str]:
        return set().union(*self.seen.values()) - {ENABLED, "hidden"}


def walk(
    client: Any,
    cases: dict[str, Any],
    people: dict[str, Any],
    *,
    page: Callable[[Any], str],
    load: Callable[[Any, Any], Any],
    verbs: list[str],
    act: Callable[[str, Any, Any], Any],
) -> Walk:
    """Every act of ``verbs`` × every person of ``people`` × every case of ``cases``: the
    page at ``page(case)`` as the person sees it against ``act(verb, person, obj)``, done
    on ``load(person, case)`` and rolled back (loaded again after an act that was done)."""
    found = Walk(seen={verb: set() for verb in verbs})
    for state, case in cases.items():
        for who, person in people.items():
            client.force_login(person)
            response = client.get(page(case))
            if response.status_code == 404:
                found.unseen.append((state, who))
                continue
            shown = offers_on_page(response.content.decode())
            obj: Any = None
            for verb in verbs:
                obj = obj or load(person, case)
                result = outcome(partial(act, verb, person, obj))
                if result[0] == "done":
                    obj = None
                problem = disagreement(shown.get(verb), result)
                if problem:
                    found.wrong.append(f"{state} · {who} · {verb}: {problem}")
                found.seen[verb].add(shown.get(verb) or "hidden")
    return found


def succeeded(response: Any) -> bool:
    """A page's act answers a success with a redirect to the thing's page."""
    return bool(response.status_code == 302)


def _answered(response: Any, shown: str | None, success: Callable[[Any], bool]) -> tuple[str, str]:
    """An HTTP answer as ``outcome`` tells it: a 403 carries the disabled button's reason
    when its body says it; a 404 is a refusal with no reason."""
    if success(response):
        return "done", ""
    if response.status_code == 409:
        return "409", ""
    if response.status_code == 403:
        body = html.unescape(response.content.decode())
        if shown is not None and shown != ENABLED and shown in body:
            return "403", shown
        return "403", "(another reason)"
    if response.status_code == 404:
        return "403", ""
    return str(response.status_code), ""


def walk_pages(
    client: Any,
    user: Any,
    page: str,
    verbs: dict[str, tuple[str, Any]],
    *,
    success: Callable[[Any], bool] = succeeded,
    seen: list[tuple[str, str, str]] | None = None,
) -> list[str]:
    """The walk through HTTP, for pages whose acts are posted to URLs: ``page`` as ``user``
    sees it (``offers_on_page``) against each act of ``verbs`` ({verb: (url, POST data, or
    a function making it when it holds a file)}), each posted and rolled back; the
    disagreements (``disagreement``). ``seen`` collects (username, verb, "enabled" |
    "disabled" | "none")."""
    client.force_login(user)
    response = client.get(page)
    shown = offers_on_page(response.content.decode()) if response.status_code == 200 else {}
    problems = []
    for verb, (url, data) in verbs.items():
        with transaction.atomic():
            answer = client.post(url, data() if callable(data) else data)
            transaction.set_rollback(True)
        offer = shown.get(verb)
        if seen is not None:
            seen.append(
                (user.username, verb, "none" if offer is None else "enabled" if offer == ENABLED else "disabled")
            )
        problem = disagreement(offer, _answered(answer, offer, success))
        if problem:
            problems.append(f"{user.username} {verb}: {problem}")
    return problems
