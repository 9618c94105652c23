"""Checking the audit trail against its hash chain, its seals and what is kept outside
the database (the signed checkpoint lines and the chainer's signed head).

The walk streams both tables in sequence order, a chunk at a time: the links of a chunk
first, then the entries up to the last of those links. An entry is committed before its
link is written, so reading in that order never mistakes a concurrent commit for a gap.
It stops at the first thing that is wrong and says why:

* an entry numbered 0 or below: the trail never hands such numbers out;
* an entry that does not hash to its link: changed, or swapped with another;
* an entry whose seal does not hold: written or changed without the application's key,
  even if the chain was recomputed to match it (``dgov.audit.seal``);
* a row the chainer refused as forged (unless a later re-baseline acknowledged it);
* a link without its entry: the entry was deleted (or the link inserted);
* an entry without a link below the chained head: inserted afterwards;
* an entry not chained yet whose seal does not hold: inserted above the head;
* two entries with one seal: a genuine entry copied under another number;
* a link that differs from a signed checkpoint or from the chainer's signed head: the
  chain was recomputed after a change;
* a chain that ends before a signed checkpoint or before the chainer's signed head: its
  tail was cut off (the head covers the entries after the last checkpoint);
* an ``audit.checkpoint`` entry whose line the checkpoint file does not hold, or a file
  whose first line came long after the first entry: the file was replaced;
* a checkpoint line or head whose signature does not verify.

A re-baseline line (two administrators agreed, after a restore) supersedes the lines
signed before it that cover entries after its number.
"""

import base64
import binascii
import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils.translation import gettext as _

from dgov.audit.chain import (
    CHECKPOINT_FILE,
    ENTRY_COLUMNS,
    GENESIS,
    HEAD_FILE,
    PUBLIC_KEY_FILE,
    REBASELINE_FIELDS,
    SELECT_ENTRIES,
    SELECT_LINKS,
    SIGNED_FIELDS,
    key_id,
)
from dgov.audit.models import AuditCheckpoint, canonical_bytes, canonical_from_row, utc_text
from dgov.audit.seal import canonical_seal_holds, needs_seal, seal_holds, seal_key
from dgov.lib import clock

CHECKPOINT, HEAD, REBASELINE = "checkpoint", "head", "rebaseline"


@dataclass(frozen=True)
class Checkpoint:
    seq: int
    chain_hash: str
    at: str
    line: int  # 0 for the head
    kind: str = CHECKPOINT
    requested_by: str = ""
    approved_by: str = ""


@dataclass
class Report:
    checked: int = 0
    chained_upto: int = 0
    last_checkpoint: int | None = None
    pending: int = 0
    bad_seq: int | None = None
    reason: str = ""
    checkpoints: list[Checkpoint] = field(default_factory=list)
    acknowledged: list[int] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        return not self.reason

    def summary(self) -> str:
        if not self.intact:
            where = f"#{self.bad_seq}" if self.bad_seq is not None else _("the checkpoint file")
            return _("Audit trail broken at %(where)s: %(reason)s") % {"where": where, "reason": self.reason}
        text = _(
            "Audit trail intact: %(checked)d entries checked, chained up to #%(upto)d, "
            "last checkpoint #%(checkpoint)s, %(pending)d pending."
        ) % {
            "checked": self.checked,
            "upto": self.chained_upto,
            "checkpoint": self.last_checkpoint if self.last_checkpoint is not None else "-",
            "pending": self.pending,
        }
        if self.acknowledged:
            text += " " + _("Forged rows refused by the chainer and acknowledged by a re-baseline: %(rows)s.") % {
                "rows": ", ".join(f"#{seq}" for seq in self.acknowledged)
            }
        return text


class Broken(Exception):
    def __init__(self, seq: int | None, reason: str) -> None:
        super().__init__(reason)
        self.seq = seq
        self.reason = reason


def verify(checkpoint_dir: Path | None = None, *, chunk: int = 20000, using: str = DEFAULT_DB_ALIAS) -> Report:
    """Walk the whole trail; ``Report.intact`` tells the outcome."""
    report = Report()
    directory = Path(checkpoint_dir or settings.AUDIT_CHECKPOINT_DIR)
    try:
        lines = load_lines(directory, using=using)
        head = load_head(directory)
        report.checkpoints, acknowledged_upto = active_checkpoints(lines, head)
        signed = [c for c in report.checkpoints if c.kind != HEAD]
        if signed:
            report.last_checkpoint = signed[-1].seq
        key = seal_key()
        _check_numbers(using)
        recorded = _walk(report, chunk, using, key, acknowledged_upto)
        _check_pending(report, chunk, using, key)
        _check_copies(using)
        _check_recorded_checkpoints(recorded, lines)
        _check_first_checkpoint(lines, using)
    except Broken as broken:
        report.bad_seq, report.reason = broken.seq, broken.reason
    return report


