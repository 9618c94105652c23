"""Who may do what: one predicate per action, read by the page and enforced by the action.

Each ``do_x`` has a ``may_x(user, obj, ...) -> Verdict``. The page shows a button when the
verdict allows it, a disabled button with the reason when it is ``deny``-ed (the person's
role fits but the case does not allow it yet), and nothing when it is ``hide``-den (not the
person's business). The action calls ``enforce(may_x(by, obj))`` first, so the rule the
page shows is the rule that holds.
"""

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    reason: str = ""
    # Shown as a disabled button with the reason; False: not this person's business.
    shown: bool = True

    def __bool__(self) -> bool:
        return self.allowed

    def __and__(self, other: "Verdict") -> "Verdict":
        return self if not self.allowed else other


ALLOW = Verdict(True)


def allow() -> Verdict:
    return ALLOW


def deny(reason: Any) -> Verdict:
    """The person may act on such things, but not on this one now: say why."""
    return Verdict(False, str(reason), shown=True)


def hide(reason: Any = "") -> Verdict:
    """Not this person's business: no button at all (the action still answers 403)."""
    return Verdict(False, str(reason), shown=False)


def first_refusal(*verdicts: Verdict) -> Verdict:
    """The first verdict that refuses, or allow."""
    for verdict in verdicts:
        if not verdict.allowed:
            return verdict
    return ALLOW


def enforce(verdict: Verdict) -> None:
    """Raise ``PermissionDenied`` with the verdict's reason (403) unless it allows."""
    if not verdict.allowed:
        from django.utils.translation import gettext as _

        raise PermissionDenied(verdict.reason or _("Your role does not allow this action."))
