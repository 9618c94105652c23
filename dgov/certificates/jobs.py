import datetime as dt

from dgov.certificates import ledger
from dgov.lib.jobs import Job

JOBS = [Job("reconcile_seals", ledger.run, every=dt.timedelta(days=1))]
