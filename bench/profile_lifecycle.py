"""Where a lifecycle transition spends its CPU, in one process (decision 0011).

    bin/throwaway-postgres .venv/bin/python bench/profile_lifecycle.py [--applications 60] [--sort tottime]

Creates ``bench/lifecycle.py``'s people, then takes ``--applications`` applications
through the lifecycle's steps (a supplement round every fifth) by calling the WSGI
application directly with the environ gunicorn would build (no test client, no sockets),
under cProfile. Prints the CPU time per transition (this process's, and on PostgreSQL its
server process's too, from ``/proc``) and the functions that cost most.
"""

import argparse
import cProfile
import io
import json
import os
import pstats
import sys
import time
import uuid
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import lifecycle  # noqa: E402 — sets the environment and sets Django up
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from dgov.wsgi import application as wsgi  # noqa: E402


def call(method: str, path: str, secret: str, body: dict[str, Any], key: str) -> tuple[int, bytes]:
    data = json.dumps(body).encode()
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "REMOTE_ADDR": "127.0.0.1",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "CONTENT_TYPE": "application/json",
        "CONTENT_LENGTH": str(len(data)),
        "HTTP_HOST": "127.0.0.1:8000",
        "HTTP_AUTHORIZATION": f"Bearer {secret}",
        "HTTP_IDEMPOTENCY_KEY": key,
        "wsgi.input": io.BytesIO(data),
        "wsgi.url_scheme": "http",
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        "wsgi.version": (1, 0),
    }
    status: list[str] = []
    chunks = wsgi(environ, lambda s, h, exc_info=None: status.append(s))
    body_out = b"".join(chunks)
    if hasattr(chunks, "close"):
        chunks.close()
    return int(status[0].split()[0]), body_out


def server_cpu() -> float:
    """CPU seconds of this connection's PostgreSQL server process so far (0 elsewhere)."""
    if connection.vendor != "postgresql":
        return 0.0
    connection.ensure_connection()
    pid = connection.connection.info.backend_pid
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def lifecycle_once(index: int, people: Any, secrets: dict[str, str]) -> int:
    key, number, steps = uuid.uuid4().hex, "", 0
    for step in lifecycle.plan(index, 5, 4):
        path, role, expected, _status = lifecycle.STEPS[step]
        url = f"/api/v1/applications{path if not path else '/' + number + path}"
        code, content = call("POST", url, secrets[role], lifecycle.body_of(step, people), key)
        assert code == expected, (step, code, content[:300])
        number = number or json.loads(content)["number"]
        steps += step in lifecycle.TRANSITIONS
    return steps


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--applications", type=int, default=60)
    parser.add_argument("--sort", default="tottime")
    parser.add_argument("--dump", help="also write the profile to this file (pstats)")
    parser.add_argument("--top", type=int, default=45)
    parser.add_argument("--callers", nargs="*", default=[], help="also print who calls these functions")
    parser.add_argument("--queries", action="store_true", help="print the SQL of one application's steps")
    parser.add_argument("--no-profile", action="store_true", help="only the CPU time per transition")
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    people = lifecycle.create_people(2)
    lifecycle.count_queries(people)  # warms tokens, templates and caches as the bench does
    secrets = {role: people.tokens[role][0] for role in ("clerk", "reviewer", "approver")}
    secrets["applicant"] = people.applicants[0][1]
    for index in range(10):  # warm-up
        lifecycle_once(index, people, secrets)
    if args.queries:
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            lifecycle_once(4, people, secrets)  # with a supplement round
        for query in queries.captured_queries:
            print(query["time"], " ".join(query["sql"].split())[:400])
        return 0
    profiler = cProfile.Profile(time.thread_time)  # CPU, not the waits for PostgreSQL
    transitions = 0
    cpu, server = time.process_time(), server_cpu()
    if not args.no_profile:
        profiler.enable()
    for index in range(args.applications):
        transitions += lifecycle_once(index, people, secrets)
    profiler.disable()
    cpu, server = time.process_time() - cpu, server_cpu() - server
    print(
        f"{connection.vendor}: {transitions} transitions, {cpu / transitions * 1000:.2f} ms CPU each"
        f"{' (under cProfile)' if not args.no_profile else ''}"
        + (f", PostgreSQL {server / transitions * 1000:.2f} ms" if connection.vendor == "postgresql" else "")
    )
    if not args.no_profile:
        stats = pstats.Stats(profiler)
        if args.dump:
            stats.dump_stats(args.dump)
        stats.sort_stats(args.sort).print_stats(args.top)
        for name in args.callers:
            stats.print_callers(name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
