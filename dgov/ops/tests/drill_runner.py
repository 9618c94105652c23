"""A job runner for the lease tests, run as a separate process:

    python -m dgov.ops.tests.drill_runner SECONDS LOGFILE JOB_SECONDS EVERY_SECONDS

It runs one job ("drill") through ``dgov.ops.leases.run_due`` in a loop for SECONDS; the
job appends ``start <pid> <t>`` and ``end <pid> <t>`` to LOGFILE around a sleep of
JOB_SECONDS, so the test can see overlaps, gaps and runs cut short by a kill.
"""

import datetime as dt
import os
import sys
import time
from types import SimpleNamespace


def main() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dgov.settings")
    django.setup()
    from dgov.ops.leases import heartbeat, run_due, runner_name

    seconds, logfile, job_seconds, every = float(sys.argv[1]), sys.argv[2], float(sys.argv[3]), float(sys.argv[4])

    def note(word: str) -> None:
        fd = os.open(logfile, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        os.write(fd, f"{word} {os.getpid()} {time.time():.6f}\n".encode())
        os.close(fd)

    def drill(now: dt.datetime) -> int:
        note("start")
        time.sleep(job_seconds)
        note("end")
        return 1

    job = SimpleNamespace(name="drill", run=drill, every=dt.timedelta(seconds=every))
    me = runner_name()
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        heartbeat(me)
        run_due([job], runner=me)
        time.sleep(0.01)


if __name__ == "__main__":
    main()
