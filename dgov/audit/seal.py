"""The seal of an audit entry: a MAC written with the entry, keyed by a secret that is
not in the database (issue 19 §3).

The hash chain is computed by the chainer after the fact, from what the table holds: a
database writer who inserts a row before the chainer reaches it, or who edits rows and
recomputes the chain past the last checkpoint, leaves a chain that agrees with itself.
The seal closes that gap. ``trail.entry`` seals each entry where it is built, in Python,
before the INSERT; the chainer refuses an entry whose seal does not verify (and names
it), and ``verify_audit`` checks every seal. Without the key a forged or edited row
cannot carry a valid seal.

``seal = nonce (16 hex) || HMAC-SHA256(key, sealed_bytes)[:32 hex]`` over every column
the chain covers but the entry number, which the database hands out at the INSERT. The
random nonce makes every seal unique, so a genuine row copied into another number is
found as a repeated seal. The values are read as the database will give them back:
``changes`` with its numbers in one form (PostgreSQL's jsonb writes ``1e20`` as
``100000000000000000000``), the address as the field stores it.

One value is not known where the entry is built: an entry written in the same statement
as the row it is about, with ``object_id=fastsql.HEAD_PK`` (a submission's trace), learns
that row's number from the INSERT. Its seal covers ``object_id`` as ``@head`` and starts
with ``h`` so the check does the same: such an entry's object id is bound by the chain
alone (its ``object_repr``, the application number, is sealed).

The key (``settings.AUDIT_SEAL_KEY_FILE``, 32 random bytes in hex) is separate from the
checkpoint signing key. Outside production it is created on first use; in production it
must be provisioned (``manage.py audit_keys``), since a fresh key would make every
earlier entry look forged. Entries numbered up to ``settings.AUDIT_UNSEALED_UPTO`` were
written before entries were sealed and are accepted without a seal.
"""

import hmac
import json
import os
import secrets
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _

from dgov.audit.models import canonical_from_row
from dgov.lib.fastsql import HEAD_PK

SEAL_LENGTH = 48
_NONCE = 16
# What a seal covers for an object id the INSERT fills in (``fastsql.HEAD_PK``).
HEAD = "@head"


_keys: dict[str, bytes] = {}


def seal_key() -> bytes:
    """The key, read once per process and path (every entry written needs it)."""
    where = str(settings.AUDIT_SEAL_KEY_FILE)
    key = _keys.get(where)
    if key is None:
        path = Path(where)
        if not path.exists():
            if settings.PRODUCTION:
                raise ImproperlyConfigured(
                    _("The audit seal key %(path)s is missing: provision it with manage.py audit_keys.")
                    % {"path": path}
                )
            create_seal_key(path)
        key = bytes.fromhex(path.read_text(encoding="ascii").strip())
        if len(key) < 32:
            raise ImproperlyConfigured(_("The audit seal key %(path)s is shorter than 32 bytes.") % {"path": path})
        _keys[where] = key
    return key


def create_seal_key(path: Path) -> bool:
    """Write a new key at ``path`` unless one exists (then False), readable by its owner only."""
    from dgov.audit.chain import _create_exclusively

    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    return _create_exclusively(path, secrets.token_hex(32).encode("ascii") + b"\n", mode=0o600)


# Integers up to 2**53 are exact as floats too; beyond, and for every other number, the
# normalised decimal text is what the database keeps.
_EXACT = 2**53


def _number(value: int | float) -> Any:
    """One form for a number whatever the database made of it on the way: jsonb writes
    ``1e20`` as ``100000000000000000000`` and keeps ``1.0``; SQLite keeps the text."""
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return repr(value)
        if value.is_integer() and abs(value) < _EXACT:
            return int(value)
        if abs(value) < _EXACT:
            return value
    elif abs(value) < _EXACT:
        return value
    decimal = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    return "0" if decimal.is_zero() else str(decimal.normalize())


def _normal(value: Any) -> Any:
    kind = type(value)
    if kind is str or value is None or kind is bool:
        return value
    if kind is dict:
        return {k if type(k) is str else json.dumps(k).strip('"'): _normal(v) for k, v in value.items()}
    if kind is list or kind is tuple:
        return [_normal(item) for item in value]
    if kind is int or kind is float:
        return _number(value)
    return value


_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"))
_COMPACT = json.JSONEncoder(separators=(",", ":"))


def changes_text(changes: Any) -> str:
    """``changes`` (JSON text from a cursor, or the dict written) as one canonical text."""
    data = json.loads(changes) if isinstance(changes, str | bytes) else changes
    return _CANONICAL.encode(_normal(data if data is not None else {}))


def sealed_bytes(canonical: dict[str, Any], nonce: str) -> bytes:
    """What the MAC covers: the entry's canonical form (``canonical_from_row``) but its
    number, with the nonce."""
    body = [
        nonce,
        canonical["at"],
        canonical["district"],
        canonical["actor"],
        canonical["actor_name"],
        canonical["role"],
        canonical["ip"],
        canonical["verb"],
        canonical["object_type"],
        canonical["object_id"],
        canonical["object_repr"],
        changes_text(canonical["changes"]),
        canonical["request_id"],
        canonical["outcome"],
    ]
    return _COMPACT.encode(body).encode("ascii")


def _mac(canonical: dict[str, Any], nonce: str, key: bytes) -> str:
    return hmac.digest(key, sealed_bytes(canonical, nonce), "sha256").hex()[: SEAL_LENGTH - _NONCE]


def seal(values: Sequence[Any], key: bytes | None = None) -> str:
    """A fresh seal for an entry's raw ``CANONICAL_COLUMNS`` values."""
    nonce = os.urandom(_NONCE // 2).hex()
    if values[9] is HEAD_PK:
        values = [*values[:9], HEAD, *values[10:]]
        nonce = "h" + nonce[1:]
    return nonce + _mac(canonical_from_row(values), nonce, key or seal_key())


def seal_holds(values: Sequence[Any], given: str | None, key: bytes) -> bool:
    """True when ``given`` is a valid seal of the entry (raw ``CANONICAL_COLUMNS``)."""
    try:
        return canonical_seal_holds(canonical_from_row(values), given, key)
    except (TypeError, ValueError):  # a forged row with values no genuine entry has
        return False


def canonical_seal_holds(canonical: dict[str, Any], given: str | None, key: bytes) -> bool:
    """``seal_holds`` for an entry already in its canonical form (the walk has it)."""
    if not given or len(given) != SEAL_LENGTH:
        return False
    nonce, mac = given[:_NONCE], given[_NONCE:]
    if nonce[0] == "h":
        canonical = dict(canonical, object_id=HEAD)
    try:
        return hmac.compare_digest(_mac(canonical, nonce, key), mac)
    except (TypeError, ValueError):
        return False


def needs_seal(seq: int) -> bool:
    return seq > int(getattr(settings, "AUDIT_UNSEALED_UPTO", 0))
