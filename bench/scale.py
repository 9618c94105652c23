"""What one application costs the primary, in rows and bytes, for docs/scale.md.

    PG_OPTS="" bin/throwaway-postgres .venv/bin/python bench/scale.py --applications 1000

Migrates the database, creates the people of ``bench/lifecycle.py`` (applicants with
e-mail addresses), takes ``--applications`` applications through submit → accept →
review → approve → complete in one process (the actions, not HTTP), lets the audit chain
catch up, then ``VACUUM ANALYZE`` and reads each table's rows and total size (heap,
indexes, TOAST). Prints rows and bytes per application for every table that grew, and
the single-process rate (HTTP throughput over 32 clients is ``bench/lifecycle.py``'s).
"""

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from lifecycle import create_people  # noqa: E402  (sets up Django)

from dgov.accounts.models import Applicant, User  # noqa: E402
from dgov.applications import actions  # noqa: E402
from dgov.applications.models import Application, Channel  # noqa: E402
from dgov.audit.chain import chain_pending  # noqa: E402


def sizes() -> dict[str, tuple[int, int]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, c.reltuples::bigint, pg_total_relation_size(c.oid) FROM pg_class c"
            " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind = 'r'"
        )
        found = {name: (rows, size) for name, rows, size in cursor.fetchall()}
    for name in found:
        with connection.cursor() as cursor:
            cursor.execute(f'SELECT count(*) FROM "{name}"')  # exact rows
            found[name] = (cursor.fetchone()[0], found[name][1])
    return found


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--applications", type=int, default=1000)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    people = create_people(4)
    User.objects.filter(pk__in=[pk for pk, _secret in people.applicants]).update(email="applicant@example.com")
    staff = {
        role: User.objects.filter(username__startswith=f"bench-{role}-").first()
        for role in ("clerk", "reviewer", "approver")
    }
    applicant = Applicant.objects.get(user_id=people.applicants[0][0])
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    before = sizes()
    started = time.perf_counter()
    for n in range(args.applications):
        application, _ = actions.do_submit(item=people.item, applicant=applicant, by=applicant.user, channel=Channel.ONLINE,
                                           idempotency_key=f"scale-{os.getpid()}-{n}")  # fmt: skip
        actions.do_accept(application, by=staff["clerk"])
        actions.do_review(application, by=staff["reviewer"])
        actions.do_decide(application, by=staff["approver"], approve=True)
        actions.do_complete(application, by=staff["clerk"])
    elapsed = time.perf_counter() - started
    chain_pending()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    after = sizes()
    grown = {}
    for name, (rows, size) in sorted(after.items()):
        rows0, size0 = before.get(name, (0, 0))
        if rows > rows0:
            grown[name] = {"rows_per_application": round((rows - rows0) / args.applications, 2),
                           "bytes_per_application": round((size - size0) / args.applications)}  # fmt: skip
    total = sum(entry["bytes_per_application"] for entry in grown.values())
    result = {
        "applications": args.applications, "transitions": 5 * args.applications, "seconds": round(elapsed, 1),
        "transitions_per_s_one_process": round(5 * args.applications / elapsed, 1),
        "bytes_per_application": total, "tables": grown,
        "applications_total": Application.objects.count(),
    }  # fmt: skip
    for name, entry in grown.items():
        print(f"{name:<40} {entry['rows_per_application']:>6} rows {entry['bytes_per_application']:>7} B")
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
