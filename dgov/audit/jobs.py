import datetime as dt

from dgov.audit.chain import chain_pending, due_for_checkpoint, write_checkpoint
from dgov.lib.jobs import Job


def chain(now: dt.datetime) -> int:
    return chain_pending()


def checkpoint(now: dt.datetime) -> int:
    if not due_for_checkpoint():
        return 0
    write_checkpoint()
    return 1


JOBS = [
    Job("audit_chained", chain, every=dt.timedelta(seconds=2)),
    Job("audit_checkpoints", checkpoint, every=dt.timedelta(seconds=2)),
]
