"""The multi-node drill on loopback (issue 16 §3): two web nodes behind one nginx port, two
job runners, one primary and one streaming replica; a load of submissions and
transitions while web nodes and runners are killed with SIGKILL and restarted.

    bin/throwaway-postgres .venv/bin/python bench/multinode.py                # ~2 minutes
    bin/throwaway-postgres .venv/bin/python bench/multinode.py --seconds 120 --clients 16 --kills 12

1. Migrates the primary it is pointed at (``--no-migrate``: it is already), creates the
   people of ``bench/lifecycle.py`` (applicants with e-mail addresses, so every transition
   queues an e-mail), copies the primary into a streaming replica (``pg_basebackup``).
2. Starts two gunicorn nodes (``deploy/gunicorn.conf.py``, the replica configured) and
   nginx on ``deploy/nginx/dgov.conf`` (its machine paths and ports rewritten, a
   self-signed certificate) with both nodes upstream, and two ``run_jobs`` runners whose
   mail goes to files (the "mail server" of the drill).
3. ``--clients`` threads take applications through submit → accept → review → approve →
   complete over HTTPS through nginx; a request that fails is retried with the same
   idempotency key (submit) or after reading the application (a transition whose answer
   was lost may have happened); one more thread reads the public search (replica).
   Meanwhile every ``--seconds / --kills`` seconds one web node or one runner, in turn,
   is killed with SIGKILL (the whole process group) and started again a second later.
4. After the load: waits for the runners to send the outbox and chain the trail, then
   checks that every application a client saw exists once, with each transition in its
   timeline and its audit trail exactly once; no idempotency key was filed twice; every
   e-mail notification was sent and reached the mail files (a message sent twice after a
   kill carries the same Message-ID, so a mail server drops the copy: they are counted);
   ``verify_audit`` passes; the replica served the search.

Exits 1 when a check fails. Prints the figures as one JSON object on the last line.
"""

import argparse
import json
import os
import re
import shutil
import signal
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from http.client import HTTPException, HTTPSConnection
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
WORK = Path(tempfile.mkdtemp(prefix="dgov-multinode-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dgov.settings")

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from lifecycle import STAFF_PER_ROLE, STEPS, body_of, create_people  # noqa: E402  (sets up Django)

from dgov.accounts.models import User  # noqa: E402
from dgov.applications.models import Application, ApplicationEvent  # noqa: E402
from dgov.audit.models import AuditEntry  # noqa: E402
from dgov.notifications.models import Channel, Notification  # noqa: E402
from dgov.ops.testing import Cluster, free_port, workdir  # noqa: E402

FLOW = ["submit", "accept", "review", "approve", "complete"]
VERBS = {"accept": "accept", "review": "review", "approve": "approve", "complete": "complete", "submit": "submit"}


def environment(replica: Cluster) -> dict[str, str]:
    database = connection.settings_dict
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DB_", "DGOV_", "PROMETHEUS"))}
    env.update(
        DB_ENGINE="postgres", DB_HOST=str(database["HOST"]), DB_PORT=str(database["PORT"]), DB_USER=database["USER"],
        DB_PASSWORD=database["PASSWORD"] or "", DB_NAME=database["NAME"], DB_REPLICA_HOST="127.0.0.1",
        DB_REPLICA_PORT=str(replica.port), DGOV_VAR_DIR=str(WORK / "var"), DGOV_LOCK_DIR=str(WORK / "locks"),
        DGOV_AUDIT_CHECKPOINT_DIR=str(WORK / "checkpoints"), DGOV_AUDIT_KEY_FILE=str(WORK / "keys" / "audit.pem"),
        DGOV_AUDIT_SEAL_KEY_FILE=str(settings.AUDIT_SEAL_KEY_FILE),  # the key this process seals with too
        DGOV_TRUSTED_PROXIES="127.0.0.1", DEBUG="0", DGOV_LOG_FORMAT="json", LOG_LEVEL="ERROR",
        EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend", DGOV_WEB_WORKERS="2",
        DGOV_OUTBOX_CLAIM_SECONDS="5",  # a runner killed holding a claim: the drain must not wait 5 min
    )  # fmt: skip
    env["EMAIL_FILE_PATH"] = str(WORK / "mail")
    return env


class Node:
    """A process group we can kill whole and start again."""

    def __init__(self, name: str, args: list[str], env: dict[str, str]) -> None:
        self.name, self.args, self.env = name, args, env
        self.process: subprocess.Popen[bytes] | None = None
        self.log = open(WORK / f"{name}.log", "ab")  # noqa: SIM115

    def start(self) -> None:
        self.process = subprocess.Popen(self.args, cwd=ROOT, env=self.env, stdout=self.log, stderr=self.log,
                                        start_new_session=True)  # fmt: skip

    def kill(self) -> None:
        if self.process is not None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()


def nginx_config(nodes: list[int], port: int) -> Path:
    directory = WORK / "nginx"
    directory.mkdir()
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
                    "-keyout", str(directory / "key.pem"), "-out", str(directory / "cert.pem")],
                   check=True, capture_output=True)  # fmt: skip
    shutil.copy(ROOT / "deploy/nginx/dgov_proxy_params", directory / "params")
    site = (ROOT / "deploy/nginx/dgov.conf").read_text()
    upstream = "".join(f"    server 127.0.0.1:{node} max_fails=3 fail_timeout=10s;\n" for node in nodes)
    site = re.sub(r"    server 127\.0\.0\.1:8001[^\n]*\n", upstream, site)
    site = (site.replace("listen 443 ssl;", f"listen 127.0.0.1:{port} ssl;").replace("listen [::]:443 ssl;", "")
            .replace("listen 80;", f"listen 127.0.0.1:{free_port()};").replace("listen [::]:80;", "")
            .replace("/etc/ssl/dgov/fullchain.pem", str(directory / "cert.pem"))
            .replace("/etc/ssl/dgov/privkey.pem", str(directory / "key.pem"))
            .replace("/etc/nginx/dgov_proxy_params", str(directory / "params"))
            .replace("/var/log/nginx/", f"{directory}/").replace("/srv/dgov/", f"{ROOT}/"))  # fmt: skip
    (directory / "site.conf").write_text(site)
    main = directory / "nginx.conf"
    main.write_text(
        f"pid {directory}/nginx.pid;\nerror_log {directory}/error.log;\nworker_processes 1;\nevents {{}}\n"
        f"http {{\n  include /etc/nginx/mime.types;\n"
        + "".join(
            f"  {kind}_temp_path {directory}/{kind};\n" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        )
        + f"  include {directory}/site.conf;\n}}\n"
    )
    return main


