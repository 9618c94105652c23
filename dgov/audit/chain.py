"""The hash chain over the audit trail, and its signed checkpoints.

Writers only INSERT entries (``trail.record``): no shared row is locked and no previous
hash is read on the hot path, so requests never queue behind each other for the trail.
The chainer (``chain_pending``, run by the job runner and ``manage.py audit_chain``)
appends, in sequence order, one ``AuditLink`` per entry::

    chain_hash(n) = sha256(chain_hash(n-1) || canonical_bytes(entry n))

with 32 zero bytes before the first entry. ``write_checkpoint`` signs the head of the
chain with Ed25519 and appends it to a JSON-lines file outside the database, so a
rewritten or truncated chain no longer matches what was exported.

When is an entry final?
-----------------------
The chain must never pass an entry number whose transaction might still commit: the late
row would then look like an inserted one. Entry numbers are handed out at INSERT, but
transactions commit in any order, and a rolled-back transaction leaves a gap for good.

*SQLite* has one writer at a time (IMMEDIATE transactions take the write lock at BEGIN)
and a number is handed out under that lock, so every number at or below the highest
committed one is final: a gap there can only be a rollback.

*PostgreSQL*: comparing each entry's own transaction id with the snapshot's ``xmin`` is
not enough. Transaction ids are taken in a different order from entry numbers (A takes
its id, B takes its id, A takes entry 4, B takes entry 3 and stays open: entry 4 is
committed with an id below ``xmin`` while 3 is invisible, and would be skipped as a
rollback). Nor is the snapshot's ``xmax`` an upper bound of the ids handed out, only of
the finished ones. So the chainer works with a fence:

1. The default of ``audit_auditentry.id`` (migration 0002) takes the transaction id
   before the sequence number. So a transaction holding entry *g* had its id before
   *g* was handed out.
2. One statement reads ``M = max(id)`` of the committed entries and then takes a new
   transaction id ``X`` (the statement commits at once). Every entry *g* <= M was handed
   out before M, which committed before the statement began, so the transaction holding
   *g* took its id before ``X``: its id is below ``X``.
3. Then the chainer waits until no transaction with an id below ``X`` is in progress in
   a fresh snapshot (``pg_snapshot_xip``; the snapshot's ``xmax`` is above ``X`` because
   ``X`` has finished). From then on every entry <= M is final: committed and visible,
   or rolled back. Entries up to M are chained in order and gaps below M are skipped.

Inside a transaction (tests) step 2 cannot take a fresh id on its own connection (the
transaction already has one), so the id comes from a short second connection.

Two chainers at once must not fork the chain: each batch runs under a lock that only
chainers take (``pg_advisory_xact_lock`` on PostgreSQL; on SQLite the IMMEDIATE write
transaction), and ``AuditLink.seq`` is the primary key. Writers never wait for it on
PostgreSQL; on SQLite every write waits for the one writer anyway.

Forged rows (issue 19 §3)
-------------------------
Every entry carries a seal made with a key outside the database (``dgov.audit.seal``).
The chainer links an entry only if its seal holds. A row whose seal does not hold gets a
*refusal link*: a link whose hash is the previous link's, so the row adds nothing to the
chain and is never read again; the chainer logs it and records an ``audit.forged``
entry naming it. A row numbered 0 or below (never handed out) is named the same way.

What is kept outside the database
---------------------------------
``write_checkpoint`` appends signed lines to ``checkpoints.jsonl`` (the job runner: at
least every ``AUDIT_CHECKPOINT_INTERVAL`` and every ``AUDIT_CHECKPOINT_ENTRIES`` links),
each also recorded as an ``audit.checkpoint`` entry and, if ``AUDIT_SYSLOG`` is set,
sent to a remote syslog. After every pass that linked something the chainer signs the
head it reached into ``head.json`` (replaced in place), so entries cut off the tail
after the last checkpoint line are missed by ``verify_audit``; it never writes a head
the database no longer reaches. ``write_rebaseline`` appends the signed line of a
re-baseline two administrators agreed to after a restore (``dgov.audit.actions``).
"""

