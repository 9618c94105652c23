"""Demo ratings on the demo cases (idempotent): a satisfied completed case, a visit rated
at the window, and one bad rating whose rectification is open and called back."""

from django.db import transaction

from dgov.accounts.models import District, User
from dgov.applications import actions as application_actions
from dgov.applications.models import Application, Visit
from dgov.ratings import actions
from dgov.ratings.models import Level, Rating, Rectification, Source
from dgov.ratings.rules import may_rate

# demo case key, applicant login, level, comment
CASE_RATINGS = [
    ("demo-10", "citizen", Level.SATISFIED, "网上申请很方便，一次都没跑。"),
    ("demo-03", "enterprise", Level.BASICALLY_SATISFIED, "不予受理的理由讲得清楚，但希望窗口能提前告知办理层级。"),
    ("demo-09", "citizen", Level.DISSATISFIED, "审批时间长，电话咨询时答复不一致。"),
]
VISIT_RATING = ("demo-07", "citizen", Level.VERY_SATISFIED, "窗口人员耐心细致。")


def _case(key: str, login: str) -> Application | None:
    return (
        Application.objects.filter(submitted_by__username=login, idempotency_key=key)
        .select_related("applicant__user", "district")
        .first()
    )


def load(district: District) -> None:
    users = {u.username: u for u in User.objects.filter(username__in=["clerk", "supervisor", "citizen", "enterprise"])}
    if len(users) < 4:
        return
    with transaction.atomic():
        for key, login, level, comment in CASE_RATINGS:
            application = _case(key, login)
            if application is None or application.district_id != district.pk:
                continue
            if not may_rate(users[login], application):
                continue
            rating = actions.do_rate(application, level=level, comment=comment, source=Source.PAGE, by=users[login])
            if rating.is_bad:
                actions.do_record_callback(
                    Rectification.objects.get(rating=rating),
                    by=users["supervisor"],
                    note="已电话回访申请人，申请人反映电话咨询答复口径不一，已致歉并说明审批依据。",
                )
        key, login, level, comment = VISIT_RATING
        application = _case(key, login)
        if application is None or application.district_id != district.pk:
            return
        visit = Visit.objects.filter(application=application).order_by("pk").first()
        if visit is None:
            visit = application_actions.do_check_in(application, by=users["clerk"], window=users["clerk"].window)
        if not Rating.objects.filter(visit=visit).exists():
            actions.do_rate(application, level=level, comment=comment, source=Source.WINDOW, visit=visit)
