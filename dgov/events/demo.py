"""Demo of investment trips and events (idempotent): the article's leader-led trip to the
south (带队赴深圳 精准对接) with the enterprises met, a negotiation event, the target lists,
follow-ups due, and a concentrated start being prepared."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from dgov.accounts.models import District, User
from dgov.events import actions
from dgov.events.models import EventKind, InvestmentEvent, Target, TargetCategory

TARGETS = [
    (TargetCategory.CENTRAL_SOE, "中国第一汽车集团有限公司", "汽车制造", "长春"),
    (TargetCategory.CENTRAL_SOE, "中国中车股份有限公司", "轨道交通装备", "北京"),
    (TargetCategory.FORTUNE_500, "华为技术有限公司", "信息通信", "深圳"),
    (TargetCategory.FORTUNE_500, "比亚迪股份有限公司", "新能源汽车", "深圳"),
    (TargetCategory.FORTUNE_500, "京东集团股份有限公司", "电子商务与物流", "北京"),
    (TargetCategory.INDUSTRY_LEADER, "宁德时代新能源科技股份有限公司", "动力电池", "宁德"),
]


def load(district: District) -> None:
    people = {u.username: u for u in User.objects.filter(username__in=["leader", "investment", "secretary"])}
    if len(people) < 3 or InvestmentEvent.objects.filter(district=district).exists():
        return
    leader, officer, secretary = people["leader"], people["investment"], people["secretary"]
    today = timezone.localdate()
    with transaction.atomic():
        targets = {}
        for category, name, industry, hq in TARGETS:
            found = Target.objects.filter(district=district, name=name).first()
            targets[name] = found or actions.do_add_target(
                by=officer, category=category, name=name, industry=industry, headquarters=hq
            )
        start = today - dt.timedelta(days=24)
        trip = actions.do_record_event(
            by=officer,
            kind=EventKind.TRIP,
            title="区长带队赴深圳精准对接",
            leader=leader,
            participants=[officer, secretary],
            starts_on=start,
            ends_on=start + dt.timedelta(days=2),
            places="深圳",
            purpose="对接新一代信息技术与新能源汽车产业链龙头企业",
        )
        actions.do_add_meeting(
            trip,
            by=officer,
            enterprise="",
            target=targets["华为技术有限公司"],
            met_on=start,
            people="华为政企业务部 李总",
            outcome="探讨在宽城建设政务云与工业互联网创新中心",
            follow_up="提交合作方案并邀请来宽考察",
            follow_up_due=today + dt.timedelta(days=5),
        )
        actions.do_add_meeting(
            trip,
            by=officer,
            enterprise="",
            target=targets["比亚迪股份有限公司"],
            met_on=start + dt.timedelta(days=1),
            people="比亚迪战略投资部",
            outcome="有意布局新能源汽车零部件配套基地",
            new_lead=True,
            follow_up="寄送产业园区地块资料",
            follow_up_due=today - dt.timedelta(days=3),
        )
        fair = today - dt.timedelta(days=10)
        event = actions.do_record_event(
            by=officer,
            kind=EventKind.NEGOTIATION,
            title="宽城区重点产业招商洽谈会",
            leader=leader,
            participants=[officer],
            starts_on=fair,
            ends_on=fair,
            places="长春",
        )
        actions.do_add_meeting(
            event,
            by=officer,
            enterprise="",
            target=targets["宁德时代新能源科技股份有限公司"],
            met_on=fair,
            outcome="储能电池项目初步意向",
            follow_up="组织实地考察",
            follow_up_due=today + dt.timedelta(days=20),
        )
        actions.do_plan_start(
            by=officer, title="重点项目集中开工仪式", held_on=today + dt.timedelta(days=14), place="宽城经济开发区"
        )
