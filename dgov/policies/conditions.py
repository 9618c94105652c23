"""Conditions as data over a declared set of fact fields.

A policy's conditions (and a bank product's, and a talent programme's) are a list of
``{"fact": …, "op": …, "value": …}``; each names a field of a ``FactSet``, an operator
allowed for that field's kind and a value of that kind. Anything else is refused when the
conditions are saved or imported, with a message naming the condition and the known
fields, so a typing mistake never becomes a condition that silently matches no one.

People write them as text, one per line or separated by ";"::

    industry in C37, C36
    employees >= 20
    certificates has high_tech
    years_in_operation >= 2

The same conditions are read two ways, which must agree (a test holds them together):
``FactSet.q`` turns them into one SQL filter for the matching job, and ``FactSet.check``
explains them for one subject: which condition each fact satisfies, which it does not,
and which fact is missing. A missing fact never satisfies a condition.
"""

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext as _

NUMBER = "number"  # Decimal, e.g. 万元
INTEGER = "integer"
YEARS = "years"  # whole years since a date column (years in operation)
CODE = "code"  # a hierarchical code matched by prefix (GB/T 4754 industry, GB/T 2260 region)
CHOICE = "choice"  # one of the fact's choices
SET = "set"  # a set of tokens stored as ",a,b," (certificates held)
FLAG = "flag"  # yes / no

COMPARISONS = (">=", ">", "<=", "<", "=")
OPERATORS: dict[str, tuple[str, ...]] = {
    NUMBER: COMPARISONS,
    INTEGER: COMPARISONS,
    YEARS: COMPARISONS,
    CODE: ("in", "not_in"),
    CHOICE: ("in", "not_in", "="),
    SET: ("has", "has_any"),
    FLAG: ("=",),
}
OPERATOR_WORDS = {"≥": ">=", "≤": "<=", "==": "="}
TOKEN = re.compile(r"^[a-z0-9_]{1,40}$")
LINE = re.compile(
    r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(>=|<=|==|≥|≤|>|<|=|\bnot_in\b|\bhas_any\b|\bhas\b|\bin\b)\s*(.*?)\s*$"
)
TRUE_WORDS = {"yes", "true", "1", "是"}
FALSE_WORDS = {"no", "false", "0", "否"}

MET, UNMET, UNKNOWN = "met", "unmet", "unknown"


@dataclass(frozen=True)
class Fact:
    """One fact field: the name conditions use, its label, kind and the column it lives in."""

    name: str
    label: Promise | str
    kind: str
    column: str
    choices: tuple[tuple[str, Promise | str], ...] = ()
    code_pattern: str = ""  # CODE: what one code (or prefix) looks like
    unit: Promise | str = ""
    help: Promise | str = ""

    def display(self, value: Any) -> str:
        if value is None or value == "":
            return "—"
        if self.kind == CHOICE:
            return str(dict(self.choices).get(value, value))
        if self.kind == FLAG:
            return _("yes") if value else _("no")
        if self.kind == SET:
            return ", ".join(sorted(value)) or "—"
        if isinstance(value, tuple | list):
            return ", ".join(str(v) for v in value)
        if isinstance(value, Decimal):
            value = format(value.normalize(), "f")
        return f"{value}{self.unit}"


@dataclass(frozen=True)
class Condition:
    fact: str
    op: str
    value: Any  # Decimal | int | bool | str | tuple[str, ...]

    def as_data(self) -> dict[str, Any]:
        value: Any = self.value
        if isinstance(value, Decimal):
            value = format(value.normalize(), "f")
        elif isinstance(value, tuple):
            value = list(value)
        return {"fact": self.fact, "op": self.op, "value": value}

    def as_text(self) -> str:
        value = self.value
        if isinstance(value, tuple):
            shown = ", ".join(value)
        elif isinstance(value, bool):
            shown = "yes" if value else "no"
        elif isinstance(value, Decimal):
            shown = format(value.normalize(), "f")
        else:
            shown = str(value)
        return f"{self.fact} {self.op} {shown}"


