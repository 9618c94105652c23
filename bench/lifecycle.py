"""The whole application lifecycle over HTTP, against the stack's ceiling, in one run.

    PG_OPTS="" bin/throwaway-postgres .venv/bin/python bench/lifecycle.py
    PG_OPTS="" bin/throwaway-postgres .venv/bin/python bench/lifecycle.py --clients 32 --workers 4 --rounds 5 --seconds 10

(``PG_OPTS=""`` turns fsync back on in the throwaway cluster, for realistic figures.)

1. Migrates the database it is pointed at and creates its people: a district with an
   item, window clerks, reviewers and approvers with API tokens, and one applicant
   (with a token) per client.
2. Counts the queries of every step once, in-process (``CaptureQueriesContext``).
3. Starts gunicorn (``dgov.wsgi``, sync workers) on a free loopback port, DEBUG off,
   ``DGOV_BENCHMARK_VIEWS=1`` so the bare view ``/api/bench/transaction`` exists.
4. Priming: the lifecycle (below) runs unmeasured for ``--prime`` seconds, then
   ``VACUUM ANALYZE``: a database in service is neither empty nor unvacuumed, and
   autovacuum's first passes over brand-new tables would otherwise land in one round.
   Ceiling phase: ``--clients`` threads POST to the bare view (one insert, one update,
   one insert in a transaction) for ``--warmup`` + ``--seconds``.
5. Lifecycle phase (``--rounds`` times, alternating with the ceiling phase so that
   whatever else the machine does weighs on both alike): each client files applications through ``/api/v1/`` and takes each
   one through submit → accept → review → approve → complete; every
   ``--supplement-every``-th goes through a supplement round first (request-supplement →
   supplement → accept), every ``--resubmit-every``-th submission is sent twice with
   its idempotency key.
6. Checks: no request failed; every application a client saw created exists exactly
   once, in the status of the client's last successful step, with exactly the timeline
   events and audit entries of its successful steps; no idempotency key filed twice;
   the ceiling's rows all there; the RSS of every gunicorn worker.

Only the measured window (after the warm-up) counts for the rates and latencies. Exits
1 when a target or a check fails. Targets: lifecycle transitions/s ≥ 60% of the
ceiling's requests/s, p95 of every step < 150 ms, no errors, nothing lost or doubled,
every worker < 200 MB.
"""

import argparse
import atexit
import http.client
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WORKDIR = Path(tempfile.mkdtemp(prefix="dgov-lifecycle-bench-"))
atexit.register(shutil.rmtree, WORKDIR, ignore_errors=True)
os.environ["DGOV_AUDIT_CHECKPOINT_DIR"] = str(WORKDIR / "checkpoints")
os.environ["DGOV_AUDIT_KEY_FILE"] = str(WORKDIR / "keys" / "audit.pem")
os.environ["DGOV_ENV"] = "development"
os.environ["DEBUG"] = "0"
os.environ["DGOV_BENCHMARK_VIEWS"] = "1"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dgov.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, connections  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from dgov.accounts.models import Applicant, City, Department, District, ServiceWindow, User  # noqa: E402
from dgov.api.actions import do_create_api_token  # noqa: E402
from dgov.api.models import BenchRow  # noqa: E402
from dgov.applications.models import Application, ApplicationEvent, Status  # noqa: E402
from dgov.audit.models import AuditEntry  # noqa: E402
from dgov.services.actions import do_publish_version  # noqa: E402
from dgov.services.models import Audience, Material, OnlineLevel, ServiceItem, Trips  # noqa: E402

ITEM_CODE = "BENCH-SCJG-001"
STAFF_PER_ROLE = 8
TARGET_RATIO = 0.60
TARGET_P95_MS = 150.0
TARGET_RSS_MB = 200.0

