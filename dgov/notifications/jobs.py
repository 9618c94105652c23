import datetime as dt

from dgov.lib.jobs import Job
from dgov.notifications.outbox import send_pending


def send_notifications(now: dt.datetime) -> int:
    return send_pending()


JOBS = [Job("notifications_sent", send_notifications, every=dt.timedelta(seconds=2))]
