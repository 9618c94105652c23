import datetime as dt

from dgov.applications.actions import deem_accepted
from dgov.lib.jobs import SWEEP, Job


def deem(now: dt.datetime) -> int:
    return deem_accepted()


JOBS = [Job("deemed_accepted", deem, every=SWEEP)]