# -- What is kept outside the database ---------------------------------------------------


def load_lines(directory: Path, *, using: str = DEFAULT_DB_ALIAS) -> list[Checkpoint]:
    """The lines of the checkpoint file in file order, each signature verified. A line
    may carry a prefix before its JSON (a syslog copy)."""
    path = directory / CHECKPOINT_FILE
    if not path.exists():
        recorded = AuditCheckpoint.objects.using(using).count()
        if recorded:
            raise Broken(
                None,
                _("%(path)s is missing although the database records %(count)d checkpoints.")
                % {"path": path, "count": recorded},
            )
        return []
    public = _public_key(directory / PUBLIC_KEY_FILE)
    lines = []
    with open(path, encoding="ascii", errors="replace") as file:
        for number, text in enumerate(file, start=1):
            if not text.strip():
                continue
            data = _signed(text[text.find("{") :], public, number, directory)
            kind = str(data.get("kind") or CHECKPOINT)
            checkpoint = Checkpoint(
                int(data["seq"]),
                str(data["chain_hash"]),
                str(data["at"]),
                number,
                kind,
                str(data.get("requested_by", "")),
                str(data.get("approved_by", "")),
            )
            if kind == REBASELINE and (
                not checkpoint.requested_by or checkpoint.requested_by == checkpoint.approved_by
            ):
                raise Broken(
                    checkpoint.seq,
                    _("the re-baseline of line %(line)d was not agreed by a second administrator.") % {"line": number},
                )
            lines.append(checkpoint)
    return lines


def load_head(directory: Path) -> Checkpoint | None:
    """The chainer's signed head, if there is one."""
    path = directory / HEAD_FILE
    if not path.exists():
        return None
    data = _signed(
        path.read_text(encoding="ascii", errors="replace"), _public_key(directory / PUBLIC_KEY_FILE), 0, directory
    )
    return Checkpoint(int(data["seq"]), str(data["chain_hash"]), str(data["at"]), 0, HEAD)


def _signed(text: str, public: Ed25519PublicKey | None, number: int, directory: Path) -> dict[str, Any]:
    where = _("checkpoint line %(line)d") % {"line": number} if number else HEAD_FILE
    try:
        data = json.loads(text)
        kind = data.get("kind") or CHECKPOINT
        fields = REBASELINE_FIELDS if kind == REBASELINE else SIGNED_FIELDS
        body = {name: data[name] for name in fields}
        signature = base64.b64decode(data["signature"], validate=True)
        seq = int(body["seq"])
    except (ValueError, KeyError, TypeError, AttributeError, binascii.Error):
        raise Broken(None, _("%(where)s cannot be read.") % {"where": where}) from None
    if public is None:
        raise Broken(seq, _("%(path)s is missing.") % {"path": directory / PUBLIC_KEY_FILE})
    if body["key_id"] != key_id(public):
        raise Broken(seq, _("%(where)s was signed by another key.") % {"where": where})
    try:
        public.verify(signature, canonical_bytes(body))
    except InvalidSignature:
        raise Broken(seq, _("the signature of %(where)s does not verify.") % {"where": where}) from None
    return dict(data)


def _public_key(path: Path) -> Ed25519PublicKey | None:
    if not path.exists():
        return None
    key = serialization.load_pem_public_key(path.read_bytes())
    if not isinstance(key, Ed25519PublicKey):
        raise Broken(None, _("%(path)s is not an Ed25519 public key.") % {"path": path})
    return key


def active_checkpoints(lines: list[Checkpoint], head: Checkpoint | None) -> tuple[list[Checkpoint], int]:
    """What the chain must agree with, in sequence order, and the number up to which a
    re-baseline acknowledged the past. A re-baseline drops the lines signed before it
    that cover entries after its number (the restore undid them)."""
    active: list[Checkpoint] = []
    acknowledged = 0
    for line in lines:
        if line.kind == REBASELINE:
            active = [earlier for earlier in active if earlier.seq <= line.seq]
            acknowledged = max(acknowledged, line.seq)
        active.append(line)
    superseded = (
        any(line.kind == REBASELINE and line.at > head.at and head.seq > line.seq for line in lines) if head else True
    )
    if head is not None and not superseded:
        active.append(head)
    active.sort(key=lambda checkpoint: (checkpoint.seq, checkpoint.line))
    return active, acknowledged


