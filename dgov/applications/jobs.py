import datetime as dt

from dgov.applications.actions import deem_accepted
from dgov.applications.sharing import fetch_shared_materials
from dgov.lib.jobs import SWEEP, Job


def deem(now: dt.datetime) -> int:
    return deem_accepted()


JOBS = [
    Job("deemed_accepted", deem, every=SWEEP),
    Job("fetch_shared_materials", fetch_shared_materials, every=dt.timedelta(seconds=10)),
]
