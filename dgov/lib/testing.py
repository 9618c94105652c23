"""What the apps' tests share to hold a page's buttons against the actions behind them.

A page marks each action's button with ``data-verb``; a refused one is ``disabled`` with
its reason in ``data-reason`` (``templates/rules/_denied.html``). ``walk`` signs in as a
person, reads the page, then tries every action (each in a transaction rolled back
afterwards) and lists where the page and the action disagree: an enabled button must
mean the action succeeds, a disabled one that it answers 403 with the same reason, and
no button that it does not succeed.
"""

import html
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

from django.db import transaction
from django.http import HttpResponse


@dataclass(frozen=True)
class Button:
    enabled: bool
    reason: str


class _Buttons(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: dict[str, Button] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        verb = found.get("data-verb")
        if tag == "button" and verb:
            self.found[verb] = Button("disabled" not in found, found.get("data-reason") or "")


def buttons(page: str) -> dict[str, Button]:
    """The action buttons of ``page`` by verb."""
    parser = _Buttons()
    parser.feed(page)
    return parser.found


def succeeded(response: HttpResponse) -> bool:
    """An action page answers a success with a redirect to the subject's page."""
    return response.status_code == 302


def walk(
    client: Any,
    user: Any,
    page: str,
    verbs: Mapping[str, tuple[str, Mapping[str, Any] | Callable[[], Mapping[str, Any]]]],
    *,
    success: Callable[[HttpResponse], bool] = succeeded,
    seen: list[tuple[str, str, str]] | None = None,
) -> list[str]:
    """Where ``page`` (as ``user`` sees it) and the actions ``verbs`` ({verb: (url, POST
    data)}) disagree; an empty list when they agree. POST data holding a file is given
    as a function making it, since a posted file is read to its end. ``seen`` collects
    (username, verb, "enabled" | "disabled" | "none") for the test to check the walk
    met each kind of button."""
    client.force_login(user)
    shown = client.get(page)
    found = buttons(shown.content.decode()) if shown.status_code == 200 else {}
    problems = []
    for verb, (url, data) in verbs.items():
        with transaction.atomic():
            answer = client.post(url, data() if callable(data) else data)
            transaction.set_rollback(True)
        button = found.get(verb)
        done = success(answer)
        if seen is not None:
            seen.append(
                (user.username, verb, "none" if button is None else "enabled" if button.enabled else "disabled")
            )
        who = f"{user.username} {verb}"
        if button is None:
            if done:
                problems.append(f"{who}: no button, but the action succeeded")
        elif button.enabled != done:
            problems.append(f"{who}: button enabled={button.enabled}, action answered {answer.status_code}")
        elif not button.enabled:
            body = html.unescape(answer.content.decode())
            if answer.status_code != 403 or button.reason not in body:
                problems.append(f"{who}: disabled for “{button.reason}”, action answered {answer.status_code}")
    return problems
