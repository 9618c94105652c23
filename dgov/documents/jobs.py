import datetime as dt

from dgov.documents.storage import sweep_orphan_files
from dgov.lib.jobs import SWEEP, Job


def sweep(now: dt.datetime) -> int:
    return sweep_orphan_files()


JOBS = [Job("orphan_files_removed", sweep, every=SWEEP)]
