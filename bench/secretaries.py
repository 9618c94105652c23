"""Project secretaries at scale: 10,000 key projects, 100,000 contacts; p50/p95 of the
overdue-contact page (target < 200 ms) and of the key-project list.

    .venv/bin/python bench/secretaries.py                               # SQLite, throwaway file
    bin/throwaway-postgres .venv/bin/python bench/secretaries.py        # PostgreSQL

Builds a fresh database (a temporary SQLite file, or the throwaway PostgreSQL cluster),
fills one district with 10,000 key projects held by 100 secretaries under 10 leaders,
10 contacts per project over the last 120 days (about two in three counted), and the
projects' last counted contact derived from them; a third or so of the projects are
overdue. Then times, through Django's test client (routing, permission checks, the
queries, template rendering), 100 requests each of the overdue page as a secretary
(their ~100 projects), as a leader (~1,000), and district-wide (``everyone=on``), and of
the key-project list.
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

from dgov.accounts.models import City, District, User  # noqa: E402
from dgov.investment.models import Project, Stage  # noqa: E402
from dgov.secretaries.models import Contact, Method, Secretaryship  # noqa: E402

PROJECTS = 10_000
CONTACTS_PER_PROJECT = 10
SECRETARIES = 100
LEADERS = 10
REQUESTS = 100


def _people(district: District, prefix: str, n: int, role: str) -> list[User]:
    users = User.objects.bulk_create(
        User(username=f"{prefix}{i:03d}", full_name=f"{prefix} {i}", kind=User.Kind.STAFF, district=district)
        for i in range(n)
    )
    Group.objects.get(name=role).user_set.add(*users)
    return users


def build() -> tuple[User, User]:
    call_command("migrate", verbosity=0)
    city, _ = City.objects.get_or_create(code="220100", defaults={"name": "长春市"})
    district, _ = District.objects.get_or_create(
        code=settings.DEFAULT_DISTRICT_CODE, defaults={"city": city, "name": "宽城区"}
    )
    rng = random.Random(2018)
    today = timezone.localdate()
    stages = [s for s in Stage.values if s != Stage.LOST]
    with transaction.atomic():
        secretaries = _people(district, "sec", SECRETARIES, "project_secretary")
        leaders = _people(district, "lead", LEADERS, "district_leader")
        projects = Project.objects.bulk_create(
            (
                Project(
                    district=district,
                    name=f"重点项目{i:05d}",
                    investor=f"投资企业{i:05d}",
                    stage=rng.choice(stages),
                    is_key=True,
                )
                for i in range(PROJECTS)
            ),
            batch_size=2000,
        )
        contacts, last = [], {}
        now = timezone.now()
        for n, project in enumerate(projects):
            secretary = secretaries[n % SECRETARIES]
            # Two in three projects are contacted up to this week, the rest stopped some weeks ago.
            newest = rng.randint(0, 6) if n % 3 else rng.randint(8, 40)
            for k in range(CONTACTS_PER_PROJECT):
                on = today - dt.timedelta(days=newest + 7 * k + rng.randint(0, 3))
                counted = rng.random() < 0.67 or k == 0
                contacts.append(
                    Contact(
                        district=district,
                        project=project,
                        secretary=secretary,
                        on=on,
                        method=rng.choice(Method.values),
                        people="企业负责人",
                        discussion="项目进度与需协调事项",
                        counted_at=now if counted else None,
                        confirmed_by_name="企业" if counted else "",
                    )
                )
                if counted:
                    last[project.pk] = max(last.get(project.pk, on), on)
        Contact.objects.bulk_create(contacts, batch_size=5000)
        Secretaryship.objects.bulk_create(
            (
                Secretaryship(
                    district=district,
                    project=project,
                    secretary=secretaries[n % SECRETARIES],
                    leader=leaders[(n % SECRETARIES) % LEADERS],
                    assigned_on=today - dt.timedelta(days=200),
                    stage_when_assigned=Stage.LEAD,
                    last_contact_on=last[project.pk],
                    counted_contacts=CONTACTS_PER_PROJECT,
                )
                for n, project in enumerate(projects)
            ),
            batch_size=2000,
        )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return secretaries[0], leaders[0]


def percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[int(len(ordered) * 0.95) - 1]
    return f"p50 {statistics.median(ordered):6.1f} ms   p95 {p95:6.1f} ms   max {ordered[-1]:6.1f} ms"


def timed(client: Client, url: str, params: dict[str, str]) -> list[float]:
    for _ in range(3):  # warm up
        assert client.get(url, params).status_code == 200
    samples = []
    for _ in range(REQUESTS):
        t0 = time.perf_counter()
        response = client.get(url, params)
        samples.append((time.perf_counter() - t0) * 1000)
        assert response.status_code == 200, response.status_code
    return samples


def main() -> None:
    started = time.perf_counter()
    secretary, leader = build()
    overdue = Secretaryship.objects.overdue(timezone.localdate()).count()
    print(
        f"{connection.vendor}: {Project.objects.count()} projects, {Contact.objects.count()} contacts, "
        f"{overdue} overdue; built in {time.perf_counter() - started:.1f} s"
    )
    client = Client()
    client.force_login(secretary)
    print(f"  overdue page, a secretary:      {percentiles(timed(client, '/secretaries/overdue/', {}))}")
    print(f"  key-project list, a secretary:  {percentiles(timed(client, '/secretaries/', {}))}")
    client.force_login(leader)
    print(f"  overdue page, a leader:         {percentiles(timed(client, '/secretaries/overdue/', {}))}")
    print(
        f"  overdue page, district-wide:    {percentiles(timed(client, '/secretaries/overdue/', {'everyone': 'on'}))}"
    )
    print(f"  key-project list, district:     {percentiles(timed(client, '/secretaries/', {'everyone': 'on'}))}")


if __name__ == "__main__":
    main()
