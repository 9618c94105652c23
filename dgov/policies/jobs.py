"""The matching job (a pass every minute looks at what changed; ``matching``) and the copy
of the facts the platform holds onto the profiles (``platform_facts``)."""

import datetime as dt

from dgov.lib.jobs import Job
from dgov.policies import matching, platform_facts


def match_policies(now: dt.datetime) -> int:
    return matching.run(now)


def copy_platform_facts(now: dt.datetime) -> int:
    return platform_facts.refresh()


JOBS = [
    Job("policies.platform_facts", copy_platform_facts, every=dt.timedelta(minutes=10)),
    Job("policies.match", match_policies, every=dt.timedelta(minutes=1)),
]
