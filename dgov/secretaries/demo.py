"""Demo of project service for the key projects the article names (idempotent).

泰盟智慧化工厂 (25亿), 上海广奕芯片 (7亿) and 南京康尼门系统 (1亿) get the demo secretary and
the district leader; 泰盟 is contacted this week, 上海广奕 is overdue, 南京康尼 waits for the
enterprise's confirmation; issues at several rungs of the ladder; one application in the
green channel.
"""

import datetime as dt

from django.db import transaction

from dgov.accounts.demo import demo_credit_code
from dgov.accounts.models import Applicant, Department, District, User
from dgov.investment.models import Project, Stage
from dgov.lib import clock
from dgov.secretaries import actions
from dgov.secretaries.models import (
    Contact,
    Engagement,
    EnterpriseIssue,
    GreenChannelCase,
    IssueKind,
    Method,
    Secretaryship,
)

# name, investor, stage
KEY_PROJECTS = [
    ("泰盟智慧化工厂", "泰盟（长春）智能科技有限公司", Stage.SIGNED),
    ("上海广奕芯片", "上海广奕电子科技有限公司", Stage.LAND),
    ("南京康尼门系统", "南京康尼机电股份有限公司", Stage.CONSTRUCTION),
]

# project, days ago, method, people, discussion, confirmed by
CONTACTS = [
    ("泰盟智慧化工厂", 2, Method.VISIT, "泰盟项目经理 刘总", "现场查看厂房基础施工进度，商定供电接入方案。", "刘总"),
    ("上海广奕芯片", 12, Method.PHONE, "广奕行政总监 陈女士", "询问环评批复进度与人员招聘计划。", "陈女士"),
    ("南京康尼门系统", 1, Method.MEETING, "康尼项目组", "协调厂区道路规划调整。", ""),
]

# project, kind, title, department code
ISSUES = [
    ("泰盟智慧化工厂", IssueKind.LAND, "二期用地征收补偿方案需尽快确定", "ZRZY"),
    ("上海广奕芯片", IssueKind.LABOUR, "洁净车间技术工人招聘困难", "RSJ"),
    ("南京康尼门系统", IssueKind.PLANNING, "厂区出入口与规划道路衔接", "ZJJ"),
]


def key_project(district: District, name: str, investor: str, stage: str) -> Project:
    """The key project by district and name (the investment demo makes the same ones)."""
    found = Project.objects.filter(district=district, name=name).order_by("pk").first()
    if found is None:
        found = Project.objects.create(district=district, name=name, investor=investor, stage=stage, is_key=True)
    elif not found.is_key:
        Project.objects.filter(pk=found.pk).update(is_key=True)
        found.is_key = True
    return found


def load(district: District) -> None:
    people = {u.username: u for u in User.objects.filter(username__in=["secretary", "leader", "investment"])}
    if len(people) < 3:
        return
    secretary, leader, officer = people["secretary"], people["leader"], people["investment"]
    today = clock.today()
    projects = {name: key_project(district, name, investor, stage) for name, investor, stage in KEY_PROJECTS}
    with transaction.atomic():
        for project in projects.values():
            if Secretaryship.of(project) is None:
                actions.do_assign(
                    project, secretary=secretary, leader=leader, by=officer, today=today - dt.timedelta(days=20)
                )
        for name, ago, method, who, discussion, confirmed_by in CONTACTS:
            project = projects[name]
            on = today - dt.timedelta(days=ago)
            if Contact.objects.filter(project=project, on=on, method=method).exists():
                continue
            contact = actions.do_log_contact(
                project, by=secretary, on=on, method=method, people=who, discussion=discussion, today=today
            )
            if confirmed_by:
                actions.do_confirm_contact(contact, name=confirmed_by)
        for project in projects.values():
            for kind, planned in (
                (Engagement.Kind.MONTHLY_VISIT, today.replace(day=min(today.day, 20))),
                (Engagement.Kind.QUARTERLY_MEETING, actions.period_start("meeting", today) + dt.timedelta(days=40)),
            ):
                start = actions.period_start(kind, planned)
                if not Engagement.objects.filter(project=project, kind=kind, period_start=start).exists():
                    actions.do_schedule(project, by=secretary, kind=kind, planned_on=planned)
        for name, issue_kind, title, code in ISSUES:
            project = projects[name]
            department = Department.objects.filter(district=district, code=code).first()
            if department is None or EnterpriseIssue.objects.filter(project=project, title=title).exists():
                continue
            actions.do_raise_issue(
                project,
                by=secretary,
                kind=issue_kind,
                title=title,
                department=department,
                today=today - dt.timedelta(days=3),
            )
        _green_channel(district, projects["泰盟智慧化工厂"], leader, officer)


# The investor of 泰盟智慧化工厂 as an applicant (a made-up code with a valid check character).
TAIMENG_CREDIT_CODE = demo_credit_code("91220103MA0YBT7W3")
GREEN_ITEM = "SCJG-002"


def _green_channel(district: District, project: Project, leader: User, officer: User) -> None:
    """One application of 泰盟's own investor (same credit code as the project) enters the
    green channel."""
    from dgov.applications import actions as application_actions
    from dgov.applications.models import OPEN_STATUSES, Application, Channel
    from dgov.services.models import ServiceItem

    if GreenChannelCase.objects.filter(project=project).exists():
        return
    clerk = User.objects.filter(username="clerk", district=district).first()
    item = ServiceItem.objects.filter(district=district, code=f"{district.code}-{GREEN_ITEM}").first()
    if clerk is None or item is None:
        return
    if not project.investor_credit_code:
        Project.objects.filter(pk=project.pk).update(investor_credit_code=TAIMENG_CREDIT_CODE)
        project.investor_credit_code = TAIMENG_CREDIT_CODE
    investor, _created = Applicant.objects.get_or_create(
        district=district,
        credit_code=project.investor_credit_code,
        defaults={"kind": Applicant.Kind.ENTERPRISE, "name": project.investor},
    )
    application = (
        Application.objects.filter(district=district, applicant=investor, status__in=OPEN_STATUSES)
        .order_by("pk")
        .first()
    )
    if application is None:
        application, _new = application_actions.do_submit(
            item=item, applicant=investor, by=clerk, channel=Channel.WINDOW, idempotency_key="demo-green-taimeng"
        )
        application_actions.do_accept(application, by=clerk)
        application.refresh_from_db()
    actions.do_enter_green_channel(
        application, project=project, lead_official=leader, reason="重大项目领办：泰盟智慧化工厂配套审批", by=officer
    )