# step: (path after /api/v1/applications, token role, expected HTTP status, status after it)
STEPS: dict[str, tuple[str, str, int, str]] = {
    "submit": ("", "applicant", 201, Status.SUBMITTED),
    "resubmit": ("", "applicant", 200, Status.SUBMITTED),
    "request-supplement": ("/request-supplement", "clerk", 200, Status.SUPPLEMENT),
    "supplement": ("/supplement", "applicant", 200, Status.SUBMITTED),
    "accept": ("/accept", "clerk", 200, Status.ACCEPTED),
    "review": ("/review", "reviewer", 200, Status.REVIEWED),
    "approve": ("/approve", "approver", 200, Status.APPROVED),
    "complete": ("/complete", "clerk", 200, Status.COMPLETED),
}
# The steps that change an application (a resubmission must not).
TRANSITIONS = set(STEPS) - {"resubmit"}
# Audit verbs of the steps, for the check of the trail.
AUDIT_VERBS = {
    "submit": "application.submit",
    "request-supplement": "application.request_supplement",
    "supplement": "application.supplement",
    "accept": "application.accept",
    "review": "application.review",
    "approve": "application.approve",
    "complete": "application.complete",
}


# Fixtures -------------------------------------------------------------------------------


@dataclass
class People:
    item: ServiceItem
    material_ids: list[int]
    tokens: dict[str, list[str]]  # role → secrets
    applicants: list[tuple[int, str]]  # (user id, secret), one per client


def staff(username: str, role: str, district: District, department: Department) -> User:
    user = User.objects.create(
        username=username, kind=User.Kind.STAFF, district=district, department=department, full_name=username
    )
    user.set_unusable_password()
    user.save(update_fields=["password"])
    user.groups.add(Group.objects.get(name=role))
    return user


def create_people(clients: int) -> People:
    run = uuid.uuid4().hex[:6]
    city, _ = City.objects.get_or_create(code="220100", defaults={"name": "长春市"})
    district, _ = District.objects.get_or_create(
        code=settings.DEFAULT_DISTRICT_CODE, defaults={"city": city, "name": "宽城区"}
    )
    centre, _ = Department.objects.get_or_create(
        district=district, code="ZWFW", defaults={"name": "宽城区政务服务中心", "kind": Department.Kind.SERVICE_CENTRE}
    )
    market, _ = Department.objects.get_or_create(
        district=district, code="SCJG", defaults={"name": "宽城区市场监督管理局"}
    )
    ServiceWindow.objects.get_or_create(
        district=district, number="01", defaults={"service_centre": centre, "name": "综合受理窗口"}
    )
    item = ServiceItem.objects.filter(district=district, code=ITEM_CODE).first()
    if item is None:
        admin = staff(f"bench-admin-{run}", "administrator", district, centre)
        data = {
            "code": ITEM_CODE,
            "name": "食品经营许可（基准测试）",
            "kind": Audience.ENTERPRISE,
            "department": market,
            "legal_basis": "《中华人民共和国食品安全法》第三十五条",
            "conditions": "",
            "legal_limit_days": 20,
            "promised_limit_days": 5,
            "max_trips": Trips.ONE,
            "online_level": OnlineLevel.FULL,
            "fees": "",
            "fee_basis": "",
            "keywords": "开饭店",
        }
        material = {
            "form": Material.Form.ORIGINAL,
            "copies": 1,
            "source": Material.Source.APPLICANT,
            "legal_basis": "《食品经营许可和备案管理办法》第十二条",
            "required": True,
            "rongque": False,
        }
        materials = [{"name": "食品经营许可申请书", **material}, {"name": "经营场所使用证明", **material}]
        item = do_publish_version(None, data, materials, [], by=admin)
    assert item.current_version is not None
    material_ids = [m.pk for m in item.current_version.materials.all()]

    tokens: dict[str, list[str]] = defaultdict(list)
    for role, key, department in (
        ("window_clerk", "clerk", centre),
        ("reviewer", "reviewer", market),
        ("department_approver", "approver", market),
    ):
        for n in range(STAFF_PER_ROLE):
            user = staff(f"bench-{key}-{run}-{n}", role, district, department)
            tokens[key].append(do_create_api_token(user, "lifecycle benchmark")[1])
    applicants = []
    for n in range(clients + 1):  # the last one is the query-count probe's
        user = User.objects.create(username=f"bench-citizen-{run}-{n}", kind=User.Kind.CITIZEN, full_name=f"申请人{n}")
        user.set_unusable_password()
        user.save(update_fields=["password"])
        Applicant.objects.create(district=district, user=user, kind=Applicant.Kind.ENTERPRISE, name=f"申请企业{run}{n}")
        applicants.append((user.pk, do_create_api_token(user, "lifecycle benchmark")[1]))
    return People(item=item, material_ids=material_ids, tokens=dict(tokens), applicants=applicants)


