"""Test helpers: the due dates a page shows, read back with their derivations. Tests only."""

import re
from dataclasses import dataclass

# A State Council arrangement for 2027 (a test file, not the real notice): New Year's Day,
# the Spring Festival 8–12 Feb (5 Feb stays a working day), Sat 20 Feb a make-up day.
CALENDAR_2027 = """\
# 2027 arrangement (a test file, not the real notice)
2027-01-01,holiday,元旦
2027-02-08,holiday,春节
2027-02-09,holiday,春节
2027-02-10,holiday,春节
2027-02-11,holiday,春节
2027-02-12,holiday,春节
2027-02-20,workday,春节调休
"""

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
