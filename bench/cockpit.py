"""The cockpit and the open data, flat from 10,000 to 10,000,000 cases (issue 15, decision 0022).

    bin/throwaway-postgres .venv/bin/python bench/cockpit.py                      # 10k, then 10M
    bin/throwaway-postgres .venv/bin/python bench/cockpit.py --large 1000000      # a shorter run
    nice -n 10 bin/throwaway-postgres .venv/bin/python bench/cockpit.py --large 1000000,2000000 --compare 100000 \
        --workers 3 --export 20000      # timed at 1M, then at 2M; generation before/after
    .venv/bin/python bench/cockpit.py --large 1000000                             # SQLite, 1M

One run, one database: ``generate_cases`` makes ``--small`` cases received over 24 months
(COPY on PostgreSQL) and every page of the cockpit and of the open data is timed for one
month (the last complete one) through Django's test client — the leader's cockpit, each
chart's CSV, the drill-downs from a bar to its cases, the staff queue, the open-data page, its CSV, its JSON
and the API; then cases are added up to ``--large`` and the same pages are timed again.
Target: p95 at the large size ≤ 2× p95 at the small one (pages read the summary tables,
whose rows per month grow with items × windows, not with cases).

Then, at the large size: ``--refresh`` new cases (about 10,000 transitions) are written
past the summary (``generate_cases --leave-to-job``) and the job's passes are timed until
they have caught up (target < 10 s); and an export of ``--export`` rows (the cases received
in the months it takes) is written by the export job in a child process whose peak memory
(ru_maxrss) is reported (target < 200 MB).

The machine is shared: absolute times drift, the ratios within one run are the result.
"""

import argparse
import datetime as dt
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
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
os.environ.setdefault("DGOV_VAR_DIR", tempfile.mkdtemp(prefix="dgov-bench-var-"))
# Generating the large set takes longer than a staff session may idle: the leader logs in
# again before each measurement, and the idle limit is lifted for the run.
os.environ.setdefault("DGOV_STAFF_IDLE_MINUTES", "1440")
sys.stdout.reconfigure(line_buffering=True)  # progress visible when written to a file

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

REQUESTS = 30
P50: dict[str, dict[str, float]] = {}  # per measurement: the medians


def pages(month: str) -> dict[str, str]:
    q = f"from={month}&to={month}"
    return {
        "cockpit": f"/cockpit/?{q}",
        "cockpit, unit": f"/cockpit/?{q}&department=SCJG",
        "chart CSV: trend": f"/cockpit/charts/trend.csv?{q}",
        "chart CSV: on time": f"/cockpit/charts/on_time.csv?{q}",
        "chart CSV: promises": f"/cockpit/charts/promises.csv?{q}",
        "drill-down: late": f"/cockpit/cases/?measure=late_promised&{q}",
        "drill-down: completed, 1 dept": f"/cockpit/cases/?measure=completed&department=SCJG&{q}",
        "drill-down: received": f"/cockpit/cases/?measure=received&{q}",
        "drill-down: extensions": f"/cockpit/cases/?measure=extensions&{q}",
        "staff queue": "/applications/queue/",
        "open data": f"/open-data/?{q}",
        "open data CSV": f"/open-data/figures.csv?{q}",
        "open data JSON": f"/open-data/figures.json?{q}",
        "API": f"/api/v1/opendata/figures?{q}",
    }


def timed(client: Client, url: str) -> float:
    start = time.perf_counter()
    response = client.get(url)
    if hasattr(response, "streaming_content"):
        for _chunk in response.streaming_content:
            pass
    elapsed = time.perf_counter() - start
    if response.status_code != 200:
        raise SystemExit(f"{url}: {response.status_code} {response.content[:300]!r}")
    return elapsed


def measure(client: Client, month: str, label: str) -> dict[str, float]:
    urls = pages(month)
    for url in urls.values():  # warm: caches, query plans
        timed(client, url)
    samples: dict[str, list[float]] = {name: [] for name in urls}
    for _round in range(REQUESTS):  # round robin: load spikes spread over every page
        for name, url in urls.items():
            samples[name].append(timed(client, url))
    p95 = {name: statistics.quantiles(s, n=20)[18] * 1000 for name, s in samples.items()}
    P50[label] = {name: statistics.median(s) * 1000 for name, s in samples.items()}
    print(f"\n{label}: p50 / p95 ms over {REQUESTS} requests each")
    for name, s in samples.items():
        print(f"  {name:<32} {statistics.median(s) * 1000:8.1f} {p95[name]:8.1f}")
    return p95


def cases() -> int:
    from dgov.applications.models import Application

    return Application.objects.count()


def generate(n: int, workers: int = 1, *, from_python: bool = False, seed: int | None = None) -> float:
    start = time.monotonic()
    call_command(
        "generate_cases",
        count=n,
        months=24,
        seed=seed or n,
        workers=workers,
        summary_from_python=from_python,
        stdout=sys.stderr,
    )
    return time.monotonic() - start


def load_average() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def figures_agree(month: str) -> bool:
    """The month's figures from the summary equal their recount from the cases (the
    generator's staged summary, written by several processes, checked on the spot)."""
    from dgov.accounts.models import District
    from dgov.cockpit.figures import Period, parse_month, recount, summed

    district = District.objects.get(code="220103")
    period = Period.month(parse_month(month))
    from_cases = {k: m for k, m in recount(district.pk, period, "department").items() if any(m.as_dict().values())}
    return summed(district.pk, period, "department") == from_cases


