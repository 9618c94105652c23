import datetime as dt

from dgov.lib.jobs import Job
from dgov.services.search import prune_search_log

JOBS = [Job("prune_search_log", prune_search_log, every=dt.timedelta(hours=6))]