def _what(checkpoint: Checkpoint) -> str:
    if checkpoint.kind == HEAD:
        return _("the chainer's head signed at %(at)s") % {"at": checkpoint.at}
    if checkpoint.kind == REBASELINE:
        return _("the re-baseline agreed at %(at)s") % {"at": checkpoint.at}
    return _("the checkpoint signed at %(at)s") % {"at": checkpoint.at}


# -- The walk ----------------------------------------------------------------------------


def _check_numbers(using: str) -> None:
    with connections[using].cursor() as cursor:
        cursor.execute("SELECT id FROM audit_auditentry WHERE id <= 0 ORDER BY id LIMIT 1")
        row = cursor.fetchone()
    if row is not None:
        raise Broken(
            row[0],
            _("entry #%(seq)d has a number the trail never hands out: it was inserted by hand.") % {"seq": row[0]},
        )


def _walk(report: Report, chunk: int, using: str, key: bytes, acknowledged_upto: int) -> list[tuple[int, Any]]:
    """Walk the chain; returns the ``audit.checkpoint`` entries met (number, changes)."""
    checkpoints = report.checkpoints
    next_checkpoint = 0
    prev = GENESIS
    last = 0
    recorded: list[tuple[int, Any]] = []
    sha256 = hashlib.sha256
    with connections[using].cursor() as cursor:
        while True:
            cursor.execute(SELECT_LINKS, [last, chunk])
            links = cursor.fetchall()
            if not links:
                break
            # Legitimate entries in the range number len(links); one more shows the
            # first stray, which is all the walk needs.
            cursor.execute(SELECT_ENTRIES, [last, links[-1][0], len(links) + 1])
            rows = iter(cursor.fetchall())
            entry: Any = next(rows, None)
            for seq, chain_hash in links:
                # Anything wrong below this link comes first, in sequence order.
                stray = entry[0] if entry is not None and entry[0] < seq else None
                missed = checkpoints[next_checkpoint] if next_checkpoint < len(checkpoints) else None
                if missed is not None and missed.seq < seq and (stray is None or missed.seq < stray):
                    raise Broken(
                        missed.seq,
                        _("%(what)s covers #%(seq)d, which has no chain link.")
                        % {"what": _what(missed), "seq": missed.seq},
                    )
                if stray is not None:
                    raise Broken(
                        stray,
                        _("entry #%(seq)d has no chain link although later entries are chained: it was inserted.")
                        % {"seq": stray},
                    )
                if entry is None or entry[0] != seq:
                    raise Broken(
                        seq, _("entry #%(seq)d is missing: it was deleted (or its link inserted).") % {"seq": seq}
                    )
                canonical = canonical_from_row(entry)
                sealed = not needs_seal(seq) or canonical_seal_holds(canonical, entry[14], key)
                if chain_hash == prev.hex():  # the chainer refused the row
                    if sealed:
                        raise Broken(
                            seq,
                            _("entry #%(seq)d holds a valid seal but its link leaves it out: the chain was altered.")
                            % {"seq": seq},
                        )
                    if seq > acknowledged_upto:
                        raise Broken(
                            seq,
                            _(
                                "entry #%(seq)d was written without the application's key (its seal does not "
                                "hold): the chainer refused it as forged."
                            )
                            % {"seq": seq},
                        )
                    report.acknowledged.append(seq)
                else:
                    if sha256(prev + canonical_bytes(canonical)).hexdigest() != chain_hash:
                        raise Broken(
                            seq,
                            _("entry #%(seq)d does not match the chain: it was changed (or swapped with another).")
                            % {"seq": seq},
                        )
                    if not sealed:
                        raise Broken(
                            seq,
                            _(
                                "entry #%(seq)d does not hold a valid seal: it was written or changed without the "
                                "application's key, and the chain recomputed to match."
                            )
                            % {"seq": seq},
                        )
                    if entry[7] == "audit.checkpoint":
                        recorded.append((seq, entry[11]))
                while next_checkpoint < len(checkpoints) and checkpoints[next_checkpoint].seq == seq:
                    checkpoint = checkpoints[next_checkpoint]
                    if checkpoint.chain_hash != chain_hash:
                        raise Broken(
                            seq,
                            _(
                                "the chain up to #%(seq)d differs from %(what)s: "
                                "entries up to it were changed and the chain recomputed."
                            )
                            % {"seq": seq, "what": _what(checkpoint)},
                        )
                    next_checkpoint += 1
                prev = bytes.fromhex(chain_hash)
                report.checked += 1
                entry = next(rows, None)
            last = links[-1][0]
        report.chained_upto = last
        if next_checkpoint < len(checkpoints):
            checkpoint = checkpoints[next_checkpoint]
            raise Broken(
                last + 1,
                _("the chain ends at #%(last)d but %(what)s covers #%(seq)d: entries after #%(last)d were removed.")
                % {"last": last, "what": _what(checkpoint), "seq": checkpoint.seq},
            )
    return recorded


