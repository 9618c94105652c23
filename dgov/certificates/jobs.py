import datetime as dt

from dgov.certificates import archive, ledger
from dgov.lib.jobs import Job

JOBS = [
    Job("reconcile_seals", ledger.run, every=dt.timedelta(days=1)),
    Job("archive_certificates", archive.run, every=dt.timedelta(days=1)),
]
