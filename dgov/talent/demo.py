"""Demo of talent (idempotent).

Changchun sorts talent into classes A–E in its talent catalogue and offers housing,
living subsidies and school places; Jilin has its own talent policy. We do not hold those
documents here, so the programmes below are invented examples of those kinds, without
document numbers, and the amounts are not quoted. The talents are invented people with
valid-looking ID numbers, employed by the demo enterprises and projects.
"""

import datetime as dt
from decimal import Decimal

from dgov.accounts.demo import demo_id_number
from dgov.accounts.models import Department, District, User
from dgov.investment.models import Project
from dgov.lib import clock
from dgov.policies.demo import service_item
from dgov.policies.models import EnterpriseProfile
from dgov.talent import actions
from dgov.talent.models import TALENT_FACTS, Programme

ITEM = {
    "code": "RC-001",
    "name": "人才安居补贴申请（示例）",
    "kind": "citizen",
    "legal_basis": "宽城区人才政策（示例）",
    "conditions": "在辖区企业全职工作的高层次人才。",
    "legal_limit_days": 20,
    "promised_limit_days": 10,
    "max_trips": 0,
    "online_level": "full",
    "fees": "",
    "fee_basis": "",
    "keywords": "人才 住房 补贴",
}

PROGRAMMES = [
    ("高层次人才安居补贴", "housing", "tier in A, B, C, D, E", "每月发放住房补贴2000元，连续3年（示例）", "7.2", 50),
    (
        "青年人才生活补贴",
        "subsidy",
        "education in doctorate, master; age <= 35",
        "博士每月2000元、硕士每月1000元，连续2年（示例）",
        "2.4",
        200,
    ),
    ("人才子女入学服务", "school", "tier in A, B, C", "子女在辖区就读义务教育学校，按意愿统筹安排（示例）", "0", None),
]

# name, region, born, sequence, education, title, tier, field, employer, project
TALENTS = [
    (
        "赵博文",
        "220102",
        "19860412",
        "031",
        "doctorate",
        "deputy_senior",
        "C",
        "C37",
        "长春宽城轨道客车配件有限公司",
        None,
    ),
    ("钱雨桐", "320106", "19930905", "042", "master", "intermediate", "E", "C38", "长春世久电气有限公司", None),
    (
        "孙立航",
        "440305",
        "19890117",
        "053",
        "master",
        "senior_technician",
        "D",
        "C37",
        "长春北星轨道装备有限公司",
        None,
    ),
    ("李思源", "310115", "19950228", "064", "doctorate", "none", "D", "C39", None, "上海广奕芯片"),
    ("周晓晨", "220103", "19970710", "075", "bachelor", "none", "", "C36", "长春凯旋汽车零部件有限公司", None),
]


def load(district: District) -> None:
    if Programme.objects.filter(district=district).exists():
        return
    eso = User.objects.filter(username="eso").first()
    admin = User.objects.filter(username="admin").first()
    if eso is None or admin is None:
        return
    rsj = Department.objects.get(district=district, code="RSJ")
    item = service_item(district, ITEM, rsj, admin)
    year = clock.today().year
    for name, kind, conditions, benefit, amount, quota in PROGRAMMES:
        actions.do_save_programme(
            district,
            {
                "name": name,
                "kind": kind,
                "issuer": "宽城区人才工作领导小组（示例）",
                "is_example": True,
                "department": rsj,
                "service_item": item,
                "valid_from": dt.date(year, 1, 1),
                "valid_to": dt.date(year + 2, 12, 31),
                "benefit": benefit,
                "amount": Decimal(amount),
                "quota": quota,
            },
            TALENT_FACTS.parse_text(conditions),
            by=eso,
        )
    for n, (name, region, born, seq, education, title, tier, field, employer, project) in enumerate(TALENTS):
        actions.do_register_talent(
            district,
            {
                "name": name,
                "id_number": demo_id_number(region, born, seq),
                "education": education,
                "title": title,
                "tier": tier,
                "field_code": field,
                "employer": EnterpriseProfile.objects.filter(district=district, name=employer).first()
                if employer
                else None,
                "project": Project.objects.filter(district=district, name=project).first() if project else None,
                "landed_on": dt.date(year - 1, 3 + n, 1),
                "brought_in": region != "220103",
            },
            by=eso,
        )
