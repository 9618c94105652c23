"""Demo applications in every state, some on time, some due soon, some overdue
(idempotent: each carries a fixed idempotency key)."""

import datetime as dt

from django.db import transaction

from dgov.accounts.models import Applicant, District, User
from dgov.applications import actions
from dgov.applications.models import Application, Channel
from dgov.applications.sharing import fetch_shared_materials
from dgov.lib import clock
from dgov.lib.history import office_moment, step_days
from dgov.services.models import ServiceItem
from dgov.workdays.calendar import is_working_day

# key, item code, applicant login, steps, working days ago the case was received
CASES = [
    ("demo-01", "SCJG-001", "citizen", [], 0),
    ("demo-02", "SCJG-001", "citizen", ["supplement"], 1),
    ("demo-03", "SCJG-002", "enterprise", ["refuse"], 2),
    ("demo-04", "SCJG-002", "enterprise", ["accept"], 1),
    ("demo-05", "SCJG-002", "enterprise", ["accept"], 4),
    ("demo-06", "SCJG-002", "enterprise", ["accept"], 8),
    ("demo-07", "SCJG-003", "citizen", ["accept", "review"], 3),
    ("demo-08", "SCJG-003", "citizen", ["accept", "review", "approve"], 4),
    ("demo-09", "SCJG-003", "citizen", ["accept", "review", "deny"], 6),
    ("demo-10", "SCJG-001", "citizen", ["accept", "review", "approve", "complete"], 9),
    ("demo-11", "SCJG-002", "enterprise", ["accept", "stop"], 3),
    ("demo-12", "SCJG-004", "enterprise", ["accept", "review"], 25),
    # The months before: cases long closed, so that timelines and figures have a history.
    ("demo-13", "SCJG-001", "citizen", ["accept", "review", "approve", "complete"], 95),
    ("demo-14", "SCJG-003", "citizen", ["accept", "review", "approve", "complete"], 80),
    ("demo-15", "SCJG-002", "enterprise", ["supplement", "supplied", "accept", "review", "deny"], 70),
    ("demo-16", "SCJG-004", "enterprise", ["accept", "review", "approve", "complete"], 60),
    ("demo-17", "SCJG-002", "enterprise", ["refuse"], 50),
    ("demo-18", "SCJG-003", "citizen", ["accept", "review", "approve", "complete"], 40),
    ("demo-19", "SCJG-001", "citizen", ["accept", "review", "approve", "complete"], 30),
]


def _working_days_ago(today: dt.date, n: int) -> dt.date:
    day = today
    while n > 0:
        day -= dt.timedelta(days=1)
        if is_working_day(day):
            n -= 1
    return day


def load(district: District) -> int:
    """Create the demo cases that are missing; return how many were created."""
    users = {
        u.username: u
        for u in User.objects.filter(username__in=["clerk", "reviewer", "approver", "citizen", "enterprise"])
    }
    if len(users) < 5:
        return 0
    today = clock.today()
    created = 0
    for key, code, login, steps, ago in CASES:
        applicant_user = users[login]
        if Application.objects.filter(submitted_by=applicant_user, idempotency_key=key).exists():
            continue
        item = ServiceItem.objects.filter(district=district, code=f"{district.code}-{code}").first()
        applicant = Applicant.objects.filter(district=district, user=applicant_user).first()
        if item is None or applicant is None:
            continue
        received = _working_days_ago(today, ago)
        # Each act a few working days after the one before, at an office hour; the
        # acceptance on the day of receipt (the demo's lights count from it).
        days = step_days(received, len(steps), today, key)
        if steps and steps[0] == "accept":
            days[1] = received
        with transaction.atomic():
            _one_case(key, item, applicant, applicant_user, users, steps, received, days)
        created += 1
    # What the job runner does within seconds of a submission (免提交).
    for _pass in range(50):
        if not fetch_shared_materials(clock.now()):
            break
    return created


def _one_case(
    key: str,
    item: ServiceItem,
    applicant: Applicant,
    applicant_user: User,
    users: dict[str, User],
    steps: list[str],
    received: dt.date,
    days: list[dt.date],
) -> None:
    """Submit one demo case and take it through ``steps``, each at its own moment."""
    with clock.at(office_moment(received, key)):
        application, _new = actions.do_submit(
            item=item,
            applicant=applicant,
            by=applicant_user,
            channel=Channel.ONLINE,
            idempotency_key=key,
            today=received,
        )
    for order, (step, day) in enumerate(zip(steps, days[1:], strict=True), start=1):
        with clock.at(office_moment(day, key, order)):
            if step == "supplement":
                material = application.item_version.materials.first()
                actions.do_request_supplement(
                    application, by=users["clerk"], problems=[(material, "申请书未签字，请签字后重新上传")]
                )
            elif step == "refuse":
                actions.do_refuse(
                    application, by=users["clerk"], reasons="申请事项不属于本机关职权范围，请向市级主管部门申请。"
                )
            elif step == "supplied":
                material = application.item_version.materials.first()
                actions.do_supplement(application, by=applicant_user, documents=[(material, None)])
            elif step == "accept":
                actions.do_accept(application, by=users["clerk"], today=day)
            elif step == "review":
                actions.do_review(application, by=users["reviewer"], note="材料齐全，符合法定形式。")
            elif step == "approve":
                actions.do_decide(application, by=users["approver"], approve=True)
            elif step == "deny":
                actions.do_decide(
                    application,
                    by=users["approver"],
                    approve=False,
                    reasons="经营场所与住宅未有效隔离，不符合许可条件。",
                )
            elif step == "complete":
                actions.do_complete(application, by=users["clerk"])
            elif step == "stop":
                actions.do_stop_clock(
                    application,
                    by=users["approver"],
                    procedure="现场核查",
                    expected_days=5,
                    notice="需对经营场所进行现场核查，预计5个工作日，核查期间不计入办理时限。",
                )
