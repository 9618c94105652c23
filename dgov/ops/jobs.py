import datetime as dt

from dgov.lib.jobs import Job
from dgov.ops.leases import forget_runners

# A runner's row is kept a day after it was last seen, for the record and /metrics.
RUNNER_MEMORY = dt.timedelta(days=1)


def forget(now: dt.datetime) -> int:
    return forget_runners(RUNNER_MEMORY, now)


JOBS = [Job("runners_forgotten", forget, every=dt.timedelta(hours=1))]
