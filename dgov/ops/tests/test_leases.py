import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from dgov.ops.leases import heartbeat, run_due
from dgov.ops.locks import lock_key, try_lock
from dgov.ops.models import JobLease, Runner

ROOT = Path(__file__).resolve().parents[3]


def job(name: str = "count", every: float = 60.0, run: Any = None) -> Any:
    calls: list[dt.datetime] = []

    def counting(now: dt.datetime) -> int:
        calls.append(now)
        return 2

    return SimpleNamespace(name=name, run=run or counting, every=dt.timedelta(seconds=every), calls=calls)


def test_a_due_job_runs_once_and_then_waits_its_interval(db: Any) -> None:
    counting = job(every=60)
    now = timezone.now()
    assert run_due([counting], runner="a:1", now=now) == {"count": 2}
    assert run_due([counting], runner="b:2", now=now + dt.timedelta(seconds=30)) == {}
    assert run_due([counting], runner="b:2", now=now + dt.timedelta(seconds=61)) == {"count": 2}
    lease = JobLease.objects.get(name="count")
    assert (lease.runs, lease.items, lease.failures, lease.holder, lease.leased_until) == (2, 4, 0, "", None)
    assert len(counting.calls) == 2


def test_force_runs_a_job_that_is_not_due(db: Any) -> None:
    counting = job(every=3600)
    run_due([counting], runner="a:1")
    assert run_due([counting], runner="a:1", force=True) == {"count": 2}


def test_a_failing_job_is_counted_and_does_not_stop_the_others(db: Any) -> None:
    def broken(now: dt.datetime) -> int:
        raise RuntimeError("smtp down")

    counting = job()
    assert run_due([job("broken", run=broken), counting], runner="a:1") == {"broken": -1, "count": 2}
    failed = JobLease.objects.get(name="broken")
    assert (failed.runs, failed.failures, failed.last_error) == (1, 1, "RuntimeError: smtp down")
    assert failed.due_at > timezone.now() + dt.timedelta(seconds=50)  # retried next period, not in a loop


def hold_elsewhere(name: str) -> Any:
    """The job's lock held by "another runner": another connection on PostgreSQL (the lock
    is re-entrant within one session), another open file on SQLite."""
    if connection.vendor == "postgresql":
        raw = connection.get_new_connection(connection.get_connection_params())
        raw.autocommit = True
        assert raw.execute("SELECT pg_try_advisory_lock(%s)", [lock_key(name)]).fetchone()[0]
        return raw
    held = try_lock(name)
    assert held is not None
    return held


def release_elsewhere(held: Any, name: str) -> None:
    """Let go of what ``hold_elsewhere`` took. On PostgreSQL the lock is unlocked before the
    connection closes: closing only asks the server to end the session, and the next line
    could otherwise still find the lock held (a race CI met)."""
    if connection.vendor == "postgresql":
        assert held.execute("SELECT pg_advisory_unlock(%s)", [lock_key(name)]).fetchone()[0]
        held.close()
    else:
        held.release()


def test_a_job_held_by_another_runner_is_left_alone(db: Any) -> None:
    counting = job()
    other = hold_elsewhere("job:count")
    try:
        assert run_due([counting], runner="a:1") == {}
    finally:
        release_elsewhere(other, "job:count")
    assert run_due([counting], runner="a:1") == {"count": 2}


def test_the_run_of_a_runner_that_died_is_taken_over(db: Any) -> None:
    """A runner died holding the lease: its lock went with it. On PostgreSQL the next runner
    takes the job at once; on SQLite when the lease has run out."""
    counting = job()
    now = timezone.now()
    JobLease.objects.create(name="count", due_at=now, holder="dead:9", leased_until=now + dt.timedelta(minutes=5))
    if connection.vendor == "postgresql":
        assert run_due([counting], runner="a:1", now=now) == {"count": 2}
    else:
        assert run_due([counting], runner="a:1", now=now) == {}
        assert run_due([counting], runner="a:1", now=now + dt.timedelta(minutes=6)) == {"count": 2}
    assert JobLease.objects.get(name="count").holder == ""


