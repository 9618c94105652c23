import datetime as dt

from dgov.cockpit.summary import refresh
from dgov.lib.jobs import Job

# Every few seconds: a pass reads only what was appended since the last one.
JOBS = [Job("refresh_figures", refresh, every=dt.timedelta(seconds=5))]
