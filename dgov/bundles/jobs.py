import datetime as dt

from dgov.bundles.actions import sync_open
from dgov.lib.jobs import SWEEP, Job


def sync(now: dt.datetime) -> int:
    return sync_open()


JOBS = [Job("bundles_synced", sync, every=SWEEP)]
