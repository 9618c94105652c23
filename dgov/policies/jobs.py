"""The matching job: a pass every minute looks at what changed; see ``matching``."""

import datetime as dt

from dgov.lib.jobs import Job
from dgov.policies import matching


def match_policies(now: dt.datetime) -> int:
    return matching.run(now)


JOBS = [Job("policies.match", match_policies, every=dt.timedelta(minutes=1))]
