"""How long ``manage.py verify_audit`` takes over a million audit entries.

    .venv/bin/python bench/audit_verify.py                                  # SQLite, temporary file
    bin/throwaway-postgres .venv/bin/python bench/audit_verify.py           # PostgreSQL 15
    .venv/bin/python bench/audit_verify.py --entries 100000                 # a quicker run

Builds a throwaway database (SQLite: a file in a temporary directory; PostgreSQL: the one
bin/throwaway-postgres made), migrates the audit app, generates the entries in Python,
each sealed as ``trail.entry`` seals it (``dgov.audit.seal``), inserts them in batches
(COPY on PostgreSQL), chains them with ``chain_pending``, writes a signed checkpoint, then
times ``verify_audit``, which checks every seal as well as the chain. The target is under
60 seconds for 1,000,000 entries.
"""

import argparse
import datetime as dt
import io
import itertools
import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WORKDIR = Path(tempfile.mkdtemp(prefix="dgov-audit-bench-"))
if os.environ.get("DB_ENGINE") != "postgres":
    os.environ["DB_NAME"] = str(WORKDIR / "bench.sqlite3")
os.environ["DGOV_AUDIT_CHECKPOINT_DIR"] = str(WORKDIR / "checkpoints")
os.environ["DGOV_AUDIT_KEY_FILE"] = str(WORKDIR / "keys" / "audit.pem")
os.environ["DGOV_AUDIT_SEAL_KEY_FILE"] = str(WORKDIR / "seal" / "audit-seal.key")
# The entries are dated 2026-01-01 onwards but checkpointed now, at the end.
os.environ["DGOV_AUDIT_CHECKPOINT_GRACE_MINUTES"] = str(10**8)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dgov.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from dgov.audit.chain import chain_pending, write_checkpoint  # noqa: E402
from dgov.audit.seal import seal, seal_key  # noqa: E402

COLUMNS = (
    "at, district_id, actor_id, actor_name, role, ip, verb, object_type, object_id, object_repr, changes,"
    " request_id, outcome, seal"
)
VERBS = ("application.accept", "application.submit", "auth.login")


def entries(count: int) -> Iterator[tuple[Any, ...]]:
    """The rows, sealed: three a second from 2026-01-01, fifty clerks, a JSON change each."""
    key = seal_key()
    start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    for i in range(1, count + 1):
        at = start + dt.timedelta(seconds=i // 3, microseconds=(i * 7919) % 1_000_000)
        changes = {"status": ["已提交", "已受理"], "amount": [i, i + 0.5], "note": None}
        values = [
            None,
            at,
            None,
            None,
            f"clerk{i % 50}",
            "window_clerk",
            f"10.0.{i // 256 % 256}.{i % 256}",
            VERBS[i % 3],
            "services.application",
            str(i),
            f"申请 {i}",
            changes,
            f"{i:032x}",
            "ok",
        ]
        sealed = seal(values, key)
        yield (at, *values[2:11], json.dumps(changes), values[12], values[13], sealed)


def fill(count: int) -> None:
    rows = entries(count)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY audit_auditentry ({COLUMNS}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        sql = f"INSERT INTO audit_auditentry ({COLUMNS}) VALUES ({', '.join(['%s'] * 14)})"  # noqa: S608
        while batch := [
            (row[0].replace(tzinfo=None).isoformat(" "), *row[1:]) for row in itertools.islice(rows, 10_000)
        ]:
            cursor.executemany(sql, batch)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--keep", action="store_true", help=f"keep {WORKDIR}")
    args = parser.parse_args()
    try:
        call_command("migrate", "audit", verbosity=0)
        print(f"database: {connection.vendor}, {args.entries:,} entries")

        started = time.perf_counter()
        fill(args.entries)
        print(f"generated and sealed in {time.perf_counter() - started:.1f} s")

        started = time.perf_counter()
        chained = chain_pending(batch=5000)
        elapsed = time.perf_counter() - started
        print(f"chained {chained:,} in {elapsed:.1f} s ({chained / elapsed:,.0f} entries/s)")
        write_checkpoint()

        out = io.StringIO()
        started = time.perf_counter()
        call_command("verify_audit", stdout=out)
        elapsed = time.perf_counter() - started
        print(out.getvalue().strip())
        print(f"verify_audit: {elapsed:.1f} s ({args.entries / elapsed:,.0f} entries/s; target < 60 s per million)")
    finally:
        if not args.keep:
            shutil.rmtree(WORKDIR, ignore_errors=True)


if __name__ == "__main__":
    main()