# One application's way through the flow -------------------------------------------------


def plan(index: int, supplement_every: int, resubmit_every: int) -> list[str]:
    steps = ["submit"]
    if resubmit_every and index % resubmit_every == resubmit_every - 1:
        steps.append("resubmit")
    if supplement_every and index % supplement_every == supplement_every - 1:
        steps += ["request-supplement", "supplement"]
    return steps + ["accept", "review", "approve", "complete"]


def body_of(step: str, people: People) -> dict[str, Any]:
    if step in ("submit", "resubmit"):
        return {"item": ITEM_CODE, "materials": [{"material": people.material_ids[0]}]}
    if step == "request-supplement":
        return {"problems": [{"material": people.material_ids[1], "problem": "未提交经营场所使用证明"}]}
    if step == "supplement":
        return {"materials": [people.material_ids[1]]}
    if step == "review":
        return {"note": "材料齐全"}
    return {}


def count_queries(people: People) -> dict[str, int]:
    """Queries per step of one application with a supplement round, through the test
    client, once every token has been used (so without the once-a-minute touch)."""
    client = Client(SERVER_NAME="127.0.0.1")
    secrets = {role: people.tokens[role][0] for role in ("clerk", "reviewer", "approver")}
    secrets["applicant"] = people.applicants[-1][1]
    key, number, counts = uuid.uuid4().hex, "", {}
    for secret in secrets.values():  # a token's first use is noted once a minute: count the steady state
        client.get("/api/v1/applications/none", headers={"Authorization": f"Bearer {secret}"})
    # A district's first act that writes a document makes its templates (decision 0020), and
    # the next one reads them into the cache: count what every later act costs.
    from dgov.notices.drafting import wording

    for _twice in range(2):
        wording(people.item.district_id)
    for step in ["submit", "resubmit", "request-supplement", "supplement", "accept", "review", "approve", "complete"]:
        path, role, expected, _status = STEPS[step]
        headers = {"Authorization": f"Bearer {secrets[role]}", "Idempotency-Key": key}
        url = f"/api/v1/applications{path if not path else '/' + number + path}"
        with CaptureQueriesContext(connection) as queries:
            response = client.post(
                url, json.dumps(body_of(step, people)), content_type="application/json", headers=headers
            )
        assert response.status_code == expected, (step, response.status_code, response.content)
        number = number or response.json()["number"]
        counts[step] = len(queries)
    with CaptureQueriesContext(connection) as queries:
        assert Client(SERVER_NAME="127.0.0.1").post("/api/bench/transaction").status_code == 200
    counts["ceiling"] = len(queries)
    return counts


# The server -----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_gunicorn(port: int, workers: int) -> subprocess.Popen[bytes]:
    log = open(WORKDIR / "gunicorn.log", "wb")  # noqa: SIM115 — closed with the process
    server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "dgov.wsgi",
            "--workers",
            str(workers),
            "--worker-class",
            "sync",
            "--bind",
            f"127.0.0.1:{port}",
            "--backlog",
            "2048",
            "--chdir",
            str(ROOT),
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=os.environ.copy(),
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            # Liveness (dgov.ops): the API's docs page needs collected static files with DEBUG off.
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return server
        except OSError:
            pass
        time.sleep(0.2)
    server.kill()
    raise SystemExit(f"gunicorn did not start:\n{(WORKDIR / 'gunicorn.log').read_text()}")


def worker_pids(master: int) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == master:
                pids.append(int(entry.name))
    return sorted(pids)


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time of ``pids`` so far (those still alive)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / tick