def test_heartbeats_count_passes_per_runner(db: Any) -> None:
    heartbeat("a:1")
    heartbeat("a:1")
    heartbeat("b:2")
    assert dict(Runner.objects.values_list("name", "passes")) == {"a:1": 2, "b:2": 1}


# -- Several runner processes on PostgreSQL ------------------------------------------------


def spawn(seconds: float, log: Path, job_seconds: float, every: float) -> subprocess.Popen[bytes]:
    database = connection.settings_dict
    env = dict(
        os.environ,
        DB_ENGINE="postgres",
        DB_NAME=database["NAME"],
        DB_HOST=database["HOST"],
        DB_PORT=str(database["PORT"]),
        DB_USER=database["USER"],
        DB_PASSWORD=database["PASSWORD"] or "",
        DJANGO_SETTINGS_MODULE="dgov.settings",
    )
    env.pop("PYTEST_CURRENT_TEST", None)
    args = [sys.executable, "-m", "dgov.ops.tests.drill_runner", str(seconds), str(log), str(job_seconds), str(every)]
    return subprocess.Popen(args, cwd=ROOT, env=env)


def runs(log: Path) -> list[tuple[int, float, float | None]]:
    """(pid, start, end or None) for each run in the log."""
    open_runs: dict[int, float] = {}
    done: list[tuple[int, float, float | None]] = []
    for line in log.read_text().splitlines():
        word, pid, at = line.split()
        if word == "start":
            assert int(pid) not in open_runs
            open_runs[int(pid)] = float(at)
        else:
            done.append((int(pid), open_runs.pop(int(pid)), float(at)))
    done.extend((pid, start, None) for pid, start in open_runs.items())
    return sorted(done, key=lambda run: run[1])


needs_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="several runner processes share one database only on PostgreSQL"
)


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_three_runners_never_run_a_job_twice_at_once_nor_before_it_is_due(tmp_path: Path) -> None:
    log = tmp_path / "runs.log"
    every = 0.3
    runners = [spawn(4.0, log, job_seconds=0.05, every=every) for _ in range(3)]
    for runner in runners:
        assert runner.wait(timeout=60) == 0
    done = runs(log)
    assert len(done) >= 5
    assert all(end is not None for _pid, _start, end in done)
    for (_p1, start1, end1), (_p2, start2, _e2) in zip(done, done[1:], strict=False):
        assert end1 is not None and start2 >= end1, "two runs overlapped"
        assert start2 - start1 >= every - 0.05, "a run started before the job was due again"
    assert len({pid for pid, _s, _e in done}) >= 1
    assert JobLease.objects.get(name="drill").runs == len(done)


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_a_runner_killed_mid_run_loses_nothing(tmp_path: Path) -> None:
    log = tmp_path / "runs.log"
    runners = [spawn(8.0, log, job_seconds=1.0, every=0.1) for _ in range(2)]
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and (not log.exists() or "start" not in log.read_text()):
        time.sleep(0.05)
    victim_pid = int(log.read_text().split()[1])
    victim = next(runner for runner in runners if runner.pid == victim_pid)
    os.kill(victim_pid, signal.SIGKILL)
    victim.wait(timeout=10)
    survivor = next(runner for runner in runners if runner is not victim)
    assert survivor.wait(timeout=60) == 0
    done = runs(log)
    cut_short = [run for run in done if run[2] is None]
    assert [pid for pid, _s, _e in cut_short] == [victim_pid]
    taken_over = [run for run in done if run[0] == survivor.pid and run[1] > cut_short[0][1]]
    assert taken_over and taken_over[0][1] - cut_short[0][1] < 2.0, "the survivor did not take the job over at once"
    lease = JobLease.objects.get(name="drill")
    assert lease.runs == len(done) - 1  # every run but the killed one finished and was counted
