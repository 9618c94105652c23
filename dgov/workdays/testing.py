"""Test helpers: the due dates a page shows, read back with their derivations. Tests only."""

import re
from dataclasses import dataclass

STEP = re.compile(r"<li>(.*?)</li>", re.S)
DUE = re.compile(r'data-due-date="([0-9-]+)"( data-provisional)?')  # workdays/_due.html


@dataclass(frozen=True)
class Shown:
    date: str  # the date shown (``workdays/_due.html``), ISO
    provisional: bool
    steps: list[str]  # the derivation under it


def shown_due(page: str, marker: str) -> Shown:
    """The due date a page shows after ``marker`` (e.g. ``data-due="legal"``), whether it
    is tagged provisional, and the derivation that follows it."""
    rest = page[page.index(marker) :]
    date = DUE.search(rest)
    assert date is not None, f"no due date after {marker}"
    derivation = rest[rest.index('<ol class="derivation">') :]
    derivation = derivation[: derivation.index("</ol>")]
    return Shown(date.group(1), date.group(2) is not None, STEP.findall(derivation))


def agrees(shown: Shown) -> bool:
    """The derivation ends on the date shown, and says provisional exactly when the date is."""
    says_provisional = any("the result is provisional" in step for step in shown.steps)
    return bool(shown.steps) and f"Due on {shown.date} " in shown.steps[-1] and says_provisional == shown.provisional
