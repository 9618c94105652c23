import datetime as dt

from dgov.lib.jobs import SWEEP, Job
from dgov.workdays.actions import recompute_provisional


def recompute(now: dt.datetime) -> int:
    """Catches a deadline created by a process whose transaction raced a calendar import."""
    return len(recompute_provisional())


JOBS = [Job("deadlines_recomputed", recompute, every=SWEEP)]
