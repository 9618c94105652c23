"""The hot path's reads: the ORM (prepared through server-side binding) against the
literal statements, in one run (issue 12 item 5, decision 0011).

    PG_OPTS="" bin/throwaway-postgres .venv/bin/python bench/hot_reads.py [--calls 300] [--rounds 5]

Sets up the lifecycle benchmark's people (``bench/lifecycle.py``), files one application
through the API, then, in one process on one connection, times each read a transition or
a submission makes both ways, alternating in ``--rounds`` rounds of ``--calls`` calls each
(after a warm-up that lets psycopg prepare every statement):

- token: ``dgov.api.auth.authenticate_token`` against the token with its user, the roles
  and ``get_all_permissions`` through the ORM;
- application: ``loading.load_visible`` against ``visible_to(user).select_related(*RELATED)
  .get(number=…)`` and the bundle lookup a transition then makes;
- item: ``loading.item_for_own_applicant`` against the published item with its version,
  department and district, the applicant profile and the idempotency check;
- materials: ``loading.materials_of`` against ``version.materials`` ordered.

Reports per read: queries, wall time per call (µs, median of the rounds; the database's
share is in it, one connection, nothing else running in this process) and the ORM's time
as a multiple of the literal statement's. A literal statement earns its place when the
ORM is clearly slower (decision 0011 keeps those above 1.3×).
"""

import argparse
import json
import statistics
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import lifecycle as lc  # noqa: E402  (sets up Django for a benchmark)
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from dgov.accounts.models import Applicant, User  # noqa: E402
from dgov.api.auth import authenticate_token  # noqa: E402
from dgov.api.models import ApiToken, digest  # noqa: E402
from dgov.applications import loading  # noqa: E402
from dgov.applications.models import Application  # noqa: E402
from dgov.bundles.models import BundlePart  # noqa: E402
from dgov.services.models import Material, ServiceItem  # noqa: E402


def orm_token(secret: str) -> Any:
    found = ApiToken.objects.select_related("user").filter(sha256=digest(secret), revoked_at__isnull=True).first()
    assert found is not None
    found.user.role_codes  # noqa: B018 — reads the roles
    found.user.get_all_permissions()
    return found


def orm_application(number: str, user: User) -> Any:
    application = Application.objects.visible_to(user).select_related(*loading.RELATED).get(number=number)
    BundlePart.objects.filter(application=application).values_list("bundle_application_id", flat=True).first()
    return application


def orm_item(user: User, code: str, key: str) -> Any:
    item = (
        ServiceItem.objects.published()
        .filter(code=code, district__applicants__user_id=user.pk)
        .select_related("current_version__department", "district")
        .first()
    )
    assert item is not None
    item.own_applicant = (
        Applicant.objects.filter(district_id=item.district_id, user=user).order_by("-created_at").first()
    )
    item.filed = Application.objects.filter(submitted_by=user, idempotency_key=key).exists()
    return item


def orm_materials(version: Any) -> list[Material]:
    return list(Material.objects.filter(version=version).order_by("order", "id"))


def per_call(fn: Callable[[], Any], calls: int) -> float:
    start = time.perf_counter()
    for _ in range(calls):
        fn()
    return (time.perf_counter() - start) / calls * 1e6


def queries(fn: Callable[[], Any]) -> int:
    with CaptureQueriesContext(connection) as captured:
        fn()
    return len(captured)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=300, help="calls per read, way and round")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    people = lc.create_people(1)
    user_id, secret = people.applicants[0]
    applicant = User.objects.get(pk=user_id)
    response = Client(SERVER_NAME="127.0.0.1").post(
        "/api/v1/applications",
        json.dumps(lc.body_of("submit", people)),
        content_type="application/json",
        headers={"Authorization": f"Bearer {secret}", "Idempotency-Key": uuid.uuid4().hex},
    )
    assert response.status_code == 201, response.content
    number = response.json()["number"]
    reviewer_token = authenticate_token(people.tokens["reviewer"][0])
    assert reviewer_token is not None
    reviewer = User.objects.get(pk=reviewer_token.user_id)
    version = people.item.current_version
    key = uuid.uuid4().hex
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    reads: dict[str, tuple[Callable[[], Any], Callable[[], Any]]] = {
        "token": (lambda: orm_token(secret), lambda: authenticate_token(secret)),
        "application": (
            lambda: orm_application(number, reviewer),
            lambda: loading.load_visible(number, reviewer),
        ),
        "item": (
            lambda: orm_item(applicant, lc.ITEM_CODE, key),
            lambda: loading.item_for_own_applicant(applicant, lc.ITEM_CODE, key),
        ),
        "materials": (lambda: orm_materials(version), lambda: loading.materials_of(version)),
    }
    # Both ways read the same rows.
    assert orm_application(number, reviewer).pk == loading.load_visible(number, reviewer).pk  # type: ignore[union-attr]
    assert [m.pk for m in orm_materials(version)] == [m.pk for m in loading.materials_of(version)]

    counts = {name: (queries(orm), queries(literal)) for name, (orm, literal) in reads.items()}
    for orm, literal in reads.values():  # psycopg prepares a statement on its 5th use
        per_call(orm, 50)
        per_call(literal, 50)
    times: dict[str, tuple[list[float], list[float]]] = {name: ([], []) for name in reads}
    for _ in range(args.rounds):
        for name, (orm, literal) in reads.items():
            times[name][0].append(per_call(orm, args.calls))
            times[name][1].append(per_call(literal, args.calls))

    print(f"{connection.vendor}, {args.rounds} rounds of {args.calls} calls, one connection")
    print(f"{'read':<12} {'queries ORM/literal':>20} {'ORM µs':>9} {'literal µs':>11} {'ORM / literal':>14}")
    for name, (orm_times, literal_times) in times.items():
        orm_us, literal_us = statistics.median(orm_times), statistics.median(literal_times)
        ratios = ", ".join(f"{o / lit:.2f}" for o, lit in zip(orm_times, literal_times, strict=True))
        print(
            f"{name:<12} {counts[name][0]:>10} / {counts[name][1]:<8} {orm_us:>9.0f} {literal_us:>11.0f}"
            f" {orm_us / literal_us:>13.2f}×  (rounds {ratios})"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