import base64
import fcntl
import hashlib
import json
import logging
import logging.handlers
import os
import socket
import tempfile
import time
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Max
from django.utils.translation import gettext as _

from dgov.audit.models import (
    AuditCheckpoint,
    AuditEntry,
    AuditLink,
    Outcome,
    canonical_bytes,
    canonical_from_row,
    utc_text,
)
from dgov.audit.seal import canonical_seal_holds, needs_seal, seal_key
from dgov.lib import clock

logger = logging.getLogger(__name__)

GENESIS = bytes(32)
CHECKPOINT_FILE = "checkpoints.jsonl"
HEAD_FILE = "head.json"
PUBLIC_KEY_FILE = "public-key.pem"
SIGNED_FIELDS = ("seq", "chain_hash", "at", "key_id")
# A re-baseline line also signs who asked for it and who agreed.
REBASELINE_FIELDS = (*SIGNED_FIELDS, "kind", "requested_by", "approved_by", "rebaseline")
# pg_advisory_xact_lock key taken by chainers only ("dgovaud1").
CHAIN_LOCK = 0x64676F7661756431

# Plain SQL on the hot loops (the ORM would cost more than the hashing); the columns are
# CANONICAL_COLUMNS in order, then the seal (a test holds the two together).
ENTRY_COLUMNS = (
    "id, at, district_id, actor_id, actor_name, role, ip, verb, object_type, object_id, object_repr,"
    " changes, request_id, outcome, seal"
)
SELECT_ENTRIES = f"SELECT {ENTRY_COLUMNS} FROM audit_auditentry WHERE id > %s AND id <= %s ORDER BY id LIMIT %s"  # noqa: S608
SELECT_LINKS = "SELECT seq, chain_hash FROM audit_auditlink WHERE seq > %s ORDER BY seq LIMIT %s"


def link_hash(prev: bytes, row: Any) -> bytes:
    """The chain hash of an entry (its raw ``CANONICAL_COLUMNS`` values) after ``prev``."""
    return hashlib.sha256(prev + canonical_bytes(canonical_from_row(row))).digest()


# -- The chainer -----------------------------------------------------------------------


def chain_pending(
    batch: int = 5000, *, wait: float = 2.0, limit: int | None = None, using: str = DEFAULT_DB_ALIAS
) -> int:
    """Link every entry that is final (at most ``limit``), in batches of ``batch``
    entries (one transaction each); returns how many were linked. On PostgreSQL waits
    up to ``wait`` seconds for the transactions that might still commit a lower entry
    number (module docstring). Then signs the head reached into ``head.json``."""
    connection = connections[using]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT max(id) FROM audit_auditentry), (SELECT max(seq) FROM audit_auditlink),"
            " (SELECT min(id) FROM audit_auditentry)"
        )
        latest, chained, lowest = cursor.fetchone()
    if lowest is not None and lowest <= 0:
        _name_unnumbered(using)
    if latest is None or (chained is not None and latest <= chained):
        return 0
    horizon = latest if connection.vendor != "postgresql" else _settled_horizon(connection, wait)
    if horizon is None:
        return 0
    total = 0
    while limit is None or total < limit:
        size = batch if limit is None else min(batch, limit - total)
        done = _chain_batch(connection, horizon, size, using)
        total += done
        if done < size:
            break
    if total:
        write_head(using=using)
    return total