def _check_pending(report: Report, chunk: int, using: str, key: bytes) -> None:
    """Entries above the chained head: each must hold its seal."""
    last = report.chained_upto
    with connections[using].cursor() as cursor:
        while True:
            cursor.execute(
                f"SELECT {ENTRY_COLUMNS} FROM audit_auditentry WHERE id > %s ORDER BY id LIMIT %s",  # noqa: S608
                [last, chunk],
            )
            rows = cursor.fetchall()
            for row in rows:
                if needs_seal(row[0]) and not seal_holds(row, row[14], key):
                    raise Broken(
                        row[0],
                        _(
                            "entry #%(seq)d, not chained yet, does not hold a valid seal: it was inserted without "
                            "the application's key."
                        )
                        % {"seq": row[0]},
                    )
            report.pending += len(rows)
            if len(rows) < chunk:
                return
            last = rows[-1][0]


def _check_copies(using: str) -> None:
    with connections[using].cursor() as cursor:
        cursor.execute(
            "SELECT min(id), max(id) FROM audit_auditentry WHERE seal <> '' GROUP BY seal HAVING count(*) > 1"
            " ORDER BY min(id) LIMIT 1"
        )
        row = cursor.fetchone()
    if row is not None:
        raise Broken(
            row[1],
            _("entry #%(copy)d repeats the seal of #%(original)d: it is a copy of a genuine entry.")
            % {"copy": row[1], "original": row[0]},
        )


def _check_recorded_checkpoints(recorded: list[tuple[int, Any]], lines: list[Checkpoint]) -> None:
    """Every checkpoint the trail says was signed is in the file (up to the file's last
    line: an exported copy may be older than the trail)."""
    if not recorded:
        return
    held = {(line.seq, line.chain_hash, line.at) for line in lines}
    newest = max((line.at for line in lines), default="")
    for entry_seq, changes in recorded:
        data = json.loads(changes) if isinstance(changes, str | bytes) else changes
        try:
            named = (int(data["seq"]), str(data["chain_hash"]), str(data["at"]))
        except (KeyError, TypeError, ValueError):
            continue
        if named[2] <= newest and named not in held:
            raise Broken(
                entry_seq,
                _(
                    "entry #%(entry)d records a checkpoint of #%(seq)d signed at %(at)s that the checkpoint file "
                    "does not hold: the file was replaced or cut."
                )
                % {"entry": entry_seq, "seq": named[0], "at": named[2]},
            )


def _check_first_checkpoint(lines: list[Checkpoint], using: str) -> None:
    """The first line follows the first entry within ``AUDIT_CHECKPOINT_GRACE``; with no
    line at all, the first entry is younger than that."""
    with connections[using].cursor() as cursor:
        cursor.execute("SELECT id, at FROM audit_auditentry WHERE id > 0 ORDER BY id LIMIT 1")
        first = cursor.fetchone()
    if first is None:
        return
    grace: dt.timedelta = settings.AUDIT_CHECKPOINT_GRACE
    written = utc_text(first[1])
    if not lines:
        if _moment(written) < clock.now() - grace:
            raise Broken(
                None,
                _(
                    "no signed checkpoint covers the trail although its first entry (#%(seq)d) was written at "
                    "%(at)s: the checkpoint file is missing, or the job runner does not run."
                )
                % {"seq": first[0], "at": written},
            )
        return
    opening = lines[0]
    if opening.kind != REBASELINE and _moment(opening.at) - _moment(written) > grace:
        raise Broken(
            None,
            _(
                "the first signed checkpoint (%(at)s) came long after the first entry (#%(seq)d, %(written)s): "
                "the checkpoint file was replaced."
            )
            % {"at": opening.at, "seq": first[0], "written": written},
        )


def _moment(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
