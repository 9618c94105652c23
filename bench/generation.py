"""How fast ``generate_cases`` makes cases on PostgreSQL, before and after a change, in one run
(issue 15 §4: 10,000,000 cases within an hour on this machine, decision 0033).

    nice -n 10 bin/throwaway-postgres .venv/bin/python bench/generation.py --count 500000
    nice -n 10 bin/throwaway-postgres .venv/bin/python bench/generation.py --count 500000 --before 0e693ac \
        --workers 1,2

One database: ``--count`` cases are made with ``dgov/cockpit/generate.py`` as it was at the
commit ``--before`` (loaded from git beside the current module, one process), then
``--count`` more with the current one, once per ``--workers`` value. Each run reports the
cases per second, the load average (1 min) at its start and end, the CPU seconds spent in
Python (this process and its forked workers) and in the server (the postmaster and its
backends, the ones that exited included), and the disk the run added, per million cases.
Later runs write into larger tables than earlier ones (the order favours "before").
"""

import argparse
import importlib.util
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dgov.settings")
os.environ.setdefault("DGOV_TESTING", "1")
os.environ.setdefault("DGOV_VAR_DIR", tempfile.mkdtemp(prefix="dgov-bench-var-"))
sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

TICKS = os.sysconf("SC_CLK_TCK")


def module_at(commit: str) -> ModuleType:
    """``dgov/cockpit/generate.py`` as it was at ``commit``, importable beside the current one."""
    source = subprocess.run(  # noqa: S603 — git, our own repository
        ["git", "-C", str(ROOT), "show", f"{commit}:dgov/cockpit/generate.py"],  # noqa: S607
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    path = Path(tempfile.mkdtemp(prefix="dgov-bench-")) / "generate_before.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location("dgov.cockpit.generate_before", path)
    assert spec is not None and spec.loader is not None  # noqa: S101
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _stat(pid: str) -> list[str]:
    """/proc/PID/stat from field 3 on (state, ppid, …; utime is field 14, at index 11)."""
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def server_cpu() -> float:
    """CPU seconds of this cluster: the postmaster with the backends it reaped, and the live ones."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW data_directory")
        data = cursor.fetchone()[0]
    postmaster = Path(data, "postmaster.pid").read_text().split()[0]
    # utime, stime, and cutime, cstime: the backends it reaped.
    ticks = sum(int(f) for f in _stat(postmaster)[11:15])
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            fields = _stat(proc.name)
        except (FileNotFoundError, ProcessLookupError):  # exited meanwhile (then counted by the postmaster)
            continue
        if fields[1] == postmaster:
            ticks += int(fields[11]) + int(fields[12])
    return ticks / TICKS


def python_cpu() -> float:
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def db_size() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_database_size(current_database())")
        return int(cursor.fetchone()[0])


def run(label: str, module: ModuleType, count: int, workers: int, seed: int) -> float:
    from dgov.accounts.models import District

    district = District.objects.get(code="220103")
    load, size, server, python, start = os.getloadavg()[0], db_size(), server_cpu(), python_cpu(), time.monotonic()
    module.generate(district, count, seed=seed, workers=workers)
    seconds = time.monotonic() - start
    server, python = server_cpu() - server, python_cpu() - python
    per_million = (db_size() - size) / count * 1_000_000 / 1e9
    print(
        f"{label:<28} {count / seconds:8,.0f} cases/s  {seconds:6.0f} s  load {load:4.1f} → {os.getloadavg()[0]:4.1f}  "
        f"CPU python {python:5.0f} s / server {server:5.0f} s ({python / count * 1e6:.0f} / {server / count * 1e6:.0f} µs "
        f"a case)  disk {per_million:.2f} GB per million cases"
    )
    return count / seconds


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=500_000)
    parser.add_argument("--before", default="0e693ac", help="the commit whose generator is measured first")
    parser.add_argument("--workers", default="1", help="the current generator's runs: processes, e.g. 1,2")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        raise SystemExit("run it under bin/throwaway-postgres: the rate that matters is PostgreSQL's (COPY)")

    from dgov.accounts import demo as accounts_demo
    from dgov.cockpit import generate as current
    from dgov.services import demo as services_demo

    call_command("migrate", verbosity=0)
    district, _logins = accounts_demo.load()
    services_demo.load(district)
    before = run(f"before ({args.before}, 1 process)", module_at(args.before), args.count, 1, seed=11)
    for n, workers in enumerate(int(w) for w in args.workers.split(",")):
        after = run(f"after ({workers} process{'es' if workers > 1 else ''})", current, args.count, workers, 12 + n)
        print(f"  after / before: {after / before:.2f}×")


if __name__ == "__main__":
    main()
