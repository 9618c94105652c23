"""Kuancheng District's organisation and one demo account per role (idempotent)."""

from django.contrib.auth.models import Group

from dgov.accounts.models import Agent, Applicant, City, Department, District, ServiceWindow, User
from dgov.accounts.roles import Role
from dgov.lib import clock
from dgov.lib.idnumbers import id_check_character, uscc_check_character

DEMO_PASSWORD = "Kuancheng-2018"  # noqa: S105 — demo data only; load_demo refuses in production

DEPARTMENTS = [
    # code, name, kind
    ("ZWFW", "宽城区政务服务中心", Department.Kind.SERVICE_CENTRE),
    ("FGJ", "宽城区发展和改革局", Department.Kind.DEPARTMENT),
    ("SCJG", "宽城区市场监督管理局", Department.Kind.DEPARTMENT),
    ("WJJ", "宽城区卫生健康局", Department.Kind.DEPARTMENT),
    ("ZJJ", "宽城区住房和城乡建设局", Department.Kind.DEPARTMENT),
    ("ZRZY", "长春市自然资源局宽城分局", Department.Kind.DEPARTMENT),
    ("MZJ", "宽城区民政局", Department.Kind.DEPARTMENT),
    ("RSJ", "宽城区人力资源和社会保障局", Department.Kind.DEPARTMENT),
    ("SWJ", "宽城区商务局", Department.Kind.DEPARTMENT),
    ("TCJ", "宽城区投资促进局", Department.Kind.DEPARTMENT),
    ("JYJ", "宽城区教育局", Department.Kind.DEPARTMENT),
    ("WLJ", "宽城区文化广播电视和旅游局", Department.Kind.DEPARTMENT),
    ("CGJ", "宽城区城市管理局", Department.Kind.DEPARTMENT),
    ("STHJ", "长春市生态环境局宽城分局", Department.Kind.DEPARTMENT),
    ("YJJ", "宽城区应急管理局", Department.Kind.DEPARTMENT),
    ("CZJ", "宽城区财政局", Department.Kind.DEPARTMENT),
    ("DCS", "宽城区委区政府督查室", Department.Kind.UNIT),
    ("JJKFQ", "宽城经济开发区管委会", Department.Kind.UNIT),
    ("ZBKFQ", "长春装备制造产业开发区管委会", Department.Kind.UNIT),
    ("XFJD", "新发街道办事处", Department.Kind.STREET),
    ("ZQJD", "站前街道办事处", Department.Kind.STREET),
    ("NGCJD", "南广场街道办事处", Department.Kind.STREET),
    ("DGCJD", "东广场街道办事处", Department.Kind.STREET),
    ("QYJD", "群英街道办事处", Department.Kind.STREET),
    ("XYJD", "兴业街道办事处", Department.Kind.STREET),
    ("KXJD", "凯旋街道办事处", Department.Kind.STREET),
    ("TSJD", "团山街道办事处", Department.Kind.STREET),
    ("LYJD", "柳影街道办事处", Department.Kind.STREET),
]

WINDOWS = [(f"{n:02d}", "综合受理窗口", ServiceWindow.Kind.GENERAL) for n in range(1, 9)] + [
    ("09", "企业开办专窗", ServiceWindow.Kind.ENTERPRISE),
    ("10", "重大项目绿色通道窗口", ServiceWindow.Kind.GREEN),
    ("11", "统一出证窗口", ServiceWindow.Kind.ISSUE),
    ("12", "统一出证窗口", ServiceWindow.Kind.ISSUE),
]

# username, full name, role, department code, window number
STAFF = [
    ("clerk", "王丽（综合窗口）", Role.WINDOW_CLERK, "ZWFW", "01"),
    ("reviewer", "李明（市场监管局审查）", Role.REVIEWER, "SCJG", None),
    ("approver", "张伟（市场监管局审批）", Role.DEPARTMENT_APPROVER, "SCJG", None),
    ("seal", "刘洋（印章托管）", Role.SEAL_OFFICER, "ZWFW", "11"),
    ("supervisor", "陈静（政务服务中心）", Role.CENTRE_SUPERVISOR, "ZWFW", None),
    ("secretary", "赵磊（项目秘书）", Role.PROJECT_SECRETARY, "TCJ", None),
    ("investment", "孙强（投资促进局）", Role.INVESTMENT_OFFICER, "TCJ", None),
    ("agent", "周杰（深圳驻点代理）", Role.HIRED_AGENT, "TCJ", None),
    ("inspector", "吴敏（督查室）", Role.INSPECTOR, "DCS", None),
    ("unithead", "郑刚（卫生健康局局长）", Role.UNIT_HEAD, "WJJ", None),
    ("leader", "吴相道（区长）", Role.DISTRICT_LEADER, None, None),
    ("auditor", "冯雪（审计）", Role.AUDITOR, None, None),
    ("admin", "系统管理员", Role.ADMINISTRATOR, "ZWFW", None),
]


