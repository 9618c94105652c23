"""Financing jobs: needs the banks have not answered in time climb the ladder; needs no
product fitted are tried again against new products."""

import datetime as dt

from dgov.financing.actions import escalate_overdue, resend_unmatched
from dgov.lib.jobs import Job


def escalate(now: dt.datetime) -> int:
    return escalate_overdue()


def resend(now: dt.datetime) -> int:
    return resend_unmatched()


JOBS = [
    Job("financing.escalate", escalate, every=dt.timedelta(minutes=10)),
    Job("financing.resend", resend, every=dt.timedelta(minutes=10)),
]
