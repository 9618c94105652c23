import datetime as dt

from dgov.audit.chain import chain_and_checkpoint, due_for_checkpoint, write_checkpoint
from dgov.lib.jobs import Job


def chain(now: dt.datetime) -> int:
    """Link what is final and sign a checkpoint every minute and every 1,000 links."""
    return chain_and_checkpoint(now)


def checkpoint(now: dt.datetime) -> int:
    """A checkpoint that fell due without new links since the chain pass (the minute)."""
    if not due_for_checkpoint():
        return 0
    write_checkpoint(chain=False)
    return 1


JOBS = [
    Job("audit_chained", chain, every=dt.timedelta(seconds=2)),
    Job("audit_checkpoints", checkpoint, every=dt.timedelta(seconds=2)),
]
