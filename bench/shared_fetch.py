"""One pass of the once-only job (``fetch_shared_materials``) over a large applications table.

    bin/throwaway-postgres .venv/bin/python bench/shared_fetch.py                    # 1,000,000 cases
    bin/throwaway-postgres .venv/bin/python bench/shared_fetch.py --applications 200000

Migrates the throwaway database, creates the people of ``bench/lifecycle.py`` and a second
item whose guide marks 营业执照 as shared data, files one case of each item through
``do_submit`` and copies them with one INSERT … SELECT into ``--applications`` cases: half
of each item, one in ten still open, every open case of the shared item already fetched
(the steady state). Then ``--new`` cases are filed through ``do_submit`` and ``VACUUM
ANALYZE`` runs. It times, alternately and ``--repeat`` times each, the job's selection of
the cases to fetch as it was first written (every open case against every fetched row)
and as it is now (``sharing.pending``: from the newest fetched case, less ``LOOK_BACK``),
checks that both select exactly the new cases, prints the median of each and their ratio,
then times one pass of the job. Exit status 1 when the selections differ.
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from lifecycle import ITEM_CODE, create_people  # noqa: E402  (sets up Django)

from dgov.accounts.models import Applicant, User  # noqa: E402
from dgov.applications import actions, sharing  # noqa: E402
from dgov.applications.models import OPEN_STATUSES, Application, Channel, SharedMaterial  # noqa: E402
from dgov.lib import clock  # noqa: E402
from dgov.services.actions import do_publish_version  # noqa: E402
from dgov.services.models import Material, ServiceItem  # noqa: E402


def first_written() -> list[int]:
    """The selection as commit 50cc711 wrote it."""
    return list(
        Application.objects.filter(status__in=OPEN_STATUSES, item_version__materials__source__in=sharing.TO_FETCH)
        .exclude(pk__in=SharedMaterial.objects.values("application_id"))
        .distinct()
        .order_by("pk")
        .values_list("pk", flat=True)[:100]
    )


def now_written() -> list[int]:
    return list(sharing.pending().values_list("pk", flat=True)[:100])


def timed(select: object) -> tuple[float, list[int]]:
    started = time.perf_counter()
    found = select()  # type: ignore[operator]
    return (time.perf_counter() - started) * 1000, found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--applications", type=int, default=1_000_000)
    parser.add_argument("--new", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        print("run it under bin/throwaway-postgres")
        return 1
    call_command("migrate", verbosity=0)
    people = create_people(1)
    plain = ServiceItem.objects.get(code=ITEM_CODE)
    user = User.objects.get(pk=people.applicants[0][0])
    applicant = Applicant.objects.get(user=user)
    applicant.credit_code = "91220103MA0Y8K2Q1X"
    applicant.save(update_fields=["credit_code"])
    version = plain.current_version
    data = {
        "code": "BENCH-SCJG-002",
        "name": "食品经营许可变更（基准测试）",
        "kind": version.kind,
        "department": version.department,
        "legal_basis": version.legal_basis,
        "conditions": "",
        "legal_limit_days": 20,
        "promised_limit_days": 5,
        "max_trips": version.max_trips,
        "online_level": version.online_level,
        "fees": "",
        "fee_basis": "",
        "keywords": "",
    }
    materials = [
        {"name": "变更申请书", "source": Material.Source.APPLICANT, "legal_basis": "同上", "required": True},
        {"name": "营业执照", "source": Material.Source.SHARED, "legal_basis": "同上", "required": True},
    ]
    shared = do_publish_version(
        None, data, materials, [], by=User.objects.filter(username__startswith="bench-admin").first()
    )

    def file(item: ServiceItem, key: str) -> Application:
        return actions.do_submit(item=item, applicant=applicant, by=user, channel=Channel.ONLINE, idempotency_key=key)[
            0
        ]

    templates = [file(plain, "template-plain"), file(shared, "template-shared")]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'applications_application'"
        )
        fixed = {"id", "number", "idempotency_key", "status", "item_id", "item_version_id"}
        fixed |= {"legal_deadline_id", "promised_deadline_id"}
        copied = [name for (name,) in cursor.fetchall() if name not in fixed]
        columns = ", ".join(copied)
        started = time.perf_counter()
        cursor.execute(
            f"INSERT INTO applications_application (number, idempotency_key, status, item_id, item_version_id, {columns})"  # noqa: S608 — column names from the catalogue
            f" SELECT 'BENCH' || i, 'bench-' || i,"
            f" CASE WHEN i %% 10 = 0 THEN 'accepted' ELSE 'completed' END,"
            f" CASE WHEN i %% 2 = 0 THEN %s ELSE %s END, CASE WHEN i %% 2 = 0 THEN %s ELSE %s END, {columns}"
            f" FROM generate_series(1, %s) AS i, applications_application t WHERE t.id = %s",
            [
                shared.pk,
                plain.pk,
                shared.current_version_id,
                plain.current_version_id,
                args.applications,
                templates[0].pk,
            ],
        )
        material = shared.current_version.materials.get(source=Material.Source.SHARED)
        cursor.execute(
            "INSERT INTO applications_sharedmaterial"
            " (application_id, material_id, provider, found, reference, title, data, fetched_at)"
            " SELECT id, %s, 'register', true, '91220103MA0Y8K2Q1X', '登记信息', '{}', now()"
            " FROM applications_application WHERE item_version_id = %s AND status = 'accepted'",
            [material.pk, shared.current_version_id],
        )
        filled = time.perf_counter() - started
    Application.objects.filter(pk=templates[1].pk).update(status="completed")
    new = [file(shared, f"new-{n}").pk for n in range(args.new)]
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    total = Application.objects.count()
    print(f"{total:,} cases ({filled:.0f} s to fill), {SharedMaterial.objects.count():,} fetched rows, {len(new)} new")

    before: list[float] = []
    after: list[float] = []
    for _ in range(args.repeat):
        ms, found_before = timed(first_written)
        before.append(ms)
        ms, found_after = timed(now_written)
        after.append(ms)
    if found_before != new or found_after != new:
        print(f"the selections differ: first {found_before[:5]}…, now {found_after[:5]}…, expected {new[:5]}…")
        return 1
    b, a = statistics.median(before), statistics.median(after)
    print(f"selection as first written: median {b:.1f} ms; now: median {a:.1f} ms; ratio {b / a:.0f}×")
    started = time.perf_counter()
    fetched = sharing.fetch_shared_materials(clock.now())
    print(f"one pass of the job fetched {fetched} materials in {(time.perf_counter() - started) * 1000:.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
