import datetime as dt

from dgov.campaigns.actions import send_reminders
from dgov.lib.jobs import SWEEP, Job


def remind(now: dt.datetime) -> int:
    return send_reminders()


JOBS = [Job("campaign_reminders", remind, every=SWEEP)]