class Client:
    def __init__(self, port: int) -> None:
        self.port = port
        self.connection: HTTPSConnection | None = None

    def request(self, method: str, path: str, body: Any, headers: dict[str, str]) -> tuple[int, bytes]:
        for _attempt in range(2):
            if self.connection is None:
                self.connection = HTTPSConnection(
                    "127.0.0.1", self.port, timeout=30, context=ssl._create_unverified_context()
                )  # noqa: S323
            try:
                payload = json.dumps(body) if body is not None else None
                self.connection.request(method, path, payload, {"Content-Type": "application/json", **headers})
                response = self.connection.getresponse()
                return response.status, response.read()
            except (OSError, HTTPException):
                self.connection.close()
                self.connection = None
                if method == "POST":
                    raise  # the caller decides whether a POST may be sent again
        raise OSError("no answer")


class Tally:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.counts: Counter[str] = Counter()
        self.applications: list[tuple[str, str, list[str]]] = []  # (key, number, steps done)
        self.problems: list[str] = []

    def add(self, name: str, n: int = 1) -> None:
        with self.lock:
            self.counts[name] += n


def lifecycle(index: int, port: int, people: Any, stop: threading.Event, tally: Tally) -> None:
    http = Client(port)
    secrets = {"applicant": people.applicants[index][1], "clerk": people.tokens["clerk"][index % STAFF_PER_ROLE],
               "reviewer": people.tokens["reviewer"][index % STAFF_PER_ROLE],
               "approver": people.tokens["approver"][index % STAFF_PER_ROLE]}  # fmt: skip
    while not stop.is_set():
        key, number, done = f"drill-{uuid.uuid4().hex}", "", []
        for step in FLOW:
            path, role, _expected, status_after = STEPS[step]
            url = "/api/v1/applications" + (f"/{number}{path}" if number else "")
            headers = {"Authorization": f"Bearer {secrets[role]}", "Idempotency-Key": key}
            ok = False
            for attempt in range(30):
                try:
                    status, body = http.request("POST", url, body_of(step, people), headers)
                except (OSError, HTTPException):
                    status, body = 0, b""
                if status in (200, 201):
                    number = number or json.loads(body)["number"]
                    ok = True
                    break
                tally.add("retried")
                if status == 409 and number:  # a lost answer: did it happen?
                    try:
                        got, state = http.request("GET", f"/api/v1/applications/{number}", None,
                                                  {"Authorization": f"Bearer {secrets['clerk']}"})  # fmt: skip
                    except (OSError, HTTPException):
                        got, state = 0, b""
                    if got == 200 and json.loads(state)["status"] == status_after:
                        ok = True
                        break
                if status not in (0, 409, 502, 503, 504):
                    tally.problems.append(f"{step} {number or key}: {status} {body[:200]!r}")
                    break
                time.sleep(0.2 * (attempt + 1) ** 0.5)
            else:
                tally.problems.append(f"{step} {number or key}: no answer after 30 attempts")
            if not ok:
                break
            tally.add("transitions")
            done.append(step)
        with tally.lock:
            tally.applications.append((key, number, done))


