"""Who may do what: one predicate per action, read by the page and enforced by the action.

Each ``do_x`` has a ``may_x(user, obj, ...) -> Verdict``. The page shows a button when the
verdict allows it, a disabled button with the reason when it is ``deny``-ed (the person's
role fits but the case does not allow it yet), and nothing when it is ``hide``-den (not the
person's business). The action calls ``enforce(may_x(by, obj))`` first, so the rule the
page shows is the rule that holds. A thing that has moved past the state the act needs
(accepting what is already accepted) is ``moved_on``: no button, and the action answers
409 as for any lost race or repeated act.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied

from dgov.lib.conflicts import Conflict


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    reason: str = ""
    # Shown as a disabled button with the reason; False: not this person's business.
    shown: bool = True
    # The thing has moved on since the person looked: ``enforce`` raises ``Conflict``.
    conflict: bool = False

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


def moved_on(reason: Any) -> Verdict:
    """The thing is past the state the act needs (somebody acted first, or the same act
    came twice): no button; the action answers 409 with the reason."""
    return Verdict(False, str(reason), shown=False, conflict=True)


def first_refusal(*verdicts: Verdict) -> Verdict:
    """The first verdict that refuses, or allow."""
    for verdict in verdicts:
        if not verdict.allowed:
            return verdict
    return ALLOW


def enforce(verdict: Verdict) -> None:
    """Raise ``PermissionDenied`` with the verdict's reason (403) unless it allows;
    ``Conflict`` (409) for a thing that has ``moved_on``."""
    if not verdict.allowed:
        from django.utils.translation import gettext as _

        if verdict.conflict:
            raise Conflict(verdict.reason)
        raise PermissionDenied(verdict.reason or _("Your role does not allow this action."))


A = TypeVar("A")


@dataclass(frozen=True)
class Offer:
    """An act as a page shows it: its form when allowed, else a disabled button and why."""

    name: str
    action: Any
    form: Any = None
    reason: str = ""

    @property
    def enabled(self) -> bool:
        return self.form is not None


def offers(table: Mapping[str, A], judge: Callable[[A], Verdict], form: Callable[[str, A], Any]) -> list[Offer]:
    """The page's buttons from the acts of ``table``: each act ``judge`` allows with its
    ``form(name, act)``, each it ``deny``-s disabled with the reason, none it hides."""
    shown = []
    for name, act in table.items():
        verdict = judge(act)
        if verdict:
            shown.append(Offer(name, act, form=form(name, act)))
        elif verdict.shown:
            shown.append(Offer(name, act, reason=verdict.reason))
    return shown
