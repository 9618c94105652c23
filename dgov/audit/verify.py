"""Checking the audit trail against its hash chain and the signed checkpoint file.

The walk streams both tables in sequence order, a chunk at a time: the links of a chunk
first, then the entries up to the last of those links. An entry is committed before its
link is written, so reading in that order never mistakes a concurrent commit for a gap.
It stops at the first sequence number that is wrong and says why:

* an entry that does not hash to its link: changed, or swapped with another;
* a link without its entry: the entry was deleted (or the link inserted);
* an entry without a link below the chained head: inserted afterwards;
* a link that differs from a signed checkpoint: the chain was recomputed after a change;
* a chain that ends before a signed checkpoint: its tail was cut off;
* a checkpoint line whose signature does not verify.
"""

import base64
import binascii
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

from dgov.audit.chain import CHECKPOINT_FILE, GENESIS, PUBLIC_KEY_FILE, SELECT_ENTRIES, SELECT_LINKS, key_id
from dgov.audit.models import AuditCheckpoint, canonical_bytes, canonical_from_row


@dataclass(frozen=True)
class Checkpoint:
    seq: int
    chain_hash: str
    at: str
    line: int


@dataclass
class Report:
    checked: int = 0
    chained_upto: int = 0
    last_checkpoint: int | None = None
    pending: int = 0
    bad_seq: int | None = None
    reason: str = ""
    checkpoints: list[Checkpoint] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        return not self.reason

    def summary(self) -> str:
        if not self.intact:
            where = f"#{self.bad_seq}" if self.bad_seq is not None else _("the checkpoint file")
            return _("Audit trail broken at %(where)s: %(reason)s") % {"where": where, "reason": self.reason}
        return _(
            "Audit trail intact: %(checked)d entries checked, chained up to #%(upto)d, "
            "last checkpoint #%(checkpoint)s, %(pending)d pending."
        ) % {
            "checked": self.checked,
            "upto": self.chained_upto,
            "checkpoint": self.last_checkpoint if self.last_checkpoint is not None else "-",
            "pending": self.pending,
        }


class Broken(Exception):
    def __init__(self, seq: int | None, reason: str) -> None:
        super().__init__(reason)
        self.seq = seq
        self.reason = reason


def verify(checkpoint_dir: Path | None = None, *, chunk: int = 20000, using: str = DEFAULT_DB_ALIAS) -> Report:
    """Walk the whole trail; ``Report.intact`` tells the outcome."""
    report = Report()
    try:
        report.checkpoints = load_checkpoints(Path(checkpoint_dir or settings.AUDIT_CHECKPOINT_DIR), using=using)
        if report.checkpoints:
            report.last_checkpoint = report.checkpoints[-1].seq
        _walk(report, chunk, using)
    except Broken as broken:
        report.bad_seq, report.reason = broken.seq, broken.reason
    return report


def load_checkpoints(directory: Path, *, using: str = DEFAULT_DB_ALIAS) -> list[Checkpoint]:
    """The checkpoints of the file, each signature verified, in sequence order."""
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
    expected_key = key_id(public) if public else None
    checkpoints = []
    with open(path, encoding="ascii", errors="replace") as file:
        for number, text in enumerate(file, start=1):
            if not text.strip():
                continue
            try:
                data = json.loads(text)
                body = {name: data[name] for name in ("seq", "chain_hash", "at", "key_id")}
                signature = base64.b64decode(data["signature"], validate=True)
                seq = int(body["seq"])
            except (ValueError, KeyError, TypeError, binascii.Error):
                raise Broken(None, _("checkpoint line %(line)d cannot be read.") % {"line": number}) from None
            if public is None:
                raise Broken(seq, _("%(path)s is missing.") % {"path": directory / PUBLIC_KEY_FILE})
            if body["key_id"] != expected_key:
                raise Broken(seq, _("checkpoint line %(line)d was signed by another key.") % {"line": number})
            try:
                public.verify(signature, canonical_bytes(body))
            except InvalidSignature:
                raise Broken(
                    seq, _("the signature of checkpoint line %(line)d does not verify.") % {"line": number}
                ) from None
            checkpoints.append(Checkpoint(seq, str(body["chain_hash"]), str(body["at"]), number))
    checkpoints.sort(key=lambda checkpoint: (checkpoint.seq, checkpoint.line))
    return checkpoints


def _public_key(path: Path) -> Ed25519PublicKey | None:
    if not path.exists():
        return None
    key = serialization.load_pem_public_key(path.read_bytes())
    if not isinstance(key, Ed25519PublicKey):
        raise Broken(None, _("%(path)s is not an Ed25519 public key.") % {"path": path})
    return key


def _walk(report: Report, chunk: int, using: str) -> None:
    checkpoints = report.checkpoints
    next_checkpoint = 0
    prev = GENESIS
    last = 0
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
                missed = checkpoints[next_checkpoint].seq if next_checkpoint < len(checkpoints) else None
                if missed is not None and missed < seq and (stray is None or missed < stray):
                    raise Broken(
                        missed, _("a signed checkpoint covers #%(seq)d, which has no chain link.") % {"seq": missed}
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
                if sha256(prev + canonical_bytes(canonical_from_row(entry))).hexdigest() != chain_hash:
                    raise Broken(
                        seq,
                        _("entry #%(seq)d does not match the chain: it was changed (or swapped with another).")
                        % {"seq": seq},
                    )
                while next_checkpoint < len(checkpoints) and checkpoints[next_checkpoint].seq == seq:
                    checkpoint = checkpoints[next_checkpoint]
                    if checkpoint.chain_hash != chain_hash:
                        raise Broken(
                            seq,
                            _(
                                "the chain up to #%(seq)d differs from the checkpoint signed at %(at)s: "
                                "entries up to it were changed and the chain recomputed."
                            )
                            % {"seq": seq, "at": checkpoint.at},
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
                _(
                    "the chain ends at #%(last)d but the checkpoint signed at %(at)s covers #%(seq)d: "
                    "entries after #%(last)d were removed."
                )
                % {"last": last, "at": checkpoint.at, "seq": checkpoint.seq},
            )
        cursor.execute("SELECT count(*) FROM audit_auditentry WHERE id > %s", [last])
        report.pending = cursor.fetchone()[0]
