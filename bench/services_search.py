"""Catalogue search on a 3,000-item and then a 30,000-item catalogue: p50/p95 of 200
searches at each size, in one run.

    .venv/bin/python bench/services_search.py                               # SQLite, throwaway file
    bin/throwaway-postgres .venv/bin/python bench/services_search.py        # PostgreSQL 15
    .venv/bin/python bench/services_search.py 3000                          # one size only

Builds a fresh database (a temporary SQLite file, or the throwaway PostgreSQL cluster),
fills one district with 3,000 published items (the demo guides, with their English names
and keywords, repeated with varied names), times 200 requests to ``/services/search/?q=…``
through Django's test client (URL routing, the search queries, ranking, "did you mean"
for the queries that find nothing, the hot-search log, template rendering) and,
separately, the ``search.search`` function alone; then grows the catalogue to 30,000 items
and measures again. Queries mix Chinese, Traditional Chinese, pinyin, initials, English
and misspellings. Target: p95 < 100 ms at 3,000 items (issue 13); 30,000 is measured.

The machine is shared: on a loaded machine wall time includes waiting for a core, so the
CPU time of this process per request is printed too (on SQLite all of the work is in
this process; on PostgreSQL the server's share is not in it). Print ``uptime`` with it.
"""

import os
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
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import OuterRef, Subquery  # noqa: E402
from django.test import Client  # noqa: E402

from dgov.accounts.demo import DEPARTMENTS  # noqa: E402
from dgov.accounts.models import City, Department, District  # noqa: E402
from dgov.services import demo, search  # noqa: E402
from dgov.services.models import Material, ServiceItem, ServiceItemVersion, version_values  # noqa: E402

SIZES = [int(arg) for arg in sys.argv[1:]] or [3000, 30000]
SEARCHES = 200
BATCH = 1000  # rows per INSERT while building
QUERIES = [
    "开饭店",
    "開飯店",
    "许可",
    "登记",
    "失业了",
    "卫生 许可",
    "医师",
    "盖房子",
    "营业执照",
    "低保",
    "开药店",
    "備案",
    "建设工程",
    "开KTV",
    "社会团体",
    "不存在的事项",
    "市场监督管理局",
    "我要开诊所",
    "教师资格",
    "垃圾",
    "restaurant",
    "kaifandian",
    "kfd",
    "resturant",
    "marriage licence",
    "yingyezhizhao",
]
# Variants multiply the 74 demo guides into a realistic 3,000-item catalogue.
PLACES = [
    "",
    "（分支机构）",
    "（连锁）",
    "（迁入）",
    "（延续）",
    "（补证）",
    "（换证）",
    "（注销）",
    "（变更）",
    "（新办）",
]


def build(start: int, stop: int) -> District:
    """Items ``start`` to ``stop`` of the bench catalogue (on a migrated database)."""
    city, _ = City.objects.get_or_create(code="220100", defaults={"name": "长春市"})
    district, _ = District.objects.get_or_create(
        code=settings.DEFAULT_DISTRICT_CODE, defaults={"city": city, "name": "宽城区"}
    )
    departments = {
        code: Department.objects.get_or_create(district=district, code=code, defaults={"name": name, "kind": kind})[0]
        for code, name, kind in [*DEPARTMENTS, *demo.EXTRA_DEPARTMENTS]
    }
    guides = {entry.code: demo._data(entry, departments[entry.department], district) for entry in demo.ITEMS}
    # In bulk, in one transaction: the guides and their search index are built in Python
    # (``search.index_text`` of each unsaved version), then written as three batched
    # INSERTs and one UPDATE that points each item at its version.
    versions, texts = [], []
    for n in range(start, stop):
        entry = demo.ITEMS[n % len(demo.ITEMS)]
        variant = PLACES[(n // len(demo.ITEMS)) % len(PLACES)]
        data = {k: v for k, v in guides[entry.code].items() if k not in ("code", "district")}
        data["name"] = f"{entry.name}{variant}{'' if n < len(demo.ITEMS) * len(PLACES) else n}"
        version = ServiceItemVersion(number=1, **version_values(data))
        versions.append(version)
        texts.append(search.index_text(version))
    with transaction.atomic():
        items = ServiceItem.objects.bulk_create(
            (
                ServiceItem(district=district, code=f"BENCH-{n:05d}", search_text=text)
                for n, text in zip(range(start, stop), texts, strict=True)
            ),
            batch_size=BATCH,
        )
        for item, version in zip(items, versions, strict=True):
            version.item = item
        versions = ServiceItemVersion.objects.bulk_create(versions, batch_size=BATCH)
        Material.objects.bulk_create(
            (
                Material(version=version, order=order, **m)
                for n, version in zip(range(start, stop), versions, strict=True)
                for order, m in enumerate(demo._materials(demo.ITEMS[n % len(demo.ITEMS)]), start=1)
            ),
            batch_size=BATCH,
        )
        ServiceItem.objects.filter(district=district, code__startswith="BENCH-", current_version__isnull=True).update(
            current_version=Subquery(ServiceItemVersion.objects.filter(item=OuterRef("pk"), number=1).values("pk")[:1])
        )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return district


def percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)
    p50 = statistics.median(ordered)
    p95 = ordered[int(len(ordered) * 0.95) - 1]
    return f"p50 {p50:6.1f} ms   p95 {p95:6.1f} ms   max {ordered[-1]:6.1f} ms"


def measure(district: District) -> None:
    from django.core.cache import cache

    cache.clear()  # "did you mean" builds its vocabulary of this catalogue afresh
    client = Client()
    for query in QUERIES:  # warm up: first OpenCC and pypinyin use, template loading, connection
        client.get("/services/search/", {"q": query})
    through_client, client_cpu, function_only, hits = [], [], [], []
    items = ServiceItem.objects.filter(district=district)
    for n in range(SEARCHES):
        query = QUERIES[n % len(QUERIES)]
        t0, c0 = time.perf_counter(), time.process_time()
        response = client.get("/services/search/", {"q": query})
        through_client.append((time.perf_counter() - t0) * 1000)
        client_cpu.append((time.process_time() - c0) * 1000)
        assert response.status_code == 200, response.status_code
        t0 = time.perf_counter()
        results = search.search(items, query)
        function_only.append((time.perf_counter() - t0) * 1000)
        hits.append(results.total)
    total = ServiceItem.objects.published().filter(district=district).count()
    print(
        f"{connection.vendor}, {total} items: {SEARCHES} searches, {len(QUERIES)} distinct queries, median {statistics.median(hits):.0f} hits"
    )
    print(f"  through the test client: {percentiles(through_client)}")
    print(f"  its CPU time (this process): {percentiles(client_cpu)}")
    print(f"  search() alone:          {percentiles(function_only)}")


def load() -> str:
    return "load average " + " ".join(f"{figure:.2f}" for figure in os.getloadavg())


def main() -> None:
    print(f"{connection.vendor}, start: {load()}")
    started, cpu = time.perf_counter(), time.process_time()
    call_command("migrate", verbosity=0)
    print(f"migrated in {time.perf_counter() - started:.1f} s (CPU {time.process_time() - cpu:.1f} s)")
    built = 0
    for size in SIZES:
        started, cpu = time.perf_counter(), time.process_time()
        district = build(built, size)
        print(
            f"built items {built}–{size} in {time.perf_counter() - started:.1f} s "
            f"(CPU {time.process_time() - cpu:.1f} s), {load()}"
        )
        built = size
        measure(district)
        print(f"  {load()}")


if __name__ == "__main__":
    main()