def reader(port: int, stop: threading.Event, tally: Tally) -> None:
    http = Client(port)
    while not stop.is_set():
        try:
            status, _body = http.request("GET", "/services/search/?q=%E9%A3%9F%E5%93%81", None, {})
            tally.add("searches" if status == 200 else "search_errors")
        except (OSError, HTTPException):
            tally.add("search_errors")
        time.sleep(0.05)


def chaos(nodes: list[Node], runners: list[Node], every: float, stop: threading.Event, tally: Tally) -> None:
    victims = [nodes[0], runners[0], nodes[1], runners[1]]
    n = 0
    while not stop.wait(every):
        victim = victims[n % len(victims)]
        victim.kill()
        tally.add(f"killed_{'web' if victim in nodes else 'runner'}")
        time.sleep(1.0)
        victim.start()
        n += 1


def replica_commits(replica: Cluster) -> int:
    return int(replica.query("SELECT sum(xact_commit) FROM pg_stat_database")[0][0])


def check(tally: Tally, env: dict[str, str]) -> list[str]:
    problems = list(tally.problems)
    numbers = [number for _key, number, _done in tally.applications if number]
    rows = Counter(Application.objects.filter(number__in=numbers).values_list("number", flat=True))
    problems += [f"{n}: {rows.get(n, 0)} rows" for n in numbers if rows.get(n, 0) != 1]
    keys = Counter(
        Application.objects.filter(idempotency_key__startswith="drill-").values_list("idempotency_key", flat=True)
    )
    problems += [f"key {k} filed {c} times" for k, c in keys.items() if c > 1]
    events = Counter(ApplicationEvent.objects.filter(application__number__in=numbers)
                     .values_list("application__number", "verb"))  # fmt: skip
    ids = dict(Application.objects.filter(number__in=numbers).values_list("number", "pk"))
    trail = Counter(AuditEntry.objects.filter(object_type="applications.application", object_id__in=[str(i) for i in ids.values()])
                    .values_list("object_id", "verb"))  # fmt: skip
    for _key, number, done in tally.applications:
        if not number:
            continue
        for step in done:
            if events[(number, VERBS[step])] != 1:
                problems.append(f"{number} {step}: {events[(number, VERBS[step])]} timeline events")
            if step != "submit" and trail[(str(ids[number]), f"application.{step}")] != 1:
                problems.append(f"{number} {step}: {trail[(str(ids[number]), f'application.{step}')]} audit entries")
    verify = subprocess.run(
        [sys.executable, "manage.py", "verify_audit"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if verify.returncode != 0:
        problems.append(f"verify_audit: {verify.stdout}{verify.stderr}")
    return problems


def mail_sent(directory: Path) -> Counter[str]:
    found: Counter[str] = Counter()
    for path in directory.glob("*.log") if directory.exists() else []:
        found.update(
            re.findall(r"^Message-ID: (<notification-\d+@dgov\.local>)$", path.read_text(errors="replace"), re.M)
        )
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="length of the load")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--kills", type=int, default=8, help="SIGKILLs spread over the load (web and runner in turn)")
    parser.add_argument("--no-migrate", action="store_true", help="the database is migrated already")
    args = parser.parse_args()

    if not args.no_migrate:
        call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)  # DEBUG off: the manifest must exist
    people = create_people(args.clients)
    User.objects.filter(pk__in=[pk for pk, _secret in people.applicants]).update(email="applicant@example.com")
    standby = workdir()
    replica = Cluster.copy_of(int(connection.settings_dict["PORT"]), standby / "replica", replica=True).start()
    replica.wait_until("SELECT pg_is_in_recovery()")
    env = environment(replica)
    ports = [free_port(), free_port()]
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    nodes = [Node(f"web{i}", [gunicorn, "--config", str(ROOT / "deploy/gunicorn.conf.py"), "dgov.wsgi"],
                  {**env, "DGOV_BIND": f"127.0.0.1:{port}", "PROMETHEUS_MULTIPROC_DIR": str(WORK / f"metrics{i}")})
             for i, port in enumerate(ports)]  # fmt: skip
    for i in range(len(nodes)):
        (WORK / f"metrics{i}").mkdir()
    runners = [
        Node(f"runner{i}", [sys.executable, "manage.py", "run_jobs", "--interval", "0.5"], env) for i in range(2)
    ]
    front = free_port()
    nginx = Node(
        "nginx", ["nginx", "-g", "daemon off;", "-c", str(nginx_config(ports, front)), "-p", str(WORK / "nginx")], env
    )
    everything = [*nodes, *runners, nginx]
    tally = Tally()
    stop = threading.Event()
    try:
        for node in everything:
            node.start()
        for port in ports:
            subprocess.run(
                [sys.executable, "-m", "dgov.ops.probe", f"http://127.0.0.1:{port}/healthz", "60"], check=True
            )
        commits_before = replica_commits(replica)
        threads = [
            threading.Thread(target=lifecycle, args=(i, front, people, stop, tally)) for i in range(args.clients)
        ]
        threads.append(threading.Thread(target=reader, args=(front, stop, tally)))
        threads.append(
            threading.Thread(target=chaos, args=(nodes, runners, args.seconds / (args.kills + 1), stop, tally))
        )
        started = time.monotonic()
        for thread in threads:
            thread.start()
        time.sleep(args.seconds)
        stop.set()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
        for node in [*nodes, *runners]:  # a kill in the last second may have left one down
            if node.process is None or node.process.poll() is not None:
                node.start()
        replica_reads = replica_commits(replica) - commits_before
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and (Notification.objects.unsent().exists()
                                               or AuditEntry.objects.filter(id__gt=chained()).exists()):  # fmt: skip
            time.sleep(0.5)
    finally:
        stop.set()
        for node in everything:
            node.stop()
        replica.remove()
        shutil.rmtree(standby, ignore_errors=True)

    problems = check(tally, env)
    emails = Notification.objects.filter(channel=Channel.EMAIL, recipient__email="applicant@example.com")
    unsent = emails.filter(sent_at__isnull=True).count()
    delivered = mail_sent(WORK / "mail")
    missing = [pk for pk in emails.values_list("pk", flat=True) if delivered[f"<notification-{pk}@dgov.local>"] == 0]
    duplicates = sum(count - 1 for count in delivered.values() if count > 1)
    if unsent or missing:
        problems.append(f"notifications: {unsent} unsent, {len(missing)} sent but not in the mail files")
    if replica_reads <= 0 or not tally.counts["searches"]:
        problems.append("the replica served no reads")
    figures = {
        "seconds": round(elapsed, 1), "clients": args.clients, "applications": len(tally.applications),
        "transitions": tally.counts["transitions"], "transitions_per_s": round(tally.counts["transitions"] / elapsed, 1),
        "retried_requests": tally.counts["retried"], "web_kills": tally.counts["killed_web"],
        "runner_kills": tally.counts["killed_runner"], "emails": emails.count(), "emails_unsent": unsent,
        "emails_missing": len(missing), "emails_sent_twice": duplicates, "searches": tally.counts["searches"],
        "search_errors": tally.counts["search_errors"], "replica_transactions": replica_reads,
        "problems": len(problems),
    }  # fmt: skip
    for problem in problems[:30]:
        print("PROBLEM", problem)
    print(json.dumps(figures))
    if problems:
        print(f"logs kept in {WORK}", file=sys.stderr)
    else:
        shutil.rmtree(WORK, ignore_errors=True)
    return 1 if problems else 0


def chained() -> int:
    from django.db.models import Max

    from dgov.audit.models import AuditLink

    return AuditLink.objects.aggregate(n=Max("seq"))["n"] or 0


if __name__ == "__main__":
    sys.exit(main())
