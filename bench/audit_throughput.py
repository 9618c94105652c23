"""Write throughput of an audited act, with and without the chainer running beside it.

    PG_OPTS="" bin/throwaway-postgres .venv/bin/python bench/audit_throughput.py
    PG_OPTS="" bin/throwaway-postgres .venv/bin/python bench/audit_throughput.py --rounds 6 --seconds 15
    PG_OPTS="" bin/throwaway-postgres .venv/bin/python bench/audit_throughput.py --chain-pause 0   # back to back
    PG_OPTS="" bin/throwaway-postgres .venv/bin/python bench/audit_throughput.py --rollback-every 7   # with gaps
    PG_OPTS="" bin/throwaway-postgres .venv/bin/python bench/audit_throughput.py --interleave 5 --rounds 6

(``PG_OPTS=""`` turns fsync back on in the throwaway cluster, for realistic figures.)

The act: in one transaction, update one ``accounts.User`` row's ``last_login`` and
``record()`` it, the way a view writes a change and its trace. ``--writers`` processes
(8; each with its own connection and its own user row, so they do not queue on a row
lock) write for ``--seconds`` per phase. Phases alternate between "without chain" and
"with chain", where one more process runs ``chain_pending()`` for the whole phase, a pass
every ``--chain-pause`` seconds (1 s; the job runner passes every 2 s; 0 runs passes back
to back, the worst case). The chain is caught up (untimed) before every phase so each
starts equal, and a warm-up phase comes first (a fresh cluster measures low). At the end
the whole trail is verified, which also proves the chainer never chained past a
transaction that committed late (``--rollback-every`` adds rolled-back gaps).

The target: the chain costs at most 10% of the throughput. On a shared machine the
phases drift; the median of the rounds' ratios is the steadier figure, and
``--interleave SECONDS`` steadier still: one set of writers runs throughout while the
chainer process, alive throughout too, is switched on and off every SECONDS.
"""

import argparse
import multiprocessing as mp
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WORKDIR = Path(tempfile.mkdtemp(prefix="dgov-audit-bench-"))
os.environ["DGOV_AUDIT_CHECKPOINT_DIR"] = str(WORKDIR / "checkpoints")
os.environ["DGOV_AUDIT_KEY_FILE"] = str(WORKDIR / "keys" / "audit.pem")
os.environ["DGOV_AUDIT_SEAL_KEY_FILE"] = str(WORKDIR / "seal" / "audit-seal.key")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dgov.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, connections, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from dgov.accounts.models import User  # noqa: E402
from dgov.audit.chain import chain_pending, chain_status, write_checkpoint  # noqa: E402
from dgov.audit.trail import record  # noqa: E402
from dgov.audit.verify import verify  # noqa: E402


class Rollback(Exception):
    pass


def writer(index: int, go: Any, stop: Any, results: Any, rollback_every: int, counter: Any = None) -> None:
    connections.close_all()
    user = User.objects.get(username=f"bench{index}")
    _ = user.role_codes, user.district  # cached, as on a request's user
    go.wait()
    done = attempts = 0
    while not stop.is_set():
        attempts += 1
        try:
            with transaction.atomic():
                now = timezone.now()
                User.objects.filter(pk=user.pk).update(last_login=now)
                record("bench.touch", user, actor=user, changes={"last_login": [None, now.isoformat()]})
                if rollback_every and (attempts + index) % rollback_every == 0:
                    raise Rollback
            done += 1
            if counter is not None:
                counter.value = done
        except Rollback:
            pass
    results.put(done)
    connections.close_all()


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process on this machine (its PostgreSQL backend too)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def chainer(go: Any, stop: Any, results: Any, pause: float, switch: Any = None) -> None:
    connections.close_all()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()" if connection.vendor == "postgresql" else "SELECT 0")
        backend = cursor.fetchone()[0]
    go.wait()
    cpu = _cpu_seconds(os.getpid()), _cpu_seconds(backend) if backend else 0.0
    chained = passes = 0
    while not stop.is_set():
        if switch is not None and not switch.is_set():
            time.sleep(0.02)
            continue
        linked = chain_pending()
        chained += linked
        passes += 1
        time.sleep(pause if linked else max(pause, 0.01))
    client = _cpu_seconds(os.getpid()) - cpu[0]
    server = (_cpu_seconds(backend) - cpu[1]) if backend else 0.0
    results.put((chained, passes, client, server))
    connections.close_all()