@dataclass(frozen=True)
class Check:
    """One condition held against one subject's facts."""

    condition: Condition
    fact: Fact
    value: Any
    outcome: str  # MET, UNMET or UNKNOWN

    @property
    def met(self) -> bool:
        return self.outcome == MET

    @property
    def requirement(self) -> str:
        """The condition in words: "Employees ≥ 20" (in the request's language)."""
        key = (id(self.fact), self.condition, get_language())
        found = _REQUIREMENTS.get(key)
        if found is None:
            if len(_REQUIREMENTS) > 20_000:
                _REQUIREMENTS.clear()
            found = _REQUIREMENTS[key] = _requirement(self.fact, self.condition)
        return found

    @property
    def shown_value(self) -> str:
        return self.fact.display(self.value)


# (fact, condition, language) → the words: a page shows hundreds of conditions of a few
# hundred policies; the facts are module-level constants, so their identity is the key.
_REQUIREMENTS: dict[tuple[int, Condition, str | None], str] = {}


def _requirement(fact: Fact, condition: Condition) -> str:
    op = {">=": "≥", "<=": "≤", "=": "=", ">": ">", "<": "<"}.get(condition.op)
    value = condition.value
    if op is not None:
        if fact.kind in (CHOICE, FLAG):
            return f"{fact.label}: {fact.display(value)}"
        return f"{fact.label} {op} {fact.display(value)}"
    words = {
        "in": _("one of"),
        "not_in": _("none of"),
        "has": _("holds"),
        "has_any": _("holds one of"),
    }[condition.op]
    shown = fact.display(tuple(value) if isinstance(value, tuple) else value)
    if fact.kind == CHOICE:
        shown = ", ".join(fact.display(v) for v in value)
    return f"{fact.label}: {words} {shown}"


@dataclass(frozen=True)
class Verdict:
    """All checks of a condition list against one subject."""

    checks: tuple[Check, ...]

    @property
    def qualifies(self) -> bool:
        return all(c.met for c in self.checks)

    @property
    def unmet(self) -> list[Check]:
        return [c for c in self.checks if c.outcome == UNMET]

    @property
    def missing(self) -> list[Check]:
        return [c for c in self.checks if c.outcome == UNKNOWN]

    @property
    def near(self) -> bool:
        """Nothing fails; only facts are missing (confirming them may qualify)."""
        return not self.unmet and bool(self.missing)


def years_back(today: dt.date, years: int) -> dt.date:
    """The same day ``years`` years before ``today`` (29 February → 28 February)."""
    try:
        return today.replace(year=today.year - years)
    except ValueError:
        return today.replace(year=today.year - years, day=28)


def whole_years(since: dt.date, today: dt.date) -> int:
    years = today.year - since.year
    return years if years_back(today, years) >= since else years - 1


