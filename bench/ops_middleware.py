"""What the ops middleware (health probes, request metrics, replica routing) costs a request.

    .venv/bin/python bench/ops_middleware.py            # both modes, ~20 s

Times ``OpsMiddleware`` around a view that does nothing, against the bare view, in
interleaved rounds, in a plain process and in prometheus' multiprocess mode (what
gunicorn runs: each observation goes to a memory-mapped file). Prints microseconds per
request for each, and the added cost as a share of the cheapest real request measured on
this machine (the bare JSON view of shared/PERFORMANCE.md: ~1,800 req/s on 4 workers,
about 2.2 ms of CPU a request). Target: under 2% of that.
"""

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BARE_REQUEST_US = 2200.0  # CPU of the cheapest real request on this machine (see docstring)


def measure(rounds: int, calls: int) -> dict[str, float]:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dgov.settings")
    import django

    django.setup()
    from django.http import HttpResponse
    from django.test import RequestFactory
    from django.urls import resolve

    from dgov.ops.middleware import OpsMiddleware

    response = HttpResponse("ok")
    match = resolve("/services/search/")

    def view(request: object) -> HttpResponse:
        return response

    wrapped = OpsMiddleware(view)
    request = RequestFactory().get("/services/search/")
    request.resolver_match = match
    bare_times, wrapped_times = [], []
    for _ in range(rounds):
        for target, times in ((view, bare_times), (wrapped, wrapped_times)):
            started = time.perf_counter()
            for _ in range(calls):
                target(request)
            times.append((time.perf_counter() - started) / calls * 1e6)
    bare, with_ops = min(bare_times), min(wrapped_times)
    return {"bare_us": round(bare, 3), "with_ops_us": round(with_ops, 3), "added_us": round(with_ops - bare, 3)}


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        print(json.dumps(measure(rounds=7, calls=20000)))
        return 0
    results = {}
    with tempfile.TemporaryDirectory() as directory:
        for mode, extra in (("single process", {}), ("multiprocess", {"PROMETHEUS_MULTIPROC_DIR": directory})):
            env = {**os.environ, **extra}
            done = subprocess.run(
                [sys.executable, __file__, "--child"], env=env, capture_output=True, text=True, check=True
            )
            results[mode] = json.loads(done.stdout.strip().splitlines()[-1])
    worst = max(result["added_us"] for result in results.values())
    for mode, result in results.items():
        share = result["added_us"] / BARE_REQUEST_US * 100
        print(f"{mode:>15}: bare {result['bare_us']:.2f} µs, with ops {result['with_ops_us']:.2f} µs, "
              f"added {result['added_us']:.2f} µs = {share:.2f}% of a bare request")  # fmt: skip
    print(json.dumps(results))
    return 0 if worst / BARE_REQUEST_US < 0.02 else 1


if __name__ == "__main__":
    sys.exit(main())
