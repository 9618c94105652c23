import datetime as dt

from dgov.exports.actions import run_export_jobs
from dgov.lib.jobs import Job

JOBS = [Job("exports", run_export_jobs, every=dt.timedelta(seconds=2))]
