"""Campaign supervision at scale: 5,000 tasks across 60 units; the inspectors' board and a
unit's own page, p50/p95 of 100 requests each.

    .venv/bin/python bench/campaigns.py                               # SQLite, throwaway file
    bin/throwaway-postgres .venv/bin/python bench/campaigns.py        # PostgreSQL 15

Builds a fresh database and fills one district with 60 units and one campaign whose task
table has 1,000 top-level tasks of 4 subtasks each (5,000 tasks; lead units spread evenly,
0–2 co-units each, deadlines spread over the campaign so every light occurs, some red
cards and caught-up tasks), 10 problems per unit, one progress report per task, and 45 of
the 60 units published. Then times, through Django's test client (routing, session,
permission checks, queries, template rendering):

- ``/campaigns/<pk>/``: the inspectors' board (all 60 units with their lights), as the inspector;
- ``/campaigns/<pk>/units/<unit>/``: a unit's page (the first 100 of its ~167 lead and
  co-unit tasks, open first, with lights; its problems; its latest reports), as that unit's head.

Target: under 200 ms each.
"""

import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
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
from django.utils import timezone  # noqa: E402

from dgov.accounts.models import City, Department, District, User  # noqa: E402
from dgov.campaigns.models import Campaign, Event, Problem, Publication, Status, Task  # noqa: E402

UNITS = 60
PARENTS = 1000
CHILDREN = 4
REQUESTS = 100


def build() -> tuple[Campaign, User, User, Department]:
    call_command("migrate", verbosity=0)
    rng = random.Random(2018)
    today = timezone.localdate()
    city, _ = City.objects.get_or_create(code="220100", defaults={"name": "长春市"})
    district, _ = District.objects.get_or_create(
        code=settings.DEFAULT_DISTRICT_CODE, defaults={"city": city, "name": "宽城区"}
    )
    with transaction.atomic():
        units = Department.objects.bulk_create(
            Department(district=district, code=f"U{n:02d}", name=f"宽城区第{n}单位") for n in range(UNITS)
        )
        campaign = Campaign.objects.create(
            district=district,
            theme="解放思想推动宽城高质量发展大讨论",
            starts_on=today - dt.timedelta(days=90),
            ends_on=today + dt.timedelta(days=90),
            publication_deadline=today - dt.timedelta(days=10),
        )
        campaign.units.set(units)

        def task(number: str, parent: Task | None, n: int) -> Task:
            due = today + dt.timedelta(days=rng.randint(-20, 60))
            closed = rng.random() < 0.3
            return Task(
                campaign=campaign,
                parent=parent,
                number=number,
                form="专题调研",
                content=f"任务{number}：围绕制约高质量发展的突出矛盾开展调研并落实整改",
                measures="对标先进查找差距，列出问题清单",
                due_on=due,
                original_due_on=due - dt.timedelta(days=14) if rng.random() < 0.1 else due,
                extensions=1 if rng.random() < 0.1 else 0,
                lead_unit=units[n % UNITS],
                progress=100 if closed else rng.randint(0, 95),
                status=Status.CLOSED if closed else Status.OPEN,
                closed_on=today - dt.timedelta(days=3) if closed else None,
                caught_up_on=today - dt.timedelta(days=1) if rng.random() < 0.05 else None,
                red_carded=rng.random() < 0.02,
            )

        parents = Task.objects.bulk_create(task(f"{p + 1}", None, p) for p in range(PARENTS))
        children = Task.objects.bulk_create(
            task(f"{p.number}.{c + 1}", p, i * CHILDREN + c + 7) for i, p in enumerate(parents) for c in range(CHILDREN)
        )
        tasks = parents + children
        through = Task.co_units.through
        through.objects.bulk_create(
            through(task_id=t.pk, department_id=units[(n * 7 + k * 13 + 1) % UNITS].pk)
            for n, t in enumerate(tasks)
            for k in range(n % 3)
        )
        Event.objects.bulk_create(
            Event(task=t, verb=Event.Verb.REPORT, note="按计划推进", percent=t.progress) for t in tasks
        )
        problems = Problem.objects.bulk_create(
            Problem(
                campaign=campaign,
                unit=unit,
                problem=f"{unit.name}问题{k}",
                root_cause="思想不够解放",
                measures="制定整改措施并向社会公开",
                due_on=today + dt.timedelta(days=k * 3),
                original_due_on=today + dt.timedelta(days=k * 3),
                responsible="单位负责人",
            )
            for unit in units
            for k in range(10)
        )
        Event.objects.bulk_create(Event(problem=p, verb=Event.Verb.CREATE) for p in problems)
        inspector = User.objects.create_user(
            "bench-inspector", kind=User.Kind.STAFF, district=district, department=units[0]
        )
        inspector.groups.add(Group.objects.get(name="inspector"))
        head = User.objects.create_user("bench-head", kind=User.Kind.STAFF, district=district, department=units[17])
        head.groups.add(Group.objects.get(name="unit_head"))
        Publication.objects.bulk_create(
            Publication(campaign=campaign, unit=u, published_on=today - dt.timedelta(days=12), published_by=head)
            for u in units[:45]
        )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return campaign, inspector, head, units[17]


def percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)
    p50 = statistics.median(ordered)
    p95 = ordered[int(len(ordered) * 0.95) - 1]
    return f"p50 {p50:6.1f} ms   p95 {p95:6.1f} ms   max {ordered[-1]:6.1f} ms"


def timed(client: Client, url: str) -> list[float]:
    for _ in range(3):  # warm up: templates, connection, calendar cache
        assert client.get(url).status_code == 200
    samples = []
    for _ in range(REQUESTS):
        t0 = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - t0) * 1000)
        assert response.status_code == 200, response.status_code
    return samples


def main() -> None:
    started = time.perf_counter()
    campaign, inspector, head, unit = build()
    print(
        f"{connection.vendor}: {Task.objects.count()} tasks, {UNITS} units, {Problem.objects.count()} problems "
        f"built in {time.perf_counter() - started:.1f} s"
    )
    board = Client()
    board.force_login(inspector)
    page = Client()
    page.force_login(head)
    unit_url = f"/campaigns/{campaign.pk}/units/{unit.pk}/"
    shown = page.get(unit_url).content.decode().count("data-task=")
    total = Task.objects.filter(campaign=campaign).of_unit(unit).count()
    print(f"  inspectors' board (60 units):        {percentiles(timed(board, f'/campaigns/{campaign.pk}/'))}")
    print(f"  a unit's page ({shown} of {total} tasks):  {percentiles(timed(page, unit_url))}")


if __name__ == "__main__":
    main()
