import datetime as dt

from dgov.lib.jobs import SWEEP, Job
from dgov.ratings.actions import deem_ratings


def deem(now: dt.datetime) -> int:
    return deem_ratings()


JOBS = [Job("ratings_deemed", deem, every=SWEEP)]
