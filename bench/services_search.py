"""Catalogue search on a 3,000-item catalogue: p50/p95 of 200 searches.

    .venv/bin/python bench/services_search.py                               # SQLite, throwaway file
    bin/throwaway-postgres .venv/bin/python bench/services_search.py        # PostgreSQL 15

Builds a fresh database (a temporary SQLite file, or the throwaway PostgreSQL cluster),
fills one district with 3,000 published items (the demo guides repeated with varied
names, keywords and departments), then times 200 requests to ``/services/search/?q=…``
through Django's test client (URL routing, the two search queries, ranking, template
rendering) and, separately, the ``search.search`` function alone. Target: p95 < 100 ms.
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
from django.test import Client  # noqa: E402

from dgov.accounts.demo import DEPARTMENTS  # noqa: E402
from dgov.accounts.models import City, Department, District  # noqa: E402
from dgov.services import demo, search  # noqa: E402
from dgov.services.models import Material, ServiceItem, ServiceItemVersion  # noqa: E402

ITEMS = 3000
SEARCHES = 200
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


def build() -> District:
    call_command("migrate", verbosity=0)
    city, _ = City.objects.get_or_create(code="220100", defaults={"name": "长春市"})
    district, _ = District.objects.get_or_create(
        code=settings.DEFAULT_DISTRICT_CODE, defaults={"city": city, "name": "宽城区"}
    )
    departments = {
        code: Department.objects.get_or_create(district=district, code=code, defaults={"name": name, "kind": kind})[0]
        for code, name, kind in [*DEPARTMENTS, *demo.EXTRA_DEPARTMENTS]
    }
    with transaction.atomic():
        items = ServiceItem.objects.bulk_create(
            ServiceItem(district=district, code=f"BENCH-{n:05d}") for n in range(ITEMS)
        )
        versions = []
        for n, item in enumerate(items):
            entry = demo.ITEMS[n % len(demo.ITEMS)]
            variant = PLACES[(n // len(demo.ITEMS)) % len(PLACES)]
            data = demo._data(entry, departments[entry.department], district)
            del data["code"], data["district"]
            data["name"] = f"{entry.name}{variant}{'' if n < len(demo.ITEMS) * len(PLACES) else n}"
            versions.append(ServiceItemVersion(item=item, number=1, **data))
        versions = ServiceItemVersion.objects.bulk_create(versions)
        Material.objects.bulk_create(
            Material(version=version, order=order, **m)
            for n, version in enumerate(versions)
            for order, m in enumerate(demo._materials(demo.ITEMS[n % len(demo.ITEMS)]), start=1)
        )
        for item, version in zip(items, versions, strict=True):
            item.current_version = version
            item.search_text = search.index_text(version)
        ServiceItem.objects.bulk_update(items, ["current_version", "search_text"], batch_size=500)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return district


def percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)
    p50 = statistics.median(ordered)
    p95 = ordered[int(len(ordered) * 0.95) - 1]
    return f"p50 {p50:6.1f} ms   p95 {p95:6.1f} ms   max {ordered[-1]:6.1f} ms"


def main() -> None:
    started = time.perf_counter()
    district = build()
    print(
        f"{connection.vendor}: {ServiceItem.objects.published().count()} items built in {time.perf_counter() - started:.1f} s"
    )
    client = Client()
    for query in QUERIES:  # warm up: first OpenCC use, template loading, connection
        client.get("/services/search/", {"q": query})
    through_client, function_only, hits = [], [], []
    items = ServiceItem.objects.filter(district=district)
    for n in range(SEARCHES):
        query = QUERIES[n % len(QUERIES)]
        t0 = time.perf_counter()
        response = client.get("/services/search/", {"q": query})
        through_client.append((time.perf_counter() - t0) * 1000)
        assert response.status_code == 200, response.status_code
        t0 = time.perf_counter()
        results = search.search(items, query)
        function_only.append((time.perf_counter() - t0) * 1000)
        hits.append(results.total)
    print(f"{SEARCHES} searches, {len(QUERIES)} distinct queries, median {statistics.median(hits):.0f} hits")
    print(f"  through the test client: {percentiles(through_client)}")
    print(f"  search() alone:          {percentiles(function_only)}")


if __name__ == "__main__":
    main()