def _settled_horizon(connection: BaseDatabaseWrapper, wait: float) -> int | None:
    """The highest entry number at or below which every entry is final (PostgreSQL), or
    ``None`` if the transactions that might still commit one did not finish in time."""
    with connection.cursor() as cursor:
        if connection.get_autocommit():
            # Snapshot first, then a new transaction id, in one statement that commits
            # (without waiting for the disk: nothing depends on it surviving a crash).
            cursor.execute(
                "SELECT max(id), pg_current_xact_id()::text::bigint, set_config('synchronous_commit', 'off', true)"
                " FROM audit_auditentry"
            )
            latest, fence, _setting = cursor.fetchone()
        else:
            cursor.execute("SELECT max(id) FROM audit_auditentry")
            latest = cursor.fetchone()[0]
            fence = _fresh_transaction_id(connection)
        deadline = time.monotonic() + wait
        pause = 0.001
        while True:
            # Transaction ids are the cluster's: one known to belong to another database of the
            # cluster cannot commit an entry here, and is not waited for (a long transaction
            # there would hold the chain up). Unknown ones are waited for.
            cursor.execute(
                "SELECT NOT EXISTS (SELECT 1 FROM pg_snapshot_xip(pg_current_snapshot()) AS x"
                " WHERE x < %s::text::xid8 AND NOT EXISTS (SELECT 1 FROM pg_stat_activity AS a"
                " WHERE a.datname <> current_database()"
                " AND a.backend_xid = (x::text::bigint %% 4294967296)::text::xid))",
                [fence],
            )
            if cursor.fetchone()[0]:
                return latest
            if time.monotonic() >= deadline:
                return None
            time.sleep(pause)
            pause = min(pause * 2, 0.05)


def _fresh_transaction_id(connection: BaseDatabaseWrapper) -> int:
    raw = connection.get_new_connection(connection.get_connection_params())
    try:
        raw.autocommit = True
        return raw.execute("SELECT pg_current_xact_id()::text::bigint").fetchone()[0]
    finally:
        raw.close()


def _chain_batch(connection: BaseDatabaseWrapper, horizon: int, batch: int, using: str) -> int:
    with transaction.atomic(using=using), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Links are derived data: after a crash the chainer writes the same ones again,
            # so their commit need not wait for the disk. A checkpoint's own commit (synchronous)
            # flushes them before write_checkpoint returns.
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s), set_config('synchronous_commit', 'off', true)", [CHAIN_LOCK]
            )
        cursor.execute("SELECT seq, chain_hash FROM audit_auditlink ORDER BY seq DESC LIMIT 1")
        head = cursor.fetchone()
        last, prev = (head[0], bytes.fromhex(head[1])) if head else (0, GENESIS)
        cursor.execute(SELECT_ENTRIES, [last, horizon, batch])
        links, forged = [], []
        key = seal_key()
        for row in cursor.fetchall():
            canonical = canonical_from_row(row)
            if needs_seal(row[0]) and not canonical_seal_holds(canonical, row[14], key):
                # A refusal link: the previous hash again, so the row adds nothing.
                links.append((row[0], prev.hex()))
                forged.append(row[0])
                continue
            prev = hashlib.sha256(prev + canonical_bytes(canonical)).digest()
            links.append((row[0], prev.hex()))
        if links and connection.vendor == "postgresql":
            # One statement for the batch: many single-row INSERTs cost more than the hashing.
            cursor.execute(
                "INSERT INTO audit_auditlink (seq, chain_hash) SELECT * FROM unnest(%s::bigint[], %s::varchar[])",
                [[seq for seq, _hash in links], [chain_hash for _seq, chain_hash in links]],
            )
        elif links:
            cursor.executemany("INSERT INTO audit_auditlink (seq, chain_hash) VALUES (%s, %s)", links)
        for seq in forged:
            _name_forged(seq, "seal")
    return len(links)


def _name_forged(seq: int, why: str) -> None:
    """Log a forged row and record it in the trail (an entry the chainer seals)."""
    from dgov.audit.trail import record

    logger.error("Audit entry #%s is forged (%s): the chainer refused it.", seq, why)
    record(
        "audit.forged",
        object_type="audit.auditentry",
        object_id=str(seq),
        changes={"reason": why},
        outcome=Outcome.DENIED,
    )