def demo_id_number(region: str, born: str, seq: str) -> str:
    first17 = region + born + seq
    return first17 + id_check_character(first17)


def demo_credit_code(body: str) -> str:
    return body + uscc_check_character(body)


APPLICANTS = [
    # kind, name, id number / credit code, phone, login
    (Applicant.Kind.CITIZEN, "李华", demo_id_number("220103", "19850314", "123"), "13844001234", "citizen"),
    (Applicant.Kind.CITIZEN, "王芳", demo_id_number("220102", "19920701", "246"), "13904315678", None),
    (
        Applicant.Kind.ENTERPRISE,
        "长春宽城味道餐饮有限公司",
        demo_credit_code("91220103MA0Y8K2Q1"),
        "13500431888",
        "enterprise",
    ),
]
# The enterprise's legal representative, and an employee who acts for it (经办人).
REPRESENTATIVE = ("赵建国", demo_id_number("220103", "19780506", "315"))
AGENT = ("孙丽（经办人）", "13604310077", "agent_sun")


def load() -> tuple[District, list[tuple[str, str]]]:
    """Create what is missing; return the district and (username, role label) per login."""
    city, _ = City.objects.get_or_create(code="220100", defaults={"name": "长春市"})
    district, _ = District.objects.get_or_create(code="220103", defaults={"city": city, "name": "宽城区"})
    departments = {}
    for code, name, dept_kind in DEPARTMENTS:
        departments[code], _ = Department.objects.get_or_create(
            district=district, code=code, defaults={"name": name, "kind": dept_kind}
        )
    centre = departments["ZWFW"]
    windows = {}
    for number, name, window_kind in WINDOWS:
        windows[number], _ = ServiceWindow.objects.get_or_create(
            district=district, number=number, defaults={"service_centre": centre, "name": name, "kind": window_kind}
        )
    logins = []
    for username, full_name, role, dept, window in STAFF:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(
                username=username,
                full_name=full_name,
                kind=User.Kind.STAFF,
                district=district,
                department=departments.get(dept or ""),
                window=windows.get(window or ""),
            )
            user.set_password(DEMO_PASSWORD)
            user.save()
            user.groups.add(Group.objects.get(name=role.value))
        logins.append((username, str(role.label)))
    for kind, name, code, phone, login in APPLICANTS:
        lookup = {"id_number": code} if kind == Applicant.Kind.CITIZEN else {"credit_code": code}
        if Applicant.objects.filter(district=district, **lookup).exists():
            continue
        user = None
        if login:
            user = User.objects.filter(username=login).first()
            if user is None:
                user = User(
                    username=login,
                    full_name=name,
                    kind=User.Kind.CITIZEN if kind == Applicant.Kind.CITIZEN else User.Kind.ENTERPRISE,
                    phone=phone,
                    phone_verified=bool(phone),
                )
                user.set_password(DEMO_PASSWORD)
                user.save()
        if kind == Applicant.Kind.ENTERPRISE:
            lookup |= {"representative": REPRESENTATIVE[0], "representative_id_number": REPRESENTATIVE[1]}
        Applicant.objects.create(district=district, user=user, kind=kind, name=name, phone=phone, **lookup)
    _agent(district)
    logins += [
        ("citizen", str(User.Kind.CITIZEN.label)),
        ("enterprise", str(User.Kind.ENTERPRISE.label)),
        (AGENT[2], str(Agent._meta.verbose_name)),
    ]
    return district, logins


def _agent(district: District) -> None:
    """The demo enterprise's agent: a citizen account allowed to apply and see every case."""
    name, phone, username = AGENT
    enterprise = Applicant.objects.filter(
        district=district, kind=Applicant.Kind.ENTERPRISE, user__username="enterprise"
    ).first()
    if enterprise is None or User.objects.filter(username=username).exists():
        return
    user = User(username=username, full_name=name, kind=User.Kind.CITIZEN, phone=phone, phone_verified=True)
    user.set_password(DEMO_PASSWORD)
    user.save()
    Agent.objects.create(
        enterprise=enterprise,
        user=user,
        name=name,
        phone=phone,
        may_apply=True,
        may_view_all=True,
        may_see_certificates=True,
        may_rate=True,
        added_by=enterprise.user,
        added_at=clock.now(),
    )
