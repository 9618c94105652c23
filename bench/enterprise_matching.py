"""Policies that find the enterprise, at district scale: 20,000 enterprises × 300 policies
in force. Target: the matching job's pass < 60 s (PostgreSQL); one enterprise's matches
page < 200 ms.

    bin/throwaway-postgres .venv/bin/python bench/enterprise_matching.py     # PostgreSQL (the target)
    .venv/bin/python bench/enterprise_matching.py                            # SQLite, throwaway file

Builds a fresh database with one district, 20,000 enterprise profiles whose facts follow
a plausible spread (industry sections and classes, size classes, founding years,
employees, revenue, R&D, tax, certificates; one in ten with a login), and 300 published
policies of one to four conditions drawn from the kinds districts publish. Then, in one
run:

1. baseline: the 300 policies' filters as plain ``COUNT`` queries (what reading alone costs);
2. the first pass of the matching job (``policies.match`` from ``jobs.py``, run as
   ``run_jobs`` runs it: through its lease, ``dgov.ops.leases.run_one``): every match
   written, every enterprise with a login told;
3. a second full pass with nothing changed (the nightly re-check);
4. an incremental pass after 200 enterprises changed their facts (what runs every minute);
5. one enterprise's page ``/policies/mine/`` through the test client, 50 requests after
   3 warm-ups (routing, login, the 300 conditions checked and explained, the template).
"""

import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
if os.environ.get("DB_ENGINE") != "postgres":
    os.environ["DB_NAME"] = str(Path(tempfile.mkdtemp(prefix="dgov-bench-")) / "bench.sqlite3")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dgov.settings")
os.environ.setdefault("DGOV_TESTING", "1")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402

from dgov.accounts.models import Applicant, City, Department, District, User  # noqa: E402
from dgov.lib import clock  # noqa: E402
from dgov.lib.idnumbers import uscc_check_character  # noqa: E402
from dgov.notifications.models import Notification  # noqa: E402
from dgov.ops import leases  # noqa: E402
from dgov.policies import matching  # noqa: E402
from dgov.policies.facts import ENTERPRISE_FACTS  # noqa: E402
from dgov.policies.jobs import JOBS  # noqa: E402
from dgov.policies.models import EnterpriseProfile, Policy, PolicyMatch, certificate_text  # noqa: E402

ENTERPRISES = 20_000
POLICIES = 300
WITH_LOGIN = 10  # one in ten
REQUESTS = 50
TODAY = dt.date(2026, 6, 15)

INDUSTRIES = ["C3720", "C3714", "C3824", "C3670", "C3990", "C2720", "C1431", "C3091", "C3484", "G5920",
              "F5212", "H6210", "I6510", "M7320", "K7010", "E4813", "L7212", "C3976"]  # fmt: skip
CERTIFICATES = ["high_tech", "tech_sme", "specialised", "little_giant", "tech_centre", "gazelle"]
CONDITION_POOL = [
    "industry in C37", "industry in C36, C37, C38", "industry in C", "industry in I65, M73", "industry not_in K",
    "size in small, micro", "size in medium, small, micro", "size = medium", "years_in_operation >= 1",
    "years_in_operation >= 3", "years_in_operation < 5", "employees >= 10", "employees >= 50", "employees >= 200",
    "employees < 20", "revenue >= 2000", "revenue >= 20000", "revenue < 500", "rd_spend >= 50", "rd_spend >= 300",
    "rd_intensity >= 3", "tax_paid >= 20", "tax_paid >= 500", "paid_in_capital >= 100", "certificates has high_tech",
    "certificates has tech_sme", "certificates has_any specialised, little_giant", "region in 2201",
]  # fmt: skip


