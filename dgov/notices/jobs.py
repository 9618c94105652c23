import datetime as dt

from dgov.lib.jobs import Job
from dgov.notices import sealing

# Under a district's automatic rule, waiting documents are sealed within half a minute.
JOBS = [Job("seal_notices", sealing.seal_waiting, every=dt.timedelta(seconds=30))]
