import datetime as dt

from dgov.hall.actions import skip_no_shows
from dgov.lib.jobs import Job

JOBS = [Job("hall_no_shows", skip_no_shows, every=dt.timedelta(seconds=30))]