def build() -> tuple[District, User]:
    call_command("migrate", verbosity=0)
    city, _ = City.objects.get_or_create(code="220100", defaults={"name": "长春市"})
    district, _ = District.objects.get_or_create(
        code=settings.DEFAULT_DISTRICT_CODE, defaults={"city": city, "name": "宽城区"}
    )
    department, _ = Department.objects.get_or_create(district=district, code="FGJ", defaults={"name": "发改局"})
    rng = random.Random(2018)
    with transaction.atomic():
        editor = User.objects.create(username="eso", kind=User.Kind.STAFF, district=district, department=department)
        editor.groups.add(Group.objects.get(name="enterprise_service"))
        users = User.objects.bulk_create(
            User(username=f"ent{i:05d}", kind=User.Kind.ENTERPRISE) for i in range(ENTERPRISES // WITH_LOGIN)
        )
        applicants = []
        for i in range(ENTERPRISES):
            body = f"91220103MA{i:07d}"
            applicants.append(
                Applicant(
                    district=district,
                    kind=Applicant.Kind.ENTERPRISE,
                    name=f"企业{i:05d}",
                    credit_code=body + uscc_check_character(body),
                    user=users[i // WITH_LOGIN] if i % WITH_LOGIN == 0 else None,
                )
            )
        applicants = Applicant.objects.bulk_create(applicants, batch_size=5000)
        profiles = []
        for a in applicants:
            revenue = Decimal(int(rng.lognormvariate(7.5, 1.4)))
            rd = Decimal(int(revenue * Decimal(rng.uniform(0, 0.08)))) if rng.random() < 0.6 else None
            profile = EnterpriseProfile(
                district=district,
                applicant=a,
                name=a.name,
                credit_code=a.credit_code,
                industry_code=rng.choice(INDUSTRIES),
                size_class=rng.choices(["large", "medium", "small", "micro"], [1, 8, 40, 51])[0],
                founded_on=TODAY - dt.timedelta(days=rng.randint(30, 25 * 365)),
                employees=int(rng.lognormvariate(3, 1.2)),
                revenue=revenue,
                rd_spend=rd,
                tax_paid=Decimal(int(revenue * Decimal("0.05"))),
                paid_in_capital=Decimal(rng.randint(10, 5000)),
                certificates=certificate_text(c for c in CERTIFICATES if rng.random() < 0.08),
                registered_region=a.credit_code[2:8],
                sources={"industry": "registration"},
                updated_at=clock.now(),
            )
            profile.rd_intensity = (
                (rd * 100 / revenue).quantize(Decimal("0.01")) if rd is not None and revenue else None
            )
            profiles.append(profile)
        EnterpriseProfile.objects.bulk_create(profiles, batch_size=5000)
        Policy.objects.bulk_create(
            Policy(
                district=district,
                title=f"惠企政策{i:03d}",
                issuer="长春市宽城区人民政府",
                is_example=True,
                department=department,
                valid_from=dt.date(2026, 1, 1),
                valid_to=dt.date(2026, 12, 31),
                conditions=[
                    c.as_data()
                    for c in ENTERPRISE_FACTS.parse_text("; ".join(rng.sample(CONDITION_POOL, rng.randint(1, 4))))
                ],
                mode=rng.choice(["automatic", "one_click", "automatic"]),
                benefit_kind="fixed",
                benefit_amount=Decimal(rng.randint(1, 50)),
                status="published",
                created_by=editor,
                updated_at=clock.now(),
            )
            for i in range(POLICIES)
        )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    return district, users[0]


def timers() -> dict[str, float]:
    """Time the parts of a pass: the INSERT … SELECT, the rest of each policy's
    statements, the Python check of changed enterprises, the messages."""
    spent: dict[str, float] = {}

    def timed(name, fn):
        def wrapper(*args, **kwargs):
            t0 = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                spent[name] = spent.get(name, 0.0) + time.perf_counter() - t0

        return wrapper

    matching._insert_new = timed("insert", matching._insert_new)
    matching.match_policy = timed("per policy (with insert)", matching.match_policy)
    matching.match_profiles = timed("changed enterprises in Python", matching.match_profiles)
    matching._notify_new = timed("messages", matching._notify_new)
    return spent


def report(spent: dict[str, float]) -> str:
    return ", ".join(f"{name} {value:.2f} s" for name, value in spent.items()) or "—"


def seconds(fn) -> tuple[float, object]:
    t0 = time.perf_counter()
    result = fn()
    return time.perf_counter() - t0, result


def main() -> None:
    clock.set(TODAY)
    started = time.perf_counter()
    district, user = build()
    print(
        f"{connection.vendor}: {EnterpriseProfile.objects.count()} enterprises, {Policy.objects.count()} policies; "
        f"built in {time.perf_counter() - started:.1f} s"
    )
    policies = list(Policy.objects.in_force(TODAY))

    def baseline() -> int:
        return sum(matching.qualifying(p, TODAY).count() for p in policies)

    base_s, qualifying = seconds(baseline)
    print(f"  baseline, 300 filters counted:        {base_s:6.2f} s   ({qualifying} qualifying pairs)")
    job = next(j for j in JOBS if j.name == "policies.match")
    leases.ensure_rows([job], clock.now())

    def through_the_runner() -> int:
        done = leases.run_one(job, runner="bench", now=clock.now(), force=True)
        assert done is not None and done >= 0, "the job runner did not run the pass"
        return done

    spent = timers()
    clock.set(clock.now() + dt.timedelta(minutes=1))
    first_s, changed = seconds(through_the_runner)
    told = Notification.objects.filter(channel="app").count()
    print(
        f"  first pass of the job (all written):  {first_s:6.2f} s   ({PolicyMatch.objects.count()} matches, "
        f"{told} enterprises told; {first_s / base_s:.1f}× the baseline)"
    )
    print(f"    of which: {report(spent)}")
    assert PolicyMatch.objects.count() == qualifying == changed
    spent.clear()
    clock.set(clock.now() + dt.timedelta(minutes=1))
    again_s, _ = seconds(lambda: matching.run(full=True))
    print(f"  second full pass, nothing changed:    {again_s:6.2f} s   ({again_s / base_s:.1f}× the baseline)")
    print(f"    of which: {report(spent)}")
    spent.clear()
    rng = random.Random(7)
    changed_ids = rng.sample(list(EnterpriseProfile.objects.values_list("pk", flat=True)), 200)
    clock.set(clock.now() + dt.timedelta(minutes=1))
    for profile in EnterpriseProfile.objects.filter(pk__in=changed_ids):
        profile.employees = (profile.employees or 0) + rng.randint(-5, 60)
        profile.certificates = certificate_text({*profile.certificate_set, "high_tech"})
        profile.save()
    clock.set(clock.now() + dt.timedelta(minutes=1))
    inc_s, n = seconds(through_the_runner)
    print(f"  incremental pass, 200 changed:        {inc_s:6.2f} s   ({n} matches changed)")
    print(f"    of which: {report(spent)}")
    by_sql = matching.qualifying(policies[0], TODAY).count()
    assert PolicyMatch.objects.filter(policy=policies[0], active=True).count() == by_sql

    profile = EnterpriseProfile.objects.get(applicant__user=user)
    found = matching.for_enterprise(profile, TODAY)
    client = Client()
    client.force_login(user)
    for _ in range(3):
        assert client.get("/policies/mine/").status_code == 200
    samples = []
    for _ in range(REQUESTS):
        t0 = time.perf_counter()
        response = client.get("/policies/mine/")
        samples.append((time.perf_counter() - t0) * 1000)
        assert response.status_code == 200
    ordered = sorted(samples)
    print(
        f"  one enterprise's page ({len(found['matched'])} matched, {len(found['near'])} near, of 300): "
        f"p50 {statistics.median(ordered):.1f} ms   p95 {ordered[int(len(ordered) * 0.95) - 1]:.1f} ms   "
        f"max {ordered[-1]:.1f} ms"
    )
    verdict = "met" if first_s < 60 and again_s < 60 and ordered[int(len(ordered) * 0.95) - 1] < 200 else "NOT met"
    print(f"  targets (pass < 60 s, page p95 < 200 ms): {verdict}")


if __name__ == "__main__":
    main()
