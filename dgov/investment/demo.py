"""Kuancheng's investment attraction as the 2018 article tells it (idempotent).

Named in the article: the resident offices in Beijing, Shanghai and Shenzhen; 泰盟智慧化工厂
(25亿), 上海广奕芯片 (7亿), 南京康尼门系统 (1亿), 深圳金鼎科技 (brought by the Shenzhen
office), 广东嘉士利; intent agreements with 青旅物流, 丰树物流, 中融国投; the parts park
(世久电气, 泉兴科技, 北星轨道, 万润光电; output 15亿, tax 1.2亿 a year); the smart industrial
park (30万㎡, phase one 8万㎡, 10+ firms waiting); 万星地产 and the 25万㎡ parcel. Figures the
article does not give (land, jobs, energy, the split of the park's output) are
illustrative and chosen to pass the district's admission thresholds.
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from dgov.accounts.models import District, User
from dgov.investment import actions
from dgov.investment.models import (
    PIPELINE,
    Agent,
    AgentClaim,
    Gate,
    IncentiveInstalment,
    IncentiveRule,
    IncentiveTier,
    Industry,
    InvestmentPolicy,
    OccupantReport,
    Orientation,
    Parcel,
    Park,
    Project,
    ResidentOffice,
    Source,
    Stage,
    StageChange,
    TargetCompany,
)
from dgov.lib import clock

INDUSTRIES = [
    # code, name, orientation, chain
    ("C37", "轨道交通装备制造", Orientation.ENCOURAGED, "轨道交通装备"),
    ("C36", "汽车零部件制造", Orientation.ENCOURAGED, "汽车零部件"),
    ("C39", "电子信息与芯片", Orientation.ENCOURAGED, ""),
    ("C38", "电气机械和器材制造", Orientation.ENCOURAGED, "轨道交通装备"),
    ("C34", "智能制造装备", Orientation.ENCOURAGED, ""),
    ("C27", "医药制造", Orientation.ENCOURAGED, ""),
    ("C14", "食品制造", Orientation.ENCOURAGED, ""),
    ("C30", "新材料", Orientation.ENCOURAGED, ""),
    ("G59", "高端物流", Orientation.ENCOURAGED, ""),
    ("J69", "金融投资服务", Orientation.ENCOURAGED, ""),
    ("K70", "房地产开发", Orientation.RESTRICTED, ""),
    ("C26X", "高耗能高排放化工（新建）", Orientation.BARRED, ""),
]

OFFICES = [
    ("北京驻点招商处", "北京", "京津冀"),
    ("上海驻点招商处", "上海", "长三角"),
    ("深圳驻点招商处", "深圳", "珠三角"),
]


class P:
    """A demo project: facts, the stage it has reached and how many days ago it started."""

    def __init__(self, name: str, investor: str, industry: str, stage: Stage, started: int, **facts: Any) -> None:
        self.name, self.investor, self.industry, self.stage, self.started = name, investor, industry, stage, started
        self.facts = facts


PROJECTS = [
    P(
        "泰盟智慧化工厂",
        "泰盟集团有限公司",
        "C34",
        Stage.LAND,
        300,
        is_key=True,
        source=Source.LEADER,
        agreed_amount=250000,
        fixed_asset_investment=200000,
        paid_in=30000,
        jobs=1200,
        expected_output=600000,
        expected_tax=9000,
        land_mu=450,
        floor_space=180000,
        energy_tce=4200,
        electricity_kwh=3000,
    ),
    P(
        "上海广奕芯片",
        "上海广奕电子科技有限公司",
        "C39",
        Stage.SIGNED,
        240,
        is_key=True,
        source=Source.OFFICE,
        office="上海驻点招商处",
        agreed_amount=70000,
        fixed_asset_investment=50000,
        paid_in=5000,
        jobs=600,
        expected_output=150000,
        expected_tax=3000,
        land_mu=150,
        floor_space=60000,
        energy_tce=900,
        electricity_kwh=450,
    ),
    P(
        "南京康尼门系统",
        "南京康尼机电股份有限公司",
        "C37",
        Stage.SIGNED,
        260,
        is_key=True,
        source=Source.LEADER,
        agreed_amount=10000,
        fixed_asset_investment=8000,
        paid_in=2000,
        jobs=300,
        expected_output=30000,
        expected_tax=800,
        land_mu=40,
        floor_space=20000,
        energy_tce=300,
        electricity_kwh=200,
    ),
    P(
        "深圳金鼎科技",
        "深圳金鼎科技有限公司",
        "C38",
        Stage.CONSTRUCTION,
        280,
        is_key=True,
        source=Source.AGENT,
        office="深圳驻点招商处",
        agreed_amount=30000,
        fixed_asset_investment=20000,
        paid_in=12000,
        jobs=400,
        expected_output=60000,
        expected_tax=1500,
        land_mu=80,
        floor_space=30000,
        energy_tce=600,
        electricity_kwh=400,
    ),
    P(
        "广东嘉士利食品",
        "嘉士利集团有限公司",
        "C14",
        Stage.SIGNED,
        200,
        is_key=True,
        source=Source.OFFICE,
        office="深圳驻点招商处",
        agreed_amount=50000,
        fixed_asset_investment=35000,
        paid_in=3000,
        jobs=500,
        expected_output=80000,
        expected_tax=2000,
        land_mu=120,
        floor_space=50000,
        energy_tce=800,
        electricity_kwh=300,
    ),
    P(
        "世久电气",
        "世久电气有限公司",
        "C38",
        Stage.OPERATION,
        700,
        agreed_amount=15000,
        fixed_asset_investment=9000,
        paid_in=9000,
        jobs=350,
        expected_output=40000,
        expected_tax=2640,
        land_mu=50,
        floor_space=25000,
        energy_tce=500,
        electricity_kwh=300,
        source=Source.PARK,
    ),
    P(
        "泉兴科技",
        "泉兴科技有限公司",
        "C36",
        Stage.OPERATION,
        650,
        agreed_amount=12000,
        fixed_asset_investment=8000,
        paid_in=8000,
        jobs=260,
        expected_output=25000,
        expected_tax=2500,
        land_mu=45,
        floor_space=20000,
        energy_tce=400,
        electricity_kwh=250,
        source=Source.PARK,
    ),
    P(
        "北星轨道",
        "北星轨道交通设备有限公司",
        "C37",
        Stage.OPERATION,
        620,
        agreed_amount=18000,
        fixed_asset_investment=12000,
        paid_in=12000,
        jobs=300,
        expected_output=30000,
        expected_tax=3000,
        land_mu=60,
        floor_space=28000,
        energy_tce=700,
        electricity_kwh=420,
        source=Source.PARK,
    ),
    P(
        "万润光电",
        "万润光电科技有限公司",
        "C39",
        Stage.FULL_PRODUCTION,
        720,
        agreed_amount=16000,
        fixed_asset_investment=10000,
        paid_in=10000,
        jobs=280,
        expected_output=35000,
        expected_tax=1200,
        land_mu=40,
        floor_space=18000,
        energy_tce=350,
        electricity_kwh=260,
        source=Source.PARK,
    ),
    P(
        "中融国投产业基金",
        "中融国投控股有限公司",
        "J69",
        Stage.LETTER_OF_INTENT,
        150,
        source=Source.OFFICE,
        office="北京驻点招商处",
        agreed_amount=100000,
        fixed_asset_investment=0,
        land_mu=0,
    ),
    P(
        "青旅物流园",
        "青旅物流有限公司",
        "G59",
        Stage.LETTER_OF_INTENT,
        160,
        source=Source.OFFICE,
        office="上海驻点招商处",
        agreed_amount=20000,
        fixed_asset_investment=15000,
        expected_tax=600,
        land_mu=100,
    ),
    P(
        "丰树物流园",
        "丰树（中国）物流有限公司",
        "G59",
        Stage.LETTER_OF_INTENT,
        140,
        source=Source.OFFICE,
        office="上海驻点招商处",
        agreed_amount=30000,
        fixed_asset_investment=24000,
        expected_tax=1000,
        land_mu=150,
    ),
    P(
        "万星地产棚改地块开发",
        "万星地产有限公司",
        "K70",
        Stage.LETTER_OF_INTENT,
        120,
        is_key=True,
        source=Source.LEADER,
        agreed_amount=150000,
        fixed_asset_investment=150000,
        expected_tax=6000,
        land_mu=375,
        floor_space=250000,
    ),
]

# The smart industrial park's waiting firms (the article: "10余家企业准备进驻"); illustrative.
WAITING = [
    ("长春智能装备产业园入驻项目一", "C34", 12000, 900, 30, 8000),
    ("长春智能装备产业园入驻项目二", "C37", 8000, 700, 20, 6000),
    ("长春智能装备产业园入驻项目三", "C36", 6000, 400, 15, 5000),
    ("长春智能装备产业园入驻项目四", "C30", 5000, 300, 12, 4000),
    ("长春智能装备产业园入驻项目五", "C27", 15000, 1200, 40, 9000),
    ("长春智能装备产业园入驻项目六", "C39", 4000, 200, 10, 3000),
    ("长春智能装备产业园入驻项目七", "C14", 3000, 150, 10, 3000),
    ("长春智能装备产业园入驻项目八", "C38", 7000, 500, 18, 5000),
    ("长春智能装备产业园入驻项目九", "C36", 9000, 650, 25, 7000),
    ("长春智能装备产业园入驻项目十", "C37", 10000, 800, 28, 7500),
    ("长春智能装备产业园入驻项目十一", "G59", 2500, 100, 12, 4000),
]

PARTS_REPORTS = [  # enterprise, output, tax (万元, 2018): 15亿 and 1.2亿 in all
    ("世久电气", 40000, 2640),
    ("万润光电", 35000, 1200),
    ("北星轨道", 30000, 3000),
    ("泉兴科技", 25000, 2500),
    ("其他入驻企业", 20000, 2660),
]


def _backdate(project: Project, started_days_ago: int) -> None:
    """Spread the project's stage log from ``started_days_ago`` to a week ago, so stage
    ages and idle flags look like a real ledger (demo only)."""
    changes = list(project.stage_changes.order_by("at", "id"))
    now = clock.now()
    step = max(1, (started_days_ago - 7) // max(1, len(changes)))
    previous = None
    for n, change in enumerate(changes):
        change.at = now - dt.timedelta(days=started_days_ago - n * step)
        change.days_in_from = (change.at - previous).days if previous else None
        previous = change.at
    StageChange.objects.bulk_update(changes, ["at", "days_in_from"])
    signed = next((c.at for c in changes if c.to_stage == Stage.SIGNED), None)
    Project.objects.filter(pk=project.pk).update(
        stage_entered_at=previous,
        stage_entered_on=timezone.localdate(previous) if previous else None,
        last_activity_at=previous,
        signed_at=signed,
    )
    project.gate_reviews.update(at=signed - dt.timedelta(days=2) if signed else now)


RULE_NAME = "驻点招商奖励办法（2018）"


def _project(district: District, data: dict[str, Any], officer: User) -> Project:
    """The demo project, or the bare one another app's demo made first, filled in."""
    found = Project.objects.filter(district=district, name=data["name"]).first()
    if found is None:
        return actions.do_create_project(district, data, by=officer)
    return actions.do_update_project(found, data, by=officer)