def phase(writers: int, seconds: float, with_chain: bool, rollback_every: int, pause: float = 1.0) -> dict[str, Any]:
    chain_pending(wait=30)  # each phase starts with the chain caught up
    connections.close_all()
    ctx = mp.get_context("fork")
    go, stop = ctx.Event(), ctx.Event()
    counts, chain_results = ctx.Queue(), ctx.Queue()
    procs = [ctx.Process(target=writer, args=(i, go, stop, counts, rollback_every)) for i in range(writers)]
    if with_chain:
        procs.append(ctx.Process(target=chainer, args=(go, stop, chain_results, pause)))
    for proc in procs:
        proc.start()
    time.sleep(1.0)  # let every process connect and load its user
    started = time.perf_counter()
    go.set()
    time.sleep(seconds)
    stop.set()
    elapsed = time.perf_counter() - started
    total = sum(counts.get() for _ in range(writers))
    chained, passes, client, server = chain_results.get() if with_chain else (0, 0, 0.0, 0.0)
    for proc in procs:
        proc.join()
    lag = chain_status().pending if with_chain else None
    return {
        "tps": total / elapsed,
        "transactions": total,
        "elapsed": elapsed,
        "chained": chained,
        "passes": passes,
        "lag": lag,
        "cpu": (client, server),
    }


def interleaved(writers: int, slots: int, slot: float, warmup: float, pause: float) -> None:
    """One set of writers for the whole run; the chainer, alive throughout, is switched
    on and off slot by slot (on/off, off/on, …). Neighbouring slots share the machine's
    load, so their ratio holds on a busy machine where separate phases drift."""
    chain_pending(wait=30)
    connections.close_all()
    ctx = mp.get_context("fork")
    go, stop, switch = ctx.Event(), ctx.Event(), ctx.Event()
    counts, chain_results = ctx.Queue(), ctx.Queue()
    counters = [ctx.Value("q", 0, lock=False) for _ in range(writers)]
    procs = [ctx.Process(target=writer, args=(i, go, stop, counts, 0, counters[i])) for i in range(writers)]
    procs.append(ctx.Process(target=chainer, args=(go, stop, chain_results, pause, switch)))
    for proc in procs:
        proc.start()
    time.sleep(1.0)
    go.set()
    time.sleep(warmup)
    samples: dict[bool, list[float]] = {True: [], False: []}
    for number in range(slots):
        on = (number % 4) in (0, 3)
        if on:
            switch.set()
        else:
            switch.clear()
        before, started = sum(c.value for c in counters), time.perf_counter()
        time.sleep(slot)
        samples[on].append((sum(c.value for c in counters) - before) / (time.perf_counter() - started))
    stop.set()
    for _ in range(writers):
        counts.get()
    chained, passes, client, server = chain_results.get()
    for proc in procs:
        proc.join()
    pairs = [a / b for a, b in zip(samples[True], samples[False], strict=True)]
    median = statistics.median(pairs)
    with_tps, without_tps = (sum(samples[k]) / len(samples[k]) for k in (True, False))
    print(f"{slots} slots of {slot:g} s; chainer linked {chained:,} in {passes:,} passes")
    print(f"without chain: {without_tps:,.0f} tps")
    print(f"with chain:    {with_tps:,.0f} tps")
    print(
        f"ratio:         {with_tps / without_tps:.3f} overall, {median:.3f} median of neighbouring slots"
        " (target at least 0.90)"
    )
    print(f"chainer CPU:   {client + server:.1f} s over {slots * slot / 2:.0f} s switched on")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--writers", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--rounds", type=int, default=3, help="pairs of phases (with, without), order alternating")
    parser.add_argument("--warmup", type=float, default=10)
    parser.add_argument("--rollback-every", type=int, default=0, help="roll back every Nth transaction (gaps)")
    parser.add_argument(
        "--chain-pause", type=float, default=1.0, help="seconds between chainer passes (run_jobs: 2; 0: back to back)"
    )
    parser.add_argument(
        "--interleave", type=float, metavar="SECONDS", help="one run, the chainer switched on and off every SECONDS"
    )
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        print("warning: concurrent writers are meant for PostgreSQL (bin/throwaway-postgres)", file=sys.stderr)
    try:
        call_command("migrate", "audit", verbosity=0)
        for index in range(args.writers):
            User.objects.create(username=f"bench{index}", kind=User.Kind.CITIZEN)
        print(
            f"{connection.vendor}, {args.writers} writers, "
            + (f"{args.seconds:g} s per phase, {args.rounds} rounds" if not args.interleave else "interleaved")
            + (f", every {args.rollback_every}th transaction rolled back" if args.rollback_every else "")
            + f", {args.chain_pause:g} s between chainer passes"
        )
        if args.interleave:
            interleaved(args.writers, 4 * args.rounds, args.interleave, args.warmup, args.chain_pause)
        else:
            phases(args)
        chain_pending(wait=30)
        write_checkpoint()
        started = time.perf_counter()
        report = verify()
        print(f"{report.summary()} ({time.perf_counter() - started:.1f} s)")
        if not report.intact:
            sys.exit(1)
    finally:
        shutil.rmtree(WORKDIR, ignore_errors=True)