POSTMASTER = 0  # our PostgreSQL server's process, set by main()


def postmaster_pid() -> int:
    """The PostgreSQL server this process talks to: the parent of its backend."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    return int(Path(f"/proc/{backend}/stat").read_text().rsplit(")", 1)[1].split()[1])


def database_cpu_seconds(postmaster: int) -> float:
    """CPU time of our PostgreSQL server (not the other clusters on a shared machine):
    its postmaster and live children, plus the children it has reaped (backends of closed
    connections, autovacuum workers)."""
    if not postmaster:
        return 0.0
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(entry.name) == postmaster:
            total += int(fields[11]) + int(fields[12]) + int(fields[13]) + int(fields[14])
        elif int(fields[1]) == postmaster:
            total += int(fields[11]) + int(fields[12])
    return total / tick


@dataclass
class Cpu:
    """CPU seconds spent in a phase's measured window by the server's workers, PostgreSQL
    and this process (the clients)."""

    workers: float = 0.0
    database: float = 0.0
    clients: float = 0.0

    def per_request_ms(self, requests: int) -> str:
        if not requests:
            return "-"
        return (
            f"workers {self.workers / requests * 1000:.2f}, PostgreSQL {self.database / requests * 1000:.2f}, "
            f"clients {self.clients / requests * 1000:.2f} ms CPU per request"
        )


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


# The clients ----------------------------------------------------------------------------


@dataclass
class Sample:
    step: str
    started: float
    ended: float
    ok: bool


@dataclass
class Tracked:
    """What a client knows of one application: its key, number and last good step."""

    key: str
    number: str = ""
    done: list[str] = field(default_factory=list)
    expected_status: str = ""


@dataclass
class ClientLog:
    samples: list[Sample] = field(default_factory=list)
    applications: list[Tracked] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    ceiling_ok: int = 0


class Http:
    """One keep-alive connection (reopened when the server closes it: sync workers do)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def post(self, path: str, body: dict[str, Any] | None, headers: dict[str, str]) -> tuple[int, bytes]:
        payload = json.dumps(body or {}).encode()
        headers = {"Content-Type": "application/json", "Connection": "keep-alive", **headers}
        for attempt in (1, 2):
            try:
                self.conn.request("POST", path, payload, headers)
                response = self.conn.getresponse()
                return response.status, response.read()
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                # A connection the server closed between requests: never reached the
                # app, so resending is safe (and the submit carries its idempotency key).
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")


def ceiling_client(port: int, stop: threading.Event, log: ClientLog) -> None:
    http_ = Http(port)
    while not stop.is_set():
        started = time.monotonic()
        status, _body = http_.post("/api/bench/transaction", None, {})
        ok = status == 200
        log.samples.append(Sample("ceiling", started, time.monotonic(), ok))
        log.ceiling_ok += ok
        if not ok:
            log.errors.append(f"ceiling: {status} {_body[:200]!r}")


def lifecycle_client(
    index: int, port: int, people: People, args: argparse.Namespace, stop: threading.Event, log: ClientLog
) -> None:
    http_ = Http(port)
    secrets = {
        "applicant": people.applicants[index][1],
        "clerk": people.tokens["clerk"][index % STAFF_PER_ROLE],
        "reviewer": people.tokens["reviewer"][index % STAFF_PER_ROLE],
        "approver": people.tokens["approver"][index % STAFF_PER_ROLE],
    }
    n = 0
    while not stop.is_set():
        tracked = Tracked(key=f"bench-{uuid.uuid4().hex}")
        log.applications.append(tracked)
        for step in plan(n + index, args.supplement_every, args.resubmit_every):  # staggered
            if stop.is_set():
                break
            path, role, expected, status_after = STEPS[step]
            url = f"/api/v1/applications{path if not path else '/' + tracked.number + path}"
            headers = {"Authorization": f"Bearer {secrets[role]}", "Idempotency-Key": tracked.key}
            started = time.monotonic()
            try:
                status, body = http_.post(url, body_of(step, people), headers)
            except OSError as error:
                status, body = 0, repr(error).encode()
            ended = time.monotonic()
            data = json.loads(body) if status in (200, 201) else {}
            ok = status == expected and data.get("status") == status_after
            if ok and step == "resubmit":
                ok = data.get("number") == tracked.number
            log.samples.append(Sample(step, started, ended, ok))
            if not ok:
                log.errors.append(f"{step} {tracked.number or tracked.key}: {status} {body[:300]!r}")
                break
            if step == "submit":
                tracked.number = data["number"]
            tracked.done.append(step)
            tracked.expected_status = status_after
        n += 1