def _name_unnumbered(using: str) -> None:
    """Rows numbered 0 or below: never handed out, so inserted by hand. Named once each."""
    for seq in AuditEntry.objects.using(using).filter(id__lte=0).values_list("id", flat=True):
        named = AuditEntry.objects.using(using).filter(
            verb="audit.forged", object_type="audit.auditentry", object_id=str(seq)
        )
        if not named.exists():
            with transaction.atomic(using=using):
                _name_forged(seq, "number")


# -- Checkpoints -----------------------------------------------------------------------


@dataclass(frozen=True)
class ChainStatus:
    chained_upto: int
    pending: int
    last_checkpoint: AuditCheckpoint | None


def chain_status(using: str = DEFAULT_DB_ALIAS) -> ChainStatus:
    """How far the chain reaches, how many entries wait for it, the last checkpoint."""
    upto = AuditLink.objects.using(using).aggregate(upto=Max("seq"))["upto"] or 0
    pending = AuditEntry.objects.using(using).filter(id__gt=upto).count()
    return ChainStatus(upto, pending, AuditCheckpoint.objects.using(using).order_by("-id").first())


def due_for_checkpoint(using: str = DEFAULT_DB_ALIAS) -> bool:
    """True when entries were linked since the last checkpoint (its own
    ``audit.checkpoint`` entry aside, so an idle trail is not signed over and over) and
    that checkpoint is older than ``settings.AUDIT_CHECKPOINT_INTERVAL`` or
    ``AUDIT_CHECKPOINT_ENTRIES`` links behind (or there is none yet)."""
    last = AuditCheckpoint.objects.using(using).order_by("-id").values_list("at", "seq").first()
    if last is None:
        return AuditLink.objects.using(using).exists()
    at, seq = last
    head = AuditLink.objects.using(using).aggregate(head=Max("seq"))["head"] or 0
    news = AuditEntry.objects.using(using).filter(id__gt=seq, id__lte=head).exclude(verb="audit.checkpoint")
    if not news.exists():
        return False
    return clock.now() - at >= settings.AUDIT_CHECKPOINT_INTERVAL or links_since(seq, using) >= int(
        settings.AUDIT_CHECKPOINT_ENTRIES
    )


def links_since(seq: int, using: str = DEFAULT_DB_ALIAS) -> int:
    """How many links follow ``seq`` (counted up to ``AUDIT_CHECKPOINT_ENTRIES``)."""
    limit = int(settings.AUDIT_CHECKPOINT_ENTRIES)
    with connections[using].cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM (SELECT 1 FROM audit_auditlink WHERE seq > %s LIMIT %s) AS recent", [seq, limit]
        )
        return int(cursor.fetchone()[0])


def chain_and_checkpoint(now: Any = None, *, using: str = DEFAULT_DB_ALIAS) -> int:
    """The job runner's pass: link what is final, at most ``AUDIT_CHECKPOINT_ENTRIES``
    links between two checkpoints, and sign a checkpoint whenever one is due. Returns
    how many entries were linked."""
    entries = int(settings.AUDIT_CHECKPOINT_ENTRIES)
    total = 0
    while True:
        last = AuditCheckpoint.objects.using(using).order_by("-id").values_list("seq", flat=True).first()
        room = entries - (links_since(last, using) if last is not None else 0)
        linked = chain_pending(limit=max(room, 1), using=using)
        total += linked
        if due_for_checkpoint(using):
            write_checkpoint(using, chain=False)
        if linked < max(room, 1):
            return total


def write_checkpoint(using: str = DEFAULT_DB_ALIAS, *, chain: bool = True) -> AuditCheckpoint | None:
    """Chain what is final (unless ``chain`` is False), then sign the head of the chain
    and append it to the checkpoint file (outside the database), to ``AuditCheckpoint``
    (for display) and to the trail as an ``audit.checkpoint`` entry; push the line to
    syslog if configured. Returns ``None`` while the chain is empty."""
    from dgov.audit.trail import record

    if chain:
        chain_pending(using=using)
    head = AuditLink.objects.using(using).order_by("-seq").first()
    if head is None:
        return None
    at = clock.now()
    line = signed_line({"seq": head.seq, "chain_hash": head.chain_hash, "at": utc_text(at)})
    with transaction.atomic(using=using):
        checkpoint = AuditCheckpoint.objects.using(using).create(
            seq=head.seq, chain_hash=head.chain_hash, at=at, key_id=line["key_id"]
        )
        record(
            "audit.checkpoint",
            checkpoint,
            changes={"seq": head.seq, "chain_hash": head.chain_hash, "at": line["at"]},
        )
        # Written inside the transaction: a trail entry never names a line the file lacks.
        append_line(line)
    push_to_syslog(line)
    return checkpoint