def compare_generation(n: int, workers: int) -> None:
    """``n`` cases the way before (one process, the summary added up from Python), then
    ``n`` the new way (``workers`` processes, the summary staged and added in SQL)."""
    before = generate(n, 1, from_python=True, seed=7_000_001)
    load_before = load_average()
    after = generate(n, workers, seed=7_000_002)
    print(
        f"\ngeneration of {n:,} cases: before {n / before:,.0f} cases/s ({before:.0f} s, load {load_before}), "
        f"after ({workers} processes, summary in SQL) {n / after:,.0f} cases/s ({after:.0f} s, load {load_average()}): "
        f"{before / after:.2f}×"
    )


def refresh_after_new_cases(n: int) -> tuple[int, float]:
    """Cases of this month (many still open) written past the summary until ``n`` new
    transitions wait for the job; then the job's passes, timed."""
    from django.db.models import Max

    from dgov.applications.models import ApplicationEvent
    from dgov.cockpit import summary

    before = ApplicationEvent.objects.aggregate(n=Max("pk"))["n"] or 0
    seed = 7
    while (ApplicationEvent.objects.aggregate(n=Max("pk"))["n"] or 0) - before < n:
        call_command("generate_cases", count=1_000, months=1, seed=seed, leave_to_job=True, stdout=sys.stderr)
        seed += 1
    transitions = ApplicationEvent.objects.filter(pk__gt=before).count()
    start = time.monotonic()
    while summary.refresh():
        pass
    return transitions, time.monotonic() - start


EXPORT_CHILD = """
import os, resource, sys, time
sys.path.insert(0, {root!r})
import django
django.setup()
from dgov.exports.actions import run_export_jobs
from dgov.exports.models import ExportJob
start = time.monotonic()
run_export_jobs()
job = ExportJob.objects.get(pk={pk})
# VmHWM, not ru_maxrss: Linux keeps ru_maxrss across execve, so it would report the parent's.
peak = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:"))
print(job.state, job.rows_written, round(time.monotonic() - start, 1), peak // 1024)
"""


def export(rows: int) -> str:
    """An export of about ``rows`` rows (the cases received in whole months, newest first)."""
    from dgov.accounts.models import User
    from dgov.applications.models import Application
    from dgov.cockpit.figures import add_months
    from dgov.exports.models import ExportJob
    from dgov.lib import clock

    month = clock.today().replace(day=1)
    start = month
    while Application.objects.filter(received_on__gte=start).count() < rows and start > dt.date(2000, 1, 1):
        start = add_months(start, -1)
    leader = User.objects.get(username="leader")
    query = {"measure": ["received"], "from": [f"{start:%Y-%m}"], "to": [f"{month:%Y-%m}"]}
    job = ExportJob.objects.create(
        requested_by=leader, export="cockpit.cases", format="csv", query=query, created_at=clock.now()
    )
    env = dict(os.environ)
    result = subprocess.run(  # noqa: S603 — our own interpreter and script
        [sys.executable, "-c", EXPORT_CHILD.format(root=str(ROOT), pk=job.pk)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument(
        "--large", default="10000000", help="the large size, or sizes one after the other (1000000,2000000)"
    )
    parser.add_argument("--refresh", type=int, default=10_000, help="new transitions for the refresh timing")
    parser.add_argument("--export", type=int, default=1_000_000)
    parser.add_argument("--workers", type=int, default=2, help="processes generating the cases (PostgreSQL)")
    parser.add_argument(
        "--compare", type=int, default=0, help="first generate so many cases the way before and the new way, timed"
    )
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    print(f"database: {connection.vendor}")
    seconds = generate(args.small)
    print(f"generated {cases():,} cases in {seconds:.0f} s")
    from dgov.accounts.models import User
    from dgov.cockpit.figures import add_months
    from dgov.lib import clock

    client = Client()
    leader = User.objects.get(username="leader")
    client.force_login(leader)
    month = f"{add_months(clock.today().replace(day=1), -1):%Y-%m}"
    small_label = f"{cases():,} cases (load {load_average()})"
    small = measure(client, month, small_label)

    if args.compare:
        compare_generation(args.compare, args.workers)
        print(f"figures of {month} from the summary equal the recount from the cases: {figures_agree(month)}")
    large: dict[str, float] = {}
    for size in (int(n) for n in args.large.split(",")):  # several sizes: each one's ratios as soon as timed
        grow = size - cases()
        seconds = generate(grow, args.workers)
        print(
            f"\ngenerated {grow:,} more cases in {seconds:.0f} s ({grow / seconds:,.0f} cases/s, "
            f"{args.workers} processes, load {load_average()}): {cases():,} in all"
        )
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
        client.force_login(leader)
        large_label = f"{cases():,} cases (load {load_average()})"
        large = measure(client, month, large_label)

        print(f"\np95 ratio and p50 ratio ({cases():,} / {small_label}); target ≤ 2")
        p50_small, p50_large = P50[small_label], P50[large_label]
        for name in small:
            print(f"  {name:<32} {large[name] / small[name]:6.2f} {p50_large[name] / p50_small[name]:6.2f}")
        worst = max((large[n] / small[n], n) for n in small if not n.startswith("drill-down"))
        print(f"  worst page outside the drill-downs: {worst[1]} {worst[0]:.2f}")

    transitions, seconds = refresh_after_new_cases(args.refresh)
    print(f"\nsummary refresh after {transitions:,} new transitions: {seconds:.2f} s (target < 10 s)")
    print(f"export job (state, rows, seconds, peak MB of the worker): {export(args.export)} (target < 200 MB)")
    print(
        json.dumps(
            {
                "small": small,
                "large": large,
                "maxrss_parent_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
            }
        )
    )


if __name__ == "__main__":
    main()