def run_phase(
    target: Any, args_of: list[tuple[Any, ...]], warmup: float, seconds: float, workers: list[int], cpu: Cpu
) -> tuple[list[ClientLog], float, float]:
    """Run ``target(*args, stop, log)`` in one thread per entry of ``args_of``; the
    measured window is [start, end], after the warm-up. Adds the window's CPU to ``cpu``."""
    stop = threading.Event()
    logs = [ClientLog() for _ in args_of]
    threads = [threading.Thread(target=target, args=(*a, stop, log)) for a, log in zip(args_of, logs, strict=True)]
    for thread in threads:
        thread.start()
    time.sleep(warmup)
    start = time.monotonic()
    before = (cpu_seconds(workers), database_cpu_seconds(POSTMASTER), sum(os.times()[:2]))
    time.sleep(seconds)
    end = time.monotonic()
    cpu.workers += cpu_seconds(workers) - before[0]
    cpu.database += database_cpu_seconds(POSTMASTER) - before[1]
    cpu.clients += sum(os.times()[:2]) - before[2]
    stop.set()
    for thread in threads:
        thread.join()
    return logs, start, end


# The report -----------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))]


def measured(logs: list[ClientLog], start: float, end: float) -> list[Sample]:
    return [s for log in logs for s in log.samples if s.started >= start and s.ended <= end]


def latency_table(samples: list[Sample]) -> dict[str, dict[str, float]]:
    by_step: dict[str, list[float]] = defaultdict(list)
    for sample in samples:
        if sample.ok:
            by_step[sample.step].append((sample.ended - sample.started) * 1000)
    return {
        step: {
            "n": len(values),
            "p50": percentile(values, 50),
            "p95": percentile(values, 95),
            "p99": percentile(values, 99),
            "mean": statistics.fmean(values),
        }
        for step, values in by_step.items()
    }