def load(district: District) -> None:
    if IncentiveRule.objects.filter(district=district, name=RULE_NAME).exists():
        return
    officer = User.objects.filter(username="investment", district=district).first()
    leader = User.objects.filter(username="leader", district=district).first()
    if officer is None or leader is None:
        return
    with transaction.atomic():
        _load(district, officer, leader)


def _load(district: District, officer: User, leader: User) -> None:
    InvestmentPolicy.objects.get_or_create(district=district)
    industries = {
        code: Industry.objects.get_or_create(
            district=district, code=code, defaults={"name": name, "orientation": orientation, "chain": chain}
        )[0]
        for code, name, orientation, chain in INDUSTRIES
    }
    offices = {}
    for name, city, region in OFFICES:
        offices[name], _ = ResidentOffice.objects.get_or_create(
            district=district, name=name, defaults={"city": city, "region": region, "opened_on": dt.date(2018, 1, 15)}
        )
    offices["上海驻点招商处"].staff.add(officer)
    agent_user = User.objects.filter(username="agent", district=district).first()
    if agent_user is not None:
        offices["深圳驻点招商处"].staff.add(agent_user)

    rule = IncentiveRule.objects.create(district=district, name=RULE_NAME)
    IncentiveTier.objects.bulk_create(
        [
            IncentiveTier(rule=rule, up_to=Decimal(1000), rate_permille=Decimal(3)),
            IncentiveTier(rule=rule, up_to=Decimal(10000), rate_permille=Decimal(4)),
            IncentiveTier(rule=rule, up_to=None, rate_permille=Decimal(5)),
        ]
    )
    IncentiveInstalment.objects.bulk_create(
        [
            IncentiveInstalment(rule=rule, stage=Stage.CONSTRUCTION, percent=50),
            IncentiveInstalment(rule=rule, stage=Stage.OPERATION, percent=50),
        ]
    )
    early = clock.now() - dt.timedelta(days=400)
    zhou = actions.do_register_agent(
        district, name="周杰", phone="13800138000", office=offices["深圳驻点招商处"], user=agent_user, by=officer
    )
    li = actions.do_register_agent(
        district, name="李娜", phone="13900139000", office=offices["深圳驻点招商处"], by=officer
    )
    Agent.objects.filter(pk__in=[zhou.pk, li.pk]).update(registered_at=early)

    projects: dict[str, Project] = {}
    for entry in PROJECTS:
        facts = dict(entry.facts)
        office = offices.get(facts.pop("office", ""))
        data = {k: Decimal(v) if isinstance(v, int) and k != "jobs" else v for k, v in facts.items()}
        data |= {"name": entry.name, "investor": entry.investor, "industry": industries[entry.industry]}
        data["office"] = office
        project = _project(district, data, officer)
        projects[entry.name] = project
        if entry.name == "深圳金鼎科技":
            actions.do_claim(zhou, project, by=officer)
        target = PIPELINE.index(entry.stage)
        while PIPELINE.index(Stage(project.stage)) < target:
            if project.next_stage == Stage.SIGNED:
                for gate in Gate:
                    actions.do_review_gate(
                        project, gate, passed=True, by=leader, reference=f"宽发改审〔2018〕{project.pk:03d}号"
                    )
            actions.do_advance(project, by=officer)
        _backdate(project, entry.started)
        if entry.name == "深圳金鼎科技":
            project.refresh_from_db()
            AgentClaim.objects.filter(project=project).update(claimed_at=project.created_at - dt.timedelta(days=290))
            actions.do_verify_paid_in(project, amount=Decimal(12000), by=leader)
        if entry.name == "广东嘉士利食品":
            actions.do_claim(li, project, by=officer)  # after signing: recorded, earns nothing
        if office is not None:
            TargetCompany.objects.get_or_create(
                office=office,
                name=entry.investor,
                defaults={"status": TargetCompany.Status.LANDED, "project": project, "industry": entry.industry},
            )
    for name, text in [
        ("泰盟智慧化工厂", "区长带队赴泰盟集团对接二期用地方案"),
        ("上海广奕芯片", "与广奕电子确认洁净厂房设计参数"),
        ("南京康尼门系统", "康尼项目组来宽城对接厂区规划"),
        ("深圳金鼎科技", "金鼎科技主体厂房封顶"),
    ]:
        actions.do_note_activity(projects[name], text=text, by=officer)
    actions.do_set_probability(projects["中融国投产业基金"], 60, by=officer)
    actions.do_pause(
        projects["青旅物流园"],
        until=clock.today() + dt.timedelta(days=30),
        reason="企业内部重组，待董事会决议",
        by=officer,
    )
    for office_name, company, industry in [
        ("北京驻点招商处", "中国中车集团有限公司", "轨道交通装备"),
        ("北京驻点招商处", "京东物流集团", "高端物流"),
        ("上海驻点招商处", "上汽集团零部件公司", "汽车零部件"),
        ("上海驻点招商处", "中芯国际（意向）", "芯片"),
        ("深圳驻点招商处", "比亚迪股份有限公司", "新能源汽车零部件"),
        ("深圳驻点招商处", "华为数字能源", "电子信息"),
    ]:
        TargetCompany.objects.get_or_create(office=offices[office_name], name=company, defaults={"industry": industry})

    parts = Park.objects.create(district=district, name="零配件产业园", description="闲置多年后两年内满园")
    parts_parcel = Parcel.objects.create(
        district=district, park=parts, phase="一期", code="LPJ-01", use="工业", area=Decimal(120000)
    )
    for name, area in [("世久电气", 30000), ("泉兴科技", 25000), ("北星轨道", 30000), ("万润光电", 25000)]:
        actions.do_allocate(parts_parcel, projects[name], area=Decimal(area), by=officer)
    for enterprise, output, tax in PARTS_REPORTS:
        OccupantReport.objects.create(
            park=parts,
            enterprise=enterprise,
            project=projects.get(enterprise),
            year=2018,
            output=Decimal(output),
            tax=Decimal(tax),
        )
    smart = Park.objects.create(
        district=district, name="智慧产业园", description="占地30万平方米，总投资15亿元；一期8万平方米计划9月开工"
    )
    Parcel.objects.create(district=district, park=smart, phase="一期", code="ZH-1", use="工业", area=Decimal(80000))
    Parcel.objects.create(district=district, park=smart, phase="二期", code="ZH-2", use="工业", area=Decimal(220000))
    for name, industry, assets, tax, mu, area in WAITING:
        project = actions.do_create_project(
            district,
            {
                "name": name,
                "investor": name.replace("入驻项目", "意向企业"),
                "industry": industries[industry],
                "source": Source.PARK,
                "agreed_amount": Decimal(assets),
                "fixed_asset_investment": Decimal(assets),
                "expected_tax": Decimal(tax),
                "land_mu": Decimal(mu),
                "floor_space": Decimal(area),
            },
            by=officer,
            stage=Stage.TALKS,
        )
        actions.do_add_waiting(smart, project, area=Decimal(area), by=officer)
    Parcel.objects.create(district=district, code="PG-25", use="商住（棚改）", area=Decimal(250000))