@dataclass
class FactSet:
    """The declared fact fields conditions may name."""

    facts: Sequence[Fact]
    by_name: dict[str, Fact] = field(init=False)

    def __post_init__(self) -> None:
        self.by_name = {f.name: f for f in self.facts}

    def __getitem__(self, name: str) -> Fact:
        return self.by_name[name]

    @property
    def numeric(self) -> list[Fact]:
        return [f for f in self.facts if f.kind in (NUMBER, INTEGER)]

    # Reading conditions -----------------------------------------------------------------

    def parse_text(self, text: str) -> list[Condition]:
        """Conditions written as text (one per line or ";"-separated); every problem is
        reported at once, each with the condition's number."""
        parts = [p.strip() for p in re.split(r"[;\n；]", text or "") if p.strip()]
        raw: list[Any] = []
        errors: list[str] = []
        for number, part in enumerate(parts, start=1):
            match = LINE.match(part)
            if match is None:
                errors.append(
                    _("Condition %(n)s “%(text)s”: write it as “field operator value”, e.g. “employees >= 20”.")
                    % {"n": number, "text": part}
                )
                raw.append(None)
                continue
            name, op, value = match.groups()
            raw.append({"fact": name, "op": OPERATOR_WORDS.get(op, op), "value": value})
        conditions = self._load(raw, errors)
        if errors:
            raise ValidationError(errors, code="conditions")
        return conditions

    def load(self, data: Any) -> list[Condition]:
        """Conditions stored as data (a list of ``{"fact", "op", "value"}``), validated."""
        if data in (None, ""):
            return []
        if not isinstance(data, list):
            raise ValidationError(_("Conditions must be a list."), code="conditions")
        errors: list[str] = []
        conditions = self._load(data, errors)
        if errors:
            raise ValidationError(errors, code="conditions")
        return conditions

    def _load(self, raw: Sequence[Any], errors: list[str]) -> list[Condition]:
        conditions = []
        for number, item in enumerate(raw, start=1):
            if item is None:
                continue
            try:
                conditions.append(self._condition(item))
            except ValidationError as error:
                errors.extend(_("Condition %(n)s: %(problem)s") % {"n": number, "problem": m} for m in error.messages)
        return conditions

    def _condition(self, item: Any) -> Condition:
        if not isinstance(item, Mapping) or set(item) - {"fact", "op", "value"}:
            raise ValidationError(_("each condition has a fact, an operator and a value."))
        name = str(item.get("fact", "")).strip()
        fact = self.by_name.get(name)
        if fact is None:
            raise ValidationError(
                _("there is no fact field “%(name)s”. Known fields: %(known)s.")
                % {"name": name, "known": ", ".join(self.by_name)}
            )
        op = OPERATOR_WORDS.get(str(item.get("op", "")).strip(), str(item.get("op", "")).strip())
        if op not in OPERATORS[fact.kind]:
            raise ValidationError(
                _("“%(op)s” does not apply to %(field)s; use %(ops)s.")
                % {"op": op, "field": fact.name, "ops": ", ".join(OPERATORS[fact.kind])}
            )
        return Condition(fact.name, op, self._value(fact, op, item.get("value")))

    def _value(self, fact: Fact, op: str, value: Any) -> Any:
        if fact.kind in (NUMBER, INTEGER, YEARS):
            try:
                number = Decimal(str(value).strip().replace(",", ""))
            except InvalidOperation:
                raise ValidationError(
                    _("%(field)s needs a number, not “%(value)s”.") % {"field": fact.name, "value": value}
                ) from None
            if not number.is_finite() or number < 0:
                raise ValidationError(_("%(field)s needs a number of 0 or more.") % {"field": fact.name})
            if fact.kind in (INTEGER, YEARS):
                if number != number.to_integral_value():
                    raise ValidationError(_("%(field)s needs a whole number.") % {"field": fact.name})
                return int(number)
            return number
        if fact.kind == FLAG:
            word = str(value).strip().lower()
            if isinstance(value, bool):
                return value
            if word in TRUE_WORDS:
                return True
            if word in FALSE_WORDS:
                return False
            raise ValidationError(_("%(field)s is yes or no.") % {"field": fact.name})
        tokens = value if isinstance(value, list | tuple) else re.split(r"[,，、\s]+", str(value or ""))
        tokens = tuple(str(t).strip() for t in tokens if str(t).strip())
        if not tokens:
            raise ValidationError(_("%(field)s needs at least one value.") % {"field": fact.name})
        if fact.kind == CODE:
            tokens = tuple(t.upper() for t in tokens)
            bad = [t for t in tokens if not re.fullmatch(fact.code_pattern, t)]
            if bad:
                raise ValidationError(
                    _("%(codes)s: not a code of %(field)s.") % {"codes": ", ".join(bad), "field": fact.name}
                )
        elif fact.kind == CHOICE:
            known = [c for c, _label in fact.choices]
            bad = [t for t in tokens if t not in known]
            if bad:
                raise ValidationError(
                    _("%(values)s: %(field)s is one of %(known)s.")
                    % {"values": ", ".join(bad), "field": fact.name, "known": ", ".join(known)}
                )
            if op == "=":
                if len(tokens) != 1:
                    raise ValidationError(_("“=” takes one value; use “in” for several."))
                return tokens[0]
        else:  # SET
            tokens = tuple(t.lower() for t in tokens)
            bad = [t for t in tokens if not TOKEN.match(t)]
            if bad:
                raise ValidationError(
                    _("%(values)s: certificate codes are lower-case letters, digits and “_”.")
                    % {"values": ", ".join(bad)}
                )
            if op == "has" and len(tokens) != 1:
                raise ValidationError(_("“has” takes one value; use “has_any” for several."))
        return tokens

    def describe(self, condition: Condition) -> str:
        """The condition in words, as the pages show it."""
        return Check(condition, self.by_name[condition.fact], None, UNKNOWN).requirement

    def as_text(self, conditions: Iterable[Condition]) -> str:
        return "\n".join(c.as_text() for c in conditions)

    # Evaluating ---------------------------------------------------------------------------

    def q(self, conditions: Iterable[Condition], today: dt.date, prefix: str = "") -> Q:
        """All conditions as one filter over the model holding the facts."""
        q = Q()
        for condition in conditions:
            q &= self._q(condition, today, prefix)
        return q

    def _q(self, c: Condition, today: dt.date, prefix: str) -> Q:
        fact = self.by_name[c.fact]
        col = prefix + fact.column
        lookups = {">=": "gte", ">": "gt", "<=": "lte", "<": "lt", "=": "exact"}
        if fact.kind in (NUMBER, INTEGER):
            return Q(**{f"{col}__{lookups[c.op]}": c.value})
        if fact.kind == YEARS:
            n = int(c.value)
            at_least = {">=": n, ">": n + 1, "=": n}.get(c.op)
            fewer_than = {"<": n, "<=": n + 1, "=": n + 1}.get(c.op)
            q = Q(**{f"{col}__isnull": False})
            if at_least is not None:
                q &= Q(**{f"{col}__lte": years_back(today, at_least)})
            if fewer_than is not None:
                q &= Q(**{f"{col}__gt": years_back(today, fewer_than)})
            return q
        if fact.kind == FLAG:
            return Q(**{col: c.value})
        if fact.kind == CHOICE:
            values = (c.value,) if isinstance(c.value, str) else c.value
            known = ~Q(**{col: ""}) & Q(**{f"{col}__isnull": False})
            return known & (Q(**{f"{col}__in": values}) if c.op != "not_in" else ~Q(**{f"{col}__in": values}))
        if fact.kind == CODE:
            any_prefix = Q()
            for prefix_code in c.value:
                any_prefix |= Q(**{f"{col}__startswith": prefix_code})
            known = ~Q(**{col: ""}) & Q(**{f"{col}__isnull": False})
            return known & (any_prefix if c.op == "in" else ~any_prefix)
        # SET, stored as ",a,b,"
        any_token = Q()
        for token in c.value:
            any_token |= Q(**{f"{col}__contains": f",{token},"})
        return any_token

    def value_of(self, fact: Fact, subject: Any) -> Any:
        value = subject.get(fact.column) if isinstance(subject, Mapping) else getattr(subject, fact.column, None)
        if fact.kind == SET:
            return frozenset(t for t in (value or "").split(",") if t)
        if value == "":
            return None
        return value

    def check(self, conditions: Iterable[Condition], subject: Any, today: dt.date) -> Verdict:
        """Each condition against ``subject`` (a model instance or a mapping of columns)."""
        return Verdict(tuple(self._check(c, subject, today) for c in conditions))

    def _check(self, c: Condition, subject: Any, today: dt.date) -> Check:
        fact = self.by_name[c.fact]
        value = self.value_of(fact, subject)
        if fact.kind == SET:
            held = value
            ok = c.value[0] in held if c.op == "has" else bool(held & set(c.value))
            return Check(c, fact, held, MET if ok else UNMET)
        if value is None:
            return Check(c, fact, None, UNKNOWN)
        compared: Any = value
        if fact.kind == YEARS:
            compared = whole_years(value, today)
        if fact.kind in (NUMBER, INTEGER, YEARS):
            target = c.value
            compared = Decimal(compared) if fact.kind == NUMBER else int(compared)
            ok = {
                ">=": compared >= target,
                ">": compared > target,
                "<=": compared <= target,
                "<": compared < target,
                "=": compared == target,
            }[c.op]
            return Check(c, fact, compared, MET if ok else UNMET)
        if fact.kind == FLAG:
            return Check(c, fact, value, MET if bool(value) == c.value else UNMET)
        if fact.kind == CHOICE:
            values = (c.value,) if isinstance(c.value, str) else c.value
            inside = value in values
            return Check(c, fact, value, MET if inside == (c.op != "not_in") else UNMET)
        inside = any(str(value).startswith(p) for p in c.value)
        return Check(c, fact, value, MET if inside == (c.op == "in") else UNMET)