def check_records(logs: list[ClientLog], applicant_ids: list[int], ceiling_ok: int, rows_before: int) -> list[str]:
    """Every client-side success exactly once in the database, nothing more."""
    problems = []
    tracked = [t for log in logs for t in log.applications if t.number]
    numbers = [t.number for t in tracked]
    if len(set(numbers)) != len(numbers):
        problems.append("one number was handed out for two applications")
    rows = {
        a.number: a
        for a in Application.objects.filter(applicant__user_id__in=applicant_ids).only(
            "number", "status", "idempotency_key", "submitted_by_id"
        )
    }
    extra = set(rows) - set(numbers)
    if extra:
        problems.append(f"{len(extra)} applications in the database that no client saw created")
    missing = [n for n in numbers if n not in rows]
    if missing:
        problems.append(f"{len(missing)} applications a client saw created are missing, e.g. {missing[:3]}")
    duplicates = (
        Application.objects.filter(applicant__user_id__in=applicant_ids)
        .values("submitted_by_id", "idempotency_key")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .count()
    )
    if duplicates:
        problems.append(f"{duplicates} idempotency keys filed more than once")
    events = Counter(
        ApplicationEvent.objects.filter(application__number__in=numbers).values_list("application__number", "verb")
    )
    pks = dict(Application.objects.filter(number__in=numbers).values_list("number", "pk"))
    audited = Counter(
        AuditEntry.objects.filter(
            object_type="applications.application", object_id__in=[str(p) for p in pks.values()]
        ).values_list("object_id", "verb")
    )
    wrong_status = wrong_events = wrong_audit = 0
    for t in tracked:
        row = rows.get(t.number)
        if row is None:
            continue
        wrong_status += row.status != t.expected_status
        steps = Counter(s for s in t.done if s in TRANSITIONS)
        expected_events = Counter({s.replace("-", "_"): n for s, n in steps.items()})
        got_events = Counter({verb: n for (number, verb), n in events.items() if number == t.number})
        wrong_events += got_events != expected_events
        expected_audit = Counter({AUDIT_VERBS[s]: n for s, n in steps.items()})
        got_audit = Counter({verb: n for (pk, verb), n in audited.items() if pk == str(pks[t.number])})
        wrong_audit += got_audit != expected_audit
    if wrong_status:
        problems.append(f"{wrong_status} applications not in the status of the client's last successful step")
    if wrong_events:
        problems.append(f"{wrong_events} applications whose timeline does not match the successful steps")
    if wrong_audit:
        problems.append(f"{wrong_audit} applications whose audit entries do not match the successful steps")
    rows_written = BenchRow.objects.count() - rows_before
    if rows_written != 2 * ceiling_ok:
        problems.append(f"ceiling: {rows_written} rows for {ceiling_ok} successful requests (expected twice as many)")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=10, help="measured seconds per phase and round")
    parser.add_argument("--rounds", type=int, default=5, help="rounds of (ceiling phase, lifecycle phase)")
    parser.add_argument("--warmup", type=float, default=3, help="unmeasured seconds at the start of every phase")
    parser.add_argument(
        "--prime", type=float, default=20, help="unmeasured seconds of lifecycle before the rounds, then VACUUM ANALYZE"
    )
    parser.add_argument("--supplement-every", type=int, default=5, help="every Nth application gets a supplement round")
    parser.add_argument("--resubmit-every", type=int, default=4, help="every Nth submission is sent twice")
    args = parser.parse_args()

    if connection.vendor != "postgresql":
        print("warning: not PostgreSQL; run through bin/throwaway-postgres for figures that mean something")
    call_command("migrate", verbosity=0)
    people = create_people(args.clients)
    queries = count_queries(people)
    if connection.vendor == "postgresql":
        # Statistics, as a database in service has them: without them the planner may
        # pick the district index over the unique number until autovacuum first runs.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    port = free_port()
    rows_before = BenchRow.objects.count()
    global POSTMASTER
    POSTMASTER = postmaster_pid() if connection.vendor == "postgresql" else 0
    connections.close_all()
    server = start_gunicorn(port, args.workers)
    ceiling_logs: list[ClientLog] = []
    life_logs: list[ClientLog] = []
    ceiling_samples: list[Sample] = []
    life_samples: list[Sample] = []
    ceiling_time = life_time = 0.0
    ceiling_cpu, life_cpu = Cpu(), Cpu()
    rounds = []
    try:
        workers = worker_pids(server.pid)
        if args.prime:
            # A database in service is neither empty nor unvacuumed: run the lifecycle
            # unmeasured for a while, then vacuum and analyze, so that autovacuum's first
            # passes over brand-new tables do not land in one measured round.
            logs, _start, _end = run_phase(
                lifecycle_client,
                [(i, port, people, args) for i in range(args.clients)],
                0,
                args.prime,
                workers,
                Cpu(),
            )
            life_logs += logs
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("VACUUM ANALYZE")
        # Alternate the phases so that whatever else the machine does weighs on both alike.
        for _round in range(args.rounds):
            logs, start, end = run_phase(
                ceiling_client, [(port,)] * args.clients, args.warmup, args.seconds, workers, ceiling_cpu
            )
            ceiling_logs += logs
            ceiling_samples += measured(logs, start, end)
            ceiling_time += end - start
            ceiling_round = sum(s.ok for s in measured(logs, start, end)) / (end - start)
            logs, start, end = run_phase(
                lifecycle_client,
                [(i, port, people, args) for i in range(args.clients)],
                args.warmup,
                args.seconds,
                workers,
                life_cpu,
            )
            life_logs += logs
            life_samples += measured(logs, start, end)
            life_time += end - start
            life_round = sum(s.ok for s in measured(logs, start, end) if s.step in TRANSITIONS) / (end - start)
            rounds.append((ceiling_round, life_round))
        workers = worker_pids(server.pid)
        rss = {pid: rss_mb(pid) for pid in workers}
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()

    ceiling_rate = sum(s.ok for s in ceiling_samples) / ceiling_time
    transitions = sum(s.ok for s in life_samples if s.step in TRANSITIONS)
    transition_rate = transitions / life_time
    request_rate = sum(s.ok for s in life_samples) / life_time
    ratio = transition_rate / ceiling_rate if ceiling_rate else 0.0
    table = latency_table(life_samples)
    ceiling_table = latency_table(ceiling_samples).get("ceiling", {})
    errors = [e for log in ceiling_logs + life_logs for e in log.errors]
    problems = check_records(
        life_logs,
        [pk for pk, _s in people.applicants[:-1]],
        sum(log.ceiling_ok for log in ceiling_logs),
        rows_before,
    )
    completed = sum(1 for log in life_logs for t in log.applications if t.expected_status == Status.COMPLETED)

    print(
        f"\nlifecycle benchmark: {args.clients} clients, gunicorn {args.workers} sync workers, "
        f"{connection.vendor}, {args.prime:g}s primed, {args.rounds} rounds of {args.warmup:g}s warm-up"
        f" + {args.seconds:g}s measured per phase"
    )
    print(f"queries per request: {', '.join(f'{step} {n}' for step, n in queries.items())}")
    print(
        f"ceiling (bare insert+update+insert view): {ceiling_rate:7.1f} req/s   "
        f"p50 {ceiling_table.get('p50', 0):.1f}  p95 {ceiling_table.get('p95', 0):.1f}  "
        f"p99 {ceiling_table.get('p99', 0):.1f} ms"
    )
    print(
        f"lifecycle:  {transition_rate:7.1f} transitions/s ({request_rate:.1f} req/s), "
        f"{completed} applications completed in all"
    )
    print(f"ratio transitions/s ÷ ceiling req/s: {ratio:.0%} (target ≥ {TARGET_RATIO:.0%})")
    print(
        "by round (ceiling req/s, transitions/s, ratio): "
        + "; ".join(f"{c:.0f}, {t:.0f}, {t / c:.0%}" for c, t in rounds if c)
    )
    print(f"ceiling CPU:   {ceiling_cpu.per_request_ms(sum(s.ok for s in ceiling_samples))}")
    print(f"lifecycle CPU: {life_cpu.per_request_ms(sum(s.ok for s in life_samples))}")
    print(f"{'step':<20}{'n':>7}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}")
    for step in STEPS:
        if step in table:
            row = table[step]
            print(f"{step:<20}{row['n']:>7.0f}{row['p50']:>9.1f}{row['p95']:>9.1f}{row['p99']:>9.1f}")
    print(f"errors: {len(errors)}" + (f" — first: {errors[0]}" if errors else ""))
    print(
        "records: "
        + ("no application lost or doubled, timelines and audit complete" if not problems else "; ".join(problems))
    )
    print("worker RSS: " + ", ".join(f"{pid} {mb:.0f} MB" for pid, mb in rss.items()))

    failed = []
    if ratio < TARGET_RATIO:
        failed.append(f"ratio {ratio:.0%} < {TARGET_RATIO:.0%}")
    slow = [step for step, row in table.items() if row["p95"] >= TARGET_P95_MS]
    if slow:
        failed.append(f"p95 ≥ {TARGET_P95_MS:.0f} ms: {', '.join(slow)}")
    if errors:
        failed.append(f"{len(errors)} errors")
    failed += problems
    if len(rss) != args.workers:
        failed.append(f"found {len(rss)} workers, expected {args.workers}")
    heavy = [pid for pid, mb in rss.items() if mb >= TARGET_RSS_MB]
    if heavy:
        failed.append(f"workers over {TARGET_RSS_MB:.0f} MB: {heavy}")
    print("RESULT: " + ("PASS" if not failed else "FAIL — " + "; ".join(failed)))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
