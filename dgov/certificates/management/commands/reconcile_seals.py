"""``python manage.py reconcile_seals --date D``: the seal's books for one day.

1. Every seal use on day D must rest on an approval: the application approved (or
   completed) with its decider recorded, decided no later than the use.
2. Every approval must have its certificate within 10 days of the decision
   (行政许可法 Art. 44). Art. 82 counts the Act's time limits in working days, so the
   10 days are working days (``dgov.workdays.calendar.add_working_days``): an approval
   decided on day X is late on D when D is after X + 10 working days and no certificate
   exists. Only items that issue a certificate (have a certificate type) are checked.

Exits 1 when it finds anything, 0 when the books are clean.
"""

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from dgov.applications.models import Application, Status
from dgov.certificates.models import CertificateType, SealUse
from dgov.workdays.calendar import add_working_days

ISSUE_LIMIT_DAYS = 10  # 行政许可法 Art. 44, in working days (Art. 82)
APPROVED = (Status.APPROVED, Status.COMPLETED)


def unsupported_uses(day: dt.date) -> list[SealUse]:
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(day, dt.time.min, tzinfo=tz)
    uses = SealUse.objects.filter(at__gte=start, at__lt=start + dt.timedelta(days=1)).select_related(
        "seal", "application"
    )
    found = []
    for use in uses.order_by("at", "pk"):
        application = use.application
        if (
            application is None
            or application.status not in APPROVED
            or application.decided_by_id is None
            or application.decided_on is None
            or application.decided_on > timezone.localtime(use.at).date()
        ):
            found.append(use)
    return found


def late_certificates(day: dt.date) -> list[tuple[Application, dt.date]]:
    items = CertificateType.objects.filter(item__isnull=False).values("item_id")
    candidates = (
        Application.objects.filter(
            status__in=APPROVED,
            decided_by__isnull=False,
            decided_on__lte=day,
            item_id__in=items,
            certificates__isnull=True,
        )
        .order_by("decided_on", "pk")
        .distinct()
    )
    found = []
    for application in candidates:
        due = add_working_days(application.decided_on, ISSUE_LIMIT_DAYS).date  # type: ignore[arg-type]
        if day > due:
            found.append((application, due))
    return found


class Command(BaseCommand):
    help = "List seal uses without an approval, and approvals without their certificate past Art. 44's limit."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", type=dt.date.fromisoformat, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        day = options["date"] or timezone.localdate()
        problems = 0
        for use in unsupported_uses(day):
            problems += 1
            number = use.application.number if use.application else "-"
            self.stdout.write(
                f"seal use without approval: {timezone.localtime(use.at):%Y-%m-%d %H:%M:%S} "
                f"seal={use.seal.key_id} sha256={use.document_sha256} application={number}"
            )
        for application, due in late_certificates(day):
            problems += 1
            self.stdout.write(
                f"approval without certificate: application={application.number} "
                f"decided={application.decided_on} due={due}"
            )
        if problems:
            self.stdout.write(f"{problems} finding(s) for {day}")
            raise SystemExit(1)
        self.stdout.write(f"no findings for {day}")
