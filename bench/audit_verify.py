"""How long ``manage.py verify_audit`` takes over a million audit entries.

    .venv/bin/python bench/audit_verify.py                                  # SQLite, temporary file
    bin/throwaway-postgres .venv/bin/python bench/audit_verify.py           # PostgreSQL 15
    .venv/bin/python bench/audit_verify.py --entries 100000                 # a quicker run

Builds a throwaway database (SQLite: a file in a temporary directory; PostgreSQL: the one
bin/throwaway-postgres made), migrates the audit app, generates the entries with one
INSERT … SELECT, chains them with ``chain_pending``, writes a signed checkpoint, then times
``verify_audit``. The target is under 60 seconds for 1,000,000 entries.
"""

import argparse
import io
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WORKDIR = Path(tempfile.mkdtemp(prefix="dgov-audit-bench-"))
if os.environ.get("DB_ENGINE") != "postgres":
    os.environ["DB_NAME"] = str(WORKDIR / "bench.sqlite3")
os.environ["DGOV_AUDIT_CHECKPOINT_DIR"] = str(WORKDIR / "checkpoints")
os.environ["DGOV_AUDIT_KEY_FILE"] = str(WORKDIR / "keys" / "audit.pem")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dgov.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from dgov.audit.chain import chain_pending, write_checkpoint  # noqa: E402

COLUMNS = "at, actor_name, role, ip, verb, object_type, object_id, object_repr, changes, request_id, outcome"

SQLITE_FILL = f"""
INSERT INTO audit_auditentry ({COLUMNS})
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %s)
SELECT datetime('2026-01-01', '+' || (i / 3) || ' seconds') || '.' || printf('%%06d', (i * 7919) %% 1000000),
       'clerk' || (i %% 50), 'window_clerk', '10.0.' || (i / 256 %% 256) || '.' || (i %% 256),
       CASE i %% 3 WHEN 0 THEN 'application.accept' WHEN 1 THEN 'application.submit' ELSE 'auth.login' END,
       'services.application', i, '申请 ' || i,
       json_object('status', json_array('已提交', '已受理'), 'amount', json_array(i, i + 0.5), 'note', NULL),
       lower(hex(randomblob(16))), 'ok'
FROM n
"""

POSTGRESQL_FILL = f"""
INSERT INTO audit_auditentry ({COLUMNS})
SELECT timestamptz '2026-01-01 00:00:00+00' + (i / 3) * interval '1 second' + ((i * 7919) %% 1000000) * interval '1 microsecond',
       'clerk' || (i %% 50), 'window_clerk', ('10.0.' || (i / 256 %% 256) || '.' || (i %% 256))::inet,
       CASE i %% 3 WHEN 0 THEN 'application.accept' WHEN 1 THEN 'application.submit' ELSE 'auth.login' END,
       'services.application', i::text, '申请 ' || i,
       jsonb_build_object('status', jsonb_build_array('已提交', '已受理'), 'amount', jsonb_build_array(i, i + 0.5), 'note', NULL),
       md5(i::text), 'ok'
FROM generate_series(1::bigint, %s) AS i
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--keep", action="store_true", help=f"keep {WORKDIR}")
    args = parser.parse_args()
    try:
        call_command("migrate", "audit", verbosity=0)
        print(f"database: {connection.vendor}, {args.entries:,} entries")

        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(SQLITE_FILL if connection.vendor == "sqlite" else POSTGRESQL_FILL, [args.entries])
        print(f"generated in {time.perf_counter() - started:.1f} s")

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
