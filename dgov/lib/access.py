"""Every view declares who may open it (decision 0025): each app's ``access.py`` holds
``VIEWS``, {URL route as the resolver spells it: ``Seen(...)``}, and the role × URL matrix
(``tests/matrix/``) requests every route of the URLconf with GET as every persona and holds
each answer against the declaration. A route without one fails the matrix by name.

Personas: every staff role by its code (``window_clerk`` …; department-scoped roles in the
market regulator SCJG), ``citizen``, ``enterprise`` (signed-in applicants) and
``anonymous``. Answers fall in classes: ``ok`` (2xx, or a redirect elsewhere than to the
log-in page), ``login`` (sent to log in), ``no`` (403 or 404), ``404``, ``405`` (not a
GET view), ``400``, ``401`` (the API without a token), ``422`` (the API refusing a
parameter), ``5xx`` (never declared).

Routes with an object (an application, a document) are requested three times: with the
own one (the SCJG department's case of the ``citizen``), another department's (the 城管局
case of the ``enterprise``) and another district's."""

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from dgov.accounts.roles import Role

STAFF = " ".join(role.value for role in Role)
APPLICANTS = "citizen enterprise"
SIGNED_IN = f"{STAFF} {APPLICANTS}"
EVERYONE = f"{SIGNED_IN} anonymous"
PERSONAS = tuple(EVERYONE.split())


def personas(names: str) -> frozenset[str]:
    found = frozenset(names.split())
    unknown = found - set(PERSONAS)
    if unknown:
        raise ValueError(f"unknown personas: {sorted(unknown)}")
    return found


@dataclass(frozen=True)
class Seen:
    """``ok``: who gets the page (for an object: the own department's); ``elsewhere``:
    who gets another department's object (default: the same people); another district's
    object: ``far`` (nobody unless declared: a public page). Everybody else signed in gets ``rest``, the anonymous ``anonymous``;
    ``odd`` names a persona whose answer is another class ({persona: class})."""

    ok: str = ""
    elsewhere: str | None = None
    far: str = ""
    rest: str = "no"
    anonymous: str = "login"
    odd: Any = field(default_factory=lambda: MappingProxyType({}))

    def expected(self, persona: str, variant: str = "own") -> str:
        if persona in self.odd:
            return str(self.odd[persona])
        if persona == "anonymous" and "anonymous" not in personas(self.ok):
            return self.anonymous
        allowed = {"own": self.ok, "elsewhere": self.ok if self.elsewhere is None else self.elsewhere, "far": self.far}
        return "ok" if persona in personas(allowed[variant]) else self.rest


# Shapes that recur: a public page, a staff page open to all staff, a form that only
# answers POST (GET: 405, the anonymous sent to log in first).
PUBLIC = Seen(ok=EVERYONE)
ANY_STAFF = Seen(ok=STAFF)
ANY_SIGNED_IN = Seen(ok=SIGNED_IN)
POST_ONLY = Seen(rest="405")
API_POST_ONLY = Seen(rest="405", anonymous="405")


def answer_class(response: Any) -> str:
    code = response.status_code
    if code in (301, 302, 303, 307, 308):
        return "login" if "/accounts/login" in response.get("Location", "") else "ok"
    if 200 <= code < 300:
        return "ok"
    if code in (403, 404):
        return "no" if code == 403 else "404"
    return str(code) if code < 500 else "5xx"


def matches(expected: str, found: str) -> bool:
    """``no`` admits 403 and 404 alike; ``404`` only a 404 (the case pages: missing and
    forbidden look the same)."""
    return found == expected or (expected == "no" and found == "404")
