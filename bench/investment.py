"""Investment pipeline and chart pages with 10,000 projects: p50/p95 of 50 requests each.

    .venv/bin/python bench/investment.py                               # SQLite, throwaway file
    bin/throwaway-postgres .venv/bin/python bench/investment.py        # PostgreSQL 15

Builds a fresh database (a temporary SQLite file, or the throwaway PostgreSQL cluster),
fills one district with 10,000 projects spread over the stages (about 1 in 7 with a
probability typed by hand, 3% lost, 200 with an agent's claim), their stage log (about
35,000 rows) and 100,000 activity notes (the contact-like table of this app; the
secretaries' own contacts are benchmarked by that app), then times requests through
Django's test client as a district leader (session, permissions, queries, template
rendering): the pipeline page, the pipeline filtered to red idle projects, the charts
page (funnel, amounts by stage, stage ages, offices' results), the offices page and a
project page. Target: p95 < 200 ms. The machine is shared, so figures are noisy: the pages are
sampled round robin and each is also given as a multiple of a baseline page measured in
the same run (the leader's workbench: session, permissions, sidebar, no investment query).
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
    os.environ["DB_NAME"] = os.environ.get("BENCH_SQLITE_FILE") or str(
        Path(tempfile.mkdtemp(prefix="dgov-bench-")) / "bench.sqlite3"
    )
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
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from dgov.accounts.models import City, District, User  # noqa: E402
from dgov.investment.demo import INDUSTRIES, OFFICES  # noqa: E402
from dgov.investment.models import (  # noqa: E402
    PIPELINE,
    Activity,
    Industry,
    InvestmentPolicy,
    Project,
    ResidentOffice,
    Stage,
    StageChange,
)

PROJECTS = 10_000
ACTIVITIES = 100_000
REQUESTS = 50
# Share of projects now in each stage (the funnel narrows), then lost.
WEIGHTS = [30, 20, 12, 10, 6, 8, 7, 4, 3]


def build() -> tuple[District, User]:
    call_command("migrate", verbosity=0)
    city, _ = City.objects.get_or_create(code="220100", defaults={"name": "长春市"})
    district, _ = District.objects.get_or_create(
        code=settings.DEFAULT_DISTRICT_CODE, defaults={"city": city, "name": "宽城区"}
    )
    leader = User.objects.create(username="bench-leader", kind=User.Kind.STAFF, district=district)
    leader.groups.add(Group.objects.get(name="district_leader"))
    policy = InvestmentPolicy.objects.create(district=district)
    industries = [
        Industry.objects.create(district=district, code=c, name=n, orientation=o, chain=ch)
        for c, n, o, ch in INDUSTRIES
    ]
    offices = [ResidentOffice.objects.create(district=district, name=n, city=c, region=r) for n, c, r in OFFICES]
    rng = random.Random(2018)
    now = timezone.now()
    stages = [*PIPELINE, Stage.LOST]
    with transaction.atomic():
        projects = []
        for n in range(PROJECTS):
            stage = rng.choices(stages, WEIGHTS)[0]
            assets = Decimal(rng.randrange(500, 300000))
            mu = Decimal(rng.randrange(5, 500))
            entered = now - dt.timedelta(days=rng.randrange(0, 400), hours=rng.randrange(24))
            project = Project(
                district=district,
                name=f"项目{n:05d}",
                investor=f"投资方{n:05d}有限公司",
                stage=stage,
                is_key=rng.random() < 0.05,
                source=rng.choice(["office", "agent", "leader", "park", "other"]),
                office=rng.choice([*offices, None]),
                owner=leader,
                industry=rng.choice(industries),
                agreed_amount=assets * Decimal("1.3"),
                fixed_asset_investment=assets,
                paid_in=assets / 3 if stage in PIPELINE[3:] else Decimal(0),
                expected_tax=assets / 40,
                land_mu=mu,
                energy_tce=Decimal(rng.randrange(0, 8000)),
                stage_entered_at=entered,
                stage_entered_on=timezone.localdate(entered),
                last_activity_at=entered + dt.timedelta(days=rng.randrange(0, 30)),
                probability=rng.randrange(0, 101) if rng.random() < 0.15 else None,
                lost_from=Stage.TALKS if stage == Stage.LOST else "",
                lost_reason="投资方转投他处" if stage == Stage.LOST else "",
            )
            project.selection_score = project.selection(policy).total
            projects.append(project)
        projects = Project.objects.bulk_create(projects, batch_size=1000)
        changes = []
        for project in projects:
            reached = PIPELINE.index(Stage(project.stage)) if project.stage in PIPELINE else 1
            at = project.stage_entered_at - dt.timedelta(days=30 * reached)
            previous = None
            for i in range(reached + 1):
                changes.append(
                    StageChange(
                        project=project,
                        district=district,
                        at=at,
                        by=leader,
                        from_stage=PIPELINE[i - 1] if i else "",
                        to_stage=PIPELINE[i],
                        days_in_from=(at - previous).days if previous else None,
                    )
                )
                previous, at = at, at + dt.timedelta(days=rng.randrange(10, 50))
        StageChange.objects.bulk_create(changes, batch_size=2000)
        Activity.objects.bulk_create(
            (
                Activity(
                    project=rng.choice(projects), at=now - dt.timedelta(days=rng.randrange(400)), by=leader, text="对接"
                )
                for _ in range(ACTIVITIES)
            ),
            batch_size=5000,
        )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return district, leader


def percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)
    p50 = statistics.median(ordered)
    p95 = ordered[int(len(ordered) * 0.95) - 1]
    return f"p50 {p50:6.1f} ms   p95 {p95:6.1f} ms   max {ordered[-1]:6.1f} ms"


def main() -> None:
    started = time.perf_counter()
    if os.environ.get("BENCH_REUSE"):  # measure again on a kept BENCH_SQLITE_FILE
        leader = User.objects.get(username="bench-leader")
        district = leader.district  # type: ignore[assignment]
    else:
        district, leader = build()
    print(
        f"{connection.vendor}: {Project.objects.count()} projects, {StageChange.objects.count()} stage changes, "
        f"{Activity.objects.count()} activities built in {time.perf_counter() - started:.1f} s"
    )
    client = Client()
    client.force_login(leader)
    some = Project.objects.filter(district=district).order_by("id").values_list("id", flat=True)[5000]
    pages = {
        "baseline: leader's workbench": reverse("portal:workbench", args=["district_leader"]),
        "pipeline": "/investment/",
        "pipeline, red idle only": "/investment/?idle=red",
        "pipeline, page 100": "/investment/?page=100",
        "charts": "/investment/charts/",
        "offices": "/investment/offices/",
        "a project": f"/investment/projects/{some}/",
    }
    samples: dict[str, list[float]] = {label: [] for label in pages}
    for url in pages.values():
        for _ in range(3):  # warm up: templates, connection, calendar cache
            assert client.get(url).status_code == 200, url
    # Round robin, so that a burst of load on the shared machine hits every page alike.
    for _ in range(REQUESTS):
        for label, url in pages.items():
            t0 = time.perf_counter()
            response = client.get(url)
            samples[label].append((time.perf_counter() - t0) * 1000)
            assert response.status_code == 200, response.status_code
    base = statistics.median(samples["baseline: leader's workbench"])
    worst = 0.0
    for label, values in samples.items():
        ratio = statistics.median(values) / base
        print(f"  {label:30s} {percentiles(values)}   p50 = {ratio:4.1f} × baseline")
        if not label.startswith("baseline"):
            worst = max(worst, sorted(values)[int(len(values) * 0.95) - 1])
    print(f"worst p95 {worst:.1f} ms: {'under' if worst < 200 else 'OVER'} the 200 ms target")


if __name__ == "__main__":
    main()