def signed_line(body: dict[str, Any], fields: tuple[str, ...] = SIGNED_FIELDS) -> dict[str, Any]:
    """``body`` with the key id, signed over ``fields`` (the public key is published
    beside the checkpoints first)."""
    key = signing_key()
    public = key.public_key()
    directory = Path(settings.AUDIT_CHECKPOINT_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    publish_public_key(directory, public)
    body = dict(body, key_id=key_id(public))
    signed = {name: body[name] for name in fields}
    return dict(body, signature=base64.b64encode(key.sign(canonical_bytes(signed))).decode("ascii"))


def append_line(line: dict[str, Any]) -> None:
    with open(Path(settings.AUDIT_CHECKPOINT_DIR) / CHECKPOINT_FILE, "a", encoding="ascii") as file:
        fcntl.flock(file, fcntl.LOCK_EX)  # two runners append whole lines, one at a time
        file.write(json.dumps(line, sort_keys=True, separators=(",", ":")) + "\n")
        file.flush()
        os.fsync(file.fileno())


def write_rebaseline(*, seq: int, chain_hash: str, requested_by: str, approved_by: str, number: int) -> dict[str, Any]:
    """Append the signed line of an agreed re-baseline: checkpoints signed before it
    that cover entries after ``seq`` belong to a history the restore undid. The head
    record starts again from the database's head."""
    line = signed_line(
        {
            "kind": "rebaseline",
            "seq": seq,
            "chain_hash": chain_hash,
            "at": utc_text(clock.now()),
            "requested_by": requested_by,
            "approved_by": approved_by,
            "rebaseline": number,
        },
        REBASELINE_FIELDS,
    )
    append_line(line)
    push_to_syslog(line)
    write_head(force=True)
    return line


# -- The chainer's head ------------------------------------------------------------------


def read_head(directory: Path | None = None) -> dict[str, Any] | None:
    """The signed head record, or None if there is none or it cannot be read."""
    path = Path(directory or settings.AUDIT_CHECKPOINT_DIR) / HEAD_FILE
    try:
        data = json.loads(path.read_text(encoding="ascii"))
    except (FileNotFoundError, ValueError, UnicodeDecodeError):
        return None
    return data if isinstance(data, dict) else None


def write_head(*, force: bool = False, using: str = DEFAULT_DB_ALIAS) -> None:
    """Sign the head of the chain into ``head.json`` (written aside, then moved into
    place). Unless ``force`` (a re-baseline), a head the database no longer reaches is
    kept as evidence and the pass logs an error instead."""
    head = AuditLink.objects.using(using).order_by("-seq").first()
    if head is None:
        return
    recorded = read_head()
    if recorded is not None and not force:
        try:
            seq, chain_hash = int(recorded["seq"]), str(recorded["chain_hash"])
        except (KeyError, TypeError, ValueError):
            seq, chain_hash = 0, ""
        if seq:
            reached = AuditLink.objects.using(using).filter(seq=seq).values_list("chain_hash", flat=True).first()
            if reached != chain_hash:
                logger.error(
                    "The audit chain no longer reaches its signed head #%s: entries were removed or the chain "
                    "rewritten. head.json is kept as evidence; run verify_audit.",
                    seq,
                )
                return
    line = signed_line({"kind": "head", "seq": head.seq, "chain_hash": head.chain_hash, "at": utc_text(clock.now())})
    directory = Path(settings.AUDIT_CHECKPOINT_DIR)
    fd, temporary = tempfile.mkstemp(dir=directory, prefix=".head-")
    try:
        with os.fdopen(fd, "w", encoding="ascii") as file:
            file.write(json.dumps(line, sort_keys=True, separators=(",", ":")) + "\n")
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, directory / HEAD_FILE)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


