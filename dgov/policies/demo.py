"""Demo of preferential policies (idempotent).

The policies are of the kinds Changchun and Jilin publish — rewards for a first
high-tech-enterprise recognition, R&D subsidies for technology-based SMEs, rewards for
specialised and sophisticated SMEs and "little giants", job-stabilisation refunds,
rewards for an industrial enterprise first reaching the statistical threshold (首次升规),
rail-equipment chain support. We do not hold the published documents here, so every
entry is marked as an invented example (``is_example``) and carries no document number;
amounts and conditions are plausible, not quoted. The enterprises are invented too.

Also: the demo enterprise login (长春宽城味道餐饮有限公司) gets its facts, an enterprise
service officer (``eso``) who keeps the library and grants for 发改局, one expired policy,
a matching pass, and one confirmed list so the open-data page has grants.
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import Group

from dgov.accounts.demo import DEMO_PASSWORD, demo_credit_code
from dgov.accounts.models import Applicant, Department, District, User
from dgov.accounts.roles import Role
from dgov.lib import clock
from dgov.policies import actions, matching
from dgov.policies.facts import ENTERPRISE_FACTS, Source
from dgov.policies.models import EnterpriseProfile, Policy, PolicyStatus, certificate_text

ISSUER = "长春市宽城区人民政府（示例）"

# title, mode, conditions, benefit, period, budget, summary
POLICIES: list[dict[str, Any]] = [
    {
        "title": "高新技术企业首次认定奖励",
        "mode": "automatic",
        "conditions": "certificates has high_tech; region in 2201",
        "benefit_kind": "fixed",
        "benefit_amount": Decimal("10"),
        "period": "once",
        "budget": Decimal("200"),
        "summary": "首次通过高新技术企业认定的辖区企业，一次性奖励10万元，免申即享。",
    },
    {
        "title": "科技型中小企业研发费用补助",
        "mode": "one_click",
        "conditions": "certificates has tech_sme; rd_spend >= 50",
        "benefit_kind": "share",
        "benefit_rate": Decimal("10"),
        "benefit_fact": "rd_spend",
        "benefit_cap": Decimal("30"),
        "period": "year",
        "budget": Decimal("300"),
        "summary": "按上年度研发费用的10%给予补助，最高30万元，即申即享。",
    },
    {
        "title": "专精特新中小企业和“小巨人”企业奖励",
        "mode": "automatic",
        "conditions": "certificates has_any specialised, little_giant",
        "benefit_kind": "fixed",
        "benefit_amount": Decimal("20"),
        "period": "once",
        "budget": Decimal("300"),
        "summary": "获评省级专精特新中小企业或国家级专精特新“小巨人”企业的，一次性奖励。",
    },
    {
        "title": "中小微企业稳岗返还",
        "mode": "automatic",
        "conditions": "size in medium, small, micro; employees >= 1",
        "benefit_kind": "fixed",
        "benefit_amount": Decimal("1"),
        "period": "year",
        "budget": Decimal("100"),
        "summary": "不裁员或少裁员的中小微企业，返还部分失业保险费，免申即享。",
    },
    {
        "title": "规上工业企业首次升规奖励",
        "mode": "application",
        "conditions": "industry in C; revenue >= 2000",
        "benefit_kind": "fixed",
        "benefit_amount": Decimal("5"),
        "period": "once",
        "budget": Decimal("100"),
        "summary": "首次纳入规模以上工业企业统计的，经申请审核后奖励5万元。",
    },
    {
        "title": "轨道交通装备产业链配套企业扶持",
        "mode": "one_click",
        "conditions": "industry in C37, C38; employees >= 20; revenue >= 1000",
        "benefit_kind": "share",
        "benefit_rate": Decimal("1"),
        "benefit_fact": "revenue",
        "benefit_cap": Decimal("50"),
        "period": "year",
        "budget": Decimal("500"),
        "summary": "为长客股份、长客装备配套的辖区企业，按营业收入的1%给予扶持，最高50万元。",
    },
]

EXPIRED: dict[str, Any] = {
    "title": "2025年度小微企业房租补贴（已到期）",
    "mode": "automatic",
    "conditions": "size in small, micro",
    "benefit_kind": "fixed",
    "benefit_amount": Decimal("2"),
    "period": "once",
    "summary": "有效期已过：不再匹配任何企业。",
}

# name, body of the credit code (17 characters), facts
ENTERPRISES: list[tuple[str, str, dict[str, Any]]] = [
    (
        "长春宽城轨道客车配件有限公司",
        "91220103MA0YK01A1",
        {
            "industry_code": "C3720",
            "size_class": "medium",
            "employees": 260,
            "revenue": "38000",
            "rd_spend": "900",
            "tax_paid": "1200",
            "founded_on": "2009-04-01",
            "certificates": ["high_tech", "specialised"],
        },
    ),
    (
        "长春北星轨道装备有限公司",
        "91220103MA0YK02B2",
        {
            "industry_code": "C3714",
            "size_class": "small",
            "employees": 85,
            "revenue": "9000",
            "rd_spend": "420",
            "tax_paid": "300",
            "founded_on": "2016-08-15",
            "certificates": ["high_tech", "tech_sme"],
        },
    ),
    (
        "长春世久电气有限公司",
        "91220103MA0YK03C3",
        {
            "industry_code": "C3824",
            "size_class": "medium",
            "employees": 310,
            "revenue": "52000",
            "rd_spend": "1500",
            "tax_paid": "2100",
            "founded_on": "2012-03-20",
            "certificates": ["high_tech", "little_giant"],
        },
    ),
    (
        "长春泉兴科技有限公司",
        "91220103MA0YK04D4",
        {
            "industry_code": "C3990",
            "size_class": "small",
            "employees": 60,
            "revenue": "4200",
            "rd_spend": "260",
            "tax_paid": "150",
            "founded_on": "2018-05-10",
            "certificates": ["tech_sme"],
        },
    ),
    (
        "长春万润光电科技有限公司",
        "91220103MA0YK05E5",
        {
            "industry_code": "C3976",
            "size_class": "medium",
            "employees": 180,
            "revenue": "21000",
            "rd_spend": "800",
            "tax_paid": "1000",
            "founded_on": "2011-11-01",
            "certificates": ["high_tech"],
        },
    ),
    (
        "长春宽城精密机械加工厂",
        "91220103MA0YK06F6",
        {
            "industry_code": "C3484",
            "size_class": "small",
            "employees": 40,
            "revenue": "2600",
            "rd_spend": "30",
            "tax_paid": "80",
            "founded_on": "2014-02-01",
            "certificates": [],
        },
    ),
    (
        "长春新发食品有限公司",
        "91220103MA0YK07G7",
        {
            "industry_code": "C1431",
            "size_class": "small",
            "employees": 55,
            "revenue": "3100",
            "tax_paid": "90",
            "founded_on": "2010-07-07",
            "certificates": [],
        },
    ),
    (
        "长春团山物流有限公司",
        "91220103MA0YK08H8",
        {
            "industry_code": "G5920",
            "size_class": "small",
            "employees": 30,
            "revenue": "1500",
            "tax_paid": "40",
            "founded_on": "2019-09-01",
            "certificates": [],
        },
    ),
    (
        "长春宽城医药科技有限公司",
        "91220103MA0YK09J9",
        {
            "industry_code": "C2720",
            "size_class": "micro",
            "employees": 18,
            "revenue": "600",
            "rd_spend": "120",
            "tax_paid": "10",
            "founded_on": "2021-03-01",
            "certificates": ["tech_sme"],
        },
    ),
    (
        "长春兴业新材料有限公司",
        "91220103MA0YK10K0",
        {
            "industry_code": "C3091",
            "size_class": "small",
            "employees": 70,
            "revenue": "2300",
            "rd_spend": "95",
            "tax_paid": "60",
            "founded_on": "2017-06-18",
            "certificates": ["tech_sme", "specialised"],
        },
    ),
    (
        "长春凯旋汽车零部件有限公司",
        "91220103MA0YK11L1",
        {
            "industry_code": "C3670",
            "size_class": "medium",
            "employees": 420,
            "revenue": "61000",
            "rd_spend": "1200",
            "tax_paid": "2600",
            "founded_on": "2008-01-15",
            "certificates": ["high_tech"],
        },
    ),
    (
        "长春站前商贸有限公司",
        "91220103MA0YK12M2",
        {
            "industry_code": "F5212",
            "size_class": "micro",
            "employees": 8,
            "revenue": "300",
            "tax_paid": "5",
            "founded_on": "2022-10-01",
            "certificates": [],
        },
    ),
]

SERVICE_ITEM = {
    "code": "HQ-001",
    "name": "惠企政策兑现申请（规上工业企业首次升规奖励）",
    "kind": "enterprise",
    "legal_basis": "宽城区惠企政策（示例）",
    "conditions": "首次纳入规模以上工业企业统计。",
    "legal_limit_days": 20,
    "promised_limit_days": 10,
    "max_trips": 0,
    "online_level": "full",
    "fees": "",
    "fee_basis": "",
    "keywords": "惠企 奖励 升规",
}


def _user(username: str, full_name: str, role: Role, department: Department | None, district: District) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(
            username=username, full_name=full_name, kind=User.Kind.STAFF, district=district, department=department
        )
        user.set_password(DEMO_PASSWORD)
        user.save()
        user.groups.add(Group.objects.get(name=role.value))
    return user


def service_item(district: District, entry: dict[str, Any], department: Department, by: User) -> Any:
    from dgov.services.actions import do_publish_version
    from dgov.services.models import ServiceItem

    code = f"{district.code}-{entry['code']}"
    found = ServiceItem.objects.filter(district=district, code=code).first()
    if found is not None:
        return found
    data = {**entry, "code": code, "district": district, "department": department}
    return do_publish_version(None, data, [], [], by=by)


def _profile(district: District, name: str, body: str, facts: dict[str, Any]) -> EnterpriseProfile:
    code = demo_credit_code(body)
    applicant = Applicant.objects.filter(district=district, credit_code=code).first()
    if applicant is None:
        applicant = Applicant.objects.create(
            district=district, kind=Applicant.Kind.ENTERPRISE, name=name, credit_code=code
        )
    profile = actions.profile_for(applicant)
    sources = dict(profile.sources)
    for key, value in facts.items():
        if key == "certificates":
            value = certificate_text(value)
        elif key == "founded_on":
            value = dt.date.fromisoformat(value)
        elif key in ("revenue", "rd_spend", "tax_paid", "paid_in_capital"):
            value = Decimal(value)
        setattr(profile, key, value)
        fact = next(f for f in ENTERPRISE_FACTS.facts if f.column == key)
        sources[fact.name] = Source.TAX if key in ("revenue", "tax_paid", "rd_spend") else Source.REGISTRATION
    profile.sources = sources
    profile.save()
    return profile


def load(district: District) -> None:
    if Policy.objects.filter(district=district, title=POLICIES[0]["title"]).exists():
        return
    admin = User.objects.filter(username="admin").first()
    if admin is None:
        return
    fgj = Department.objects.get(district=district, code="FGJ")
    eso = _user("eso", "钱悦（企业服务专员）", Role.ENTERPRISE_SERVICE, fgj, district)
    item = service_item(district, SERVICE_ITEM, fgj, admin)
    today = clock.today()
    year_start, year_end = dt.date(today.year, 1, 1), dt.date(today.year, 12, 31)
    for entry in POLICIES:
        data = {k: v for k, v in entry.items() if k != "conditions"}
        data |= {
            "issuer": ISSUER,
            "is_example": True,
            "department": fgj,
            "valid_from": year_start,
            "valid_to": year_end,
            "service_item": item if entry["mode"] == "application" else None,
            "full_text": entry["summary"] + "\n\n（示例政策：条件与金额为演示而拟，并非已发布文件的原文。）",
        }
        policy = actions.do_save_policy(district, data, ENTERPRISE_FACTS.parse_text(entry["conditions"]), by=eso)
        actions.do_publish(policy, by=eso)
    expired = actions.do_save_policy(
        district,
        {
            **{k: v for k, v in EXPIRED.items() if k != "conditions"},
            "issuer": ISSUER,
            "is_example": True,
            "department": fgj,
            "valid_from": dt.date(today.year - 1, 1, 1),
            "valid_to": dt.date(today.year - 1, 12, 31),
        },
        ENTERPRISE_FACTS.parse_text(EXPIRED["conditions"]),
        by=eso,
    )
    Policy.objects.filter(pk=expired.pk).update(status=PolicyStatus.PUBLISHED)
    for name, body, facts in ENTERPRISES:
        _profile(district, name, body, facts)
    own = Applicant.objects.filter(district=district, user__username="enterprise").first()
    if own is not None:
        _profile(
            district,
            own.name,
            own.credit_code[:17],
            {
                "industry_code": "H6210",
                "size_class": "small",
                "employees": 35,
                "revenue": "800",
                "tax_paid": "25",
                "founded_on": "2015-05-01",
                "certificates": [],
            },
        )
    matching.run(full=True)
    first = Policy.objects.get(district=district, title=POLICIES[0]["title"])
    actions.do_confirm_list(first, by=eso)