def phases(args: Any) -> None:
    warm = phase(args.writers, args.warmup, False, args.rollback_every)
    print(f"warm-up: {warm['tps']:,.0f} tps")
    runs: dict[bool, list[dict[str, Any]]] = {True: [], False: []}
    for number in range(args.rounds):
        for with_chain in (True, False) if number % 2 == 0 else (False, True):
            result = phase(args.writers, args.seconds, with_chain, args.rollback_every, args.chain_pause)
            runs[with_chain].append(result)
            extra = (
                f"; chainer linked {result['chained']:,} in {result['passes']:,} passes, {result['lag']:,} left at the end,"
                f" CPU {result['cpu'][0]:.1f} s client + {result['cpu'][1]:.1f} s server"
                if with_chain
                else ""
            )
            print(f"round {number + 1} {'with   ' if with_chain else 'without'} chain: {result['tps']:,.0f} tps{extra}")
    without = sum(r["transactions"] for r in runs[False]) / sum(r["elapsed"] for r in runs[False])
    with_chain_tps = sum(r["transactions"] for r in runs[True]) / sum(r["elapsed"] for r in runs[True])
    ratio = with_chain_tps / without
    # Each round's two phases ran next to each other: their ratio resists drift in the
    # machine's load better than the totals do.
    pairs = [w["tps"] / wo["tps"] for w, wo in zip(runs[True], runs[False], strict=True)]
    median = statistics.median(pairs)
    chain_cpu = sum(sum(r["cpu"]) for r in runs[True]) / sum(r["elapsed"] for r in runs[True])
    print(f"without chain: {without:,.0f} tps")
    print(f"with chain:    {with_chain_tps:,.0f} tps")
    print(f"ratio:         {ratio:.3f} overall, {median:.3f} median of the rounds (target at least 0.90)")
    print(f"chainer CPU:   {chain_cpu:.3f} cores (its process and its PostgreSQL backend) of {os.cpu_count()}")


if __name__ == "__main__":
    main()