# -- Remote copy -------------------------------------------------------------------------

SYSLOG_TAG = "dgov-audit-checkpoint: "


def push_to_syslog(line: dict[str, Any]) -> bool:
    """Send the line to ``settings.AUDIT_SYSLOG`` (``udp://host:port``,
    ``tcp://host:port`` or a socket path such as ``/dev/log``): a copy on a machine the
    database administrator cannot reach. A failure is logged, never raised: the file
    is the record. Returns whether a copy went out."""
    target = str(getattr(settings, "AUDIT_SYSLOG", "") or "")
    if not target:
        return False
    address: Any
    kind = socket.SOCK_DGRAM
    if target.startswith(("udp://", "tcp://")):
        host, _colon, port = target[6:].rpartition(":")
        address = (host.strip("[]"), int(port or 514))
        kind = socket.SOCK_STREAM if target.startswith("tcp://") else socket.SOCK_DGRAM
    else:
        address = target
    text = SYSLOG_TAG + json.dumps(line, sort_keys=True, separators=(",", ":"))
    try:
        handler = logging.handlers.SysLogHandler(
            address=address, facility=logging.handlers.SysLogHandler.LOG_AUTHPRIV, socktype=kind
        )
    except OSError:
        logger.exception("The audit checkpoint could not be sent to syslog at %s.", target)
        return False
    try:
        handler.append_nul = False
        handler.emit(logging.makeLogRecord({"msg": text, "levelno": logging.INFO, "levelname": "INFO"}))
    finally:
        handler.close()
    return True


def key_id(public: Ed25519PublicKey) -> str:
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def public_pem(public: Ed25519PublicKey) -> bytes:
    return public.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


def signing_key() -> Ed25519PrivateKey:
    """The checkpoint signing key from ``settings.AUDIT_SIGNING_KEY_FILE``, created
    (mode 0600) on first use; read once per file version."""
    path = Path(settings.AUDIT_SIGNING_KEY_FILE)
    if not path.exists():
        create_signing_key(path)
    status = path.stat()
    return _signing_key_at(str(path), (status.st_ino, status.st_mtime_ns))


def create_signing_key(path: Path) -> bool:
    """Write a new Ed25519 key at ``path`` unless one exists (then False)."""
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    return _create_exclusively(path, pem, mode=0o600)


@cache
def _signing_key_at(path: str, stamp: tuple[int, int]) -> Ed25519PrivateKey:
    loaded = serialization.load_pem_private_key(Path(path).read_bytes(), password=None)
    if not isinstance(loaded, Ed25519PrivateKey):
        raise ImproperlyConfigured(_("The audit signing key %(path)s is not an Ed25519 key.") % {"path": path})
    return loaded


def publish_public_key(directory: Path, public: Ed25519PublicKey) -> None:
    """Write ``public-key.pem`` beside the checkpoints, so the file verifies on its own.
    A different key already there means the signing key was replaced: stop rather than
    sign checkpoints that the published key cannot verify."""
    path = directory / PUBLIC_KEY_FILE
    pem = public_pem(public)
    if not path.exists() and _create_exclusively(path, pem, mode=0o644):
        return
    if path.read_bytes() != pem:
        raise ImproperlyConfigured(
            _("The audit signing key does not match %(path)s: move the old checkpoints aside first.") % {"path": path}
        )


def _create_exclusively(path: Path, data: bytes, *, mode: int) -> bool:
    """Write a whole file at ``path`` unless one exists (then False): written aside and
    linked into place, so a concurrent reader never sees half a key."""
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.link(temporary, path)
    except FileExistsError:
        return False
    finally:
        os.unlink(temporary)
    return True
