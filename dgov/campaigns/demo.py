"""The 2018 campaign as the Jilin Daily describes it (idempotent).

Kuancheng "制定了解放思想推动宽城高质量发展大讨论活动任务分解表，进一步明确了活动形式、
活动内容、推进措施和完成时限" and required "在11月15日前，各单位、各部门向社会公开问题整改
措施". The six areas of the task table, the problems the article names (招商引资等靠要、
营商环境痛点堵点、融资难融资贵、人才、黑臭水体 …) and their measures come from the article;
the dates inside 2018 are illustrative. One unit (人社局) has not published its list, so
the board shows the flag.
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from dgov.accounts.demo import DEPARTMENTS
from dgov.accounts.models import Department, District, User
from dgov.campaigns.models import Campaign, Event, Evidence, Extension, Period, Problem, Publication, Status, Task

THEME = "解放思想推动宽城高质量发展大讨论"
# The article is in traditional characters (高品質 for 高质量); a campaign under any of these is this one.
THEME_SPELLINGS = [THEME, "解放思想推動寬城高品質發展大討論", "解放思想推动宽城高品质发展大讨论", f"{THEME}活动"]
D = dt.date

# number, parent, form, content, measures, deadline, lead, co-units, weight, progress, closed on
TASKS = [
    (
        "1",
        "",
        "部署动员",
        "全面深化改革，优化经济发展“新环境”",
        "召开常委扩大会安排部署；启动政务服务综合改革“2.0升级版”",
        D(2018, 12, 28),
        "FGJ",
        ["ZWFW", "TCJ"],
        None,
        0,
        None,
    ),
    (
        "1.1",
        "1",
        "改革攻坚",
        "加速推进政务服务“一网、一门、一次”改革",
        "一窗受理、一网通办、一口出证；只跑一次事项达到518项",
        D(2018, 9, 28),
        "ZWFW",
        [],
        Decimal(50),
        100,
        D(2018, 9, 26),
    ),
    (
        "1.2",
        "1",
        "改革攻坚",
        "全面实行行政审批专用章集中托管和“N证联办”",
        "审批专用章集中托管，N证联办事项清单公布",
        D(2018, 10, 31),
        "ZWFW",
        ["SCJG"],
        Decimal(30),
        100,
        D(2018, 11, 6),
    ),
    (
        "1.3",
        "1",
        "服务企业",
        "全面落实项目秘书制，“一对一”包保服务",
        "重点项目每周至少对接一次，履职尽责全程留痕",
        D(2018, 12, 28),
        "TCJ",
        [],
        Decimal(20),
        70,
        None,
    ),
    (
        "2",
        "",
        "对标先进",
        "实施创新驱动，培育壮大发展“新动能”",
        "加快发展“双创”经济；两个开发区率先解放思想",
        D(2018, 12, 14),
        "JJKFQ",
        ["ZBKFQ", "FGJ"],
        None,
        100,
        D(2018, 12, 10),
    ),
    (
        "3",
        "",
        "专题调研",
        "坚持统筹兼顾，构建协调发展“新格局”",
        "“一区四园”产业格局；长农公路两侧环境整治",
        D(2018, 12, 21),
        "ZJJ",
        ["CGJ"],
        None,
        100,
        D(2018, 12, 20),
    ),
    (
        "4",
        "",
        "专题调研",
        "突出生态建设，巩固提升绿色发展“新优势”",
        "兰家污水处理厂一期投入运营，消除区域内黑臭水体",
        D(2018, 12, 28),
        "STHJ",
        ["ZJJ"],
        None,
        85,
        None,
    ),
    (
        "5",
        "",
        "走出去招商",
        "强化开放意识，打造开放合作“新高地”",
        "在北京、上海、深圳设立常驻招商点，聘请当地人员就地招商",
        D(2018, 11, 30),
        "TCJ",
        ["SWJ"],
        None,
        100,
        D(2018, 11, 28),
    ),
    (
        "6",
        "",
        "学习教育",
        "践行人本理念，营造共享发展“新氛围”",
        "补齐民生短板；引进医院、学校等公共服务设施",
        D(2018, 12, 28),
        "MZJ",
        ["WJJ", "JYJ"],
        None,
        100,
        D(2018, 12, 25),
    ),
    (
        "7",
        "",
        "专题培训",
        "把解放思想推动宽城高质量发展纳入教学培训计划",
        "面向党员干部专题培训和学习教育",
        D(2018, 10, 31),
        "WJJ",
        [],
        None,
        100,
        D(2018, 10, 30),
    ),
    (
        "8",
        "",
        "向社会公开",
        "各单位、各部门向社会公开问题整改措施",
        "11月15日前公开；社会评议、服务对象测评、群众满意度测评",
        D(2018, 11, 15),
        "DCS",
        [],
        None,
        100,
        D(2018, 11, 15),
    ),
]

# unit, problem, root cause, measures, deadline, person responsible, state, (new deadline)
PROBLEMS = [
    (
        "TCJ",
        "招商引资存在等靠要现象",
        "依赖叩门招商、以商招商和土地、税收优惠等传统方式，思想不够解放",
        "在北京、上海、深圳设立常驻招商点，聘请当地有资源、有经验的人员就地招商；成立政府产业引导基金",
        D(2018, 12, 31),
        "投资促进局局长",
        Problem.State.CLOSED,
        None,
    ),
    (
        "TCJ",
        "招商引资方法单一、死板",
        "招商方式固化，缺少中介招商和产业链招商",
        "延伸中介招商办法，围绕零配件产业园全员招商",
        D(2018, 12, 31),
        "投资促进局副局长",
        Problem.State.OPEN,
        D(2019, 3, 31),
    ),
    (
        "ZWFW",
        "营商环境存在痛点和堵点，审批环节多、群众跑腿多",
        "部门审批分散，数据不共享",
        "一窗受理、一网通办、一口出证，用数据“跑路”代替群众“跑腿”",
        D(2018, 11, 30),
        "政务服务中心主任",
        Problem.State.CLOSED,
        None,
    ),
    (
        "FGJ",
        "中小企业融资难、融资贵",
        "缺少政府增信和引导资金",
        "设立政府产业引导基金，搭建银企对接平台",
        D(2018, 12, 31),
        "发展和改革局局长",
        Problem.State.EVIDENCE,
        None,
    ),
    (
        "RSJ",
        "吸引、留住和用好人才的办法不多",
        "人才政策缺乏竞争力",
        "修订人才引进政策，建立人才服务专员制度",
        D(2018, 12, 31),
        "人力资源和社会保障局局长",
        Problem.State.OPEN,
        None,
    ),
    (
        "STHJ",
        "区域内存在黑臭水体",
        "污水处理能力不足",
        "兰家污水处理厂一期工程投入运营",
        D(2018, 12, 31),
        "生态环境分局局长",
        Problem.State.OPEN,
        None,
    ),
    (
        "SCJG",
        "“N证联办”部门之间衔接不畅",
        "审查标准不统一",
        "公布N证联办事项清单，统一审查标准",
        D(2018, 11, 30),
        "市场监督管理局局长",
        Problem.State.CLOSED,
        None,
    ),
    (
        "JJKFQ",
        "零配件产业园闲置多年",
        "招商思路单一",
        "领导带头、全员招商，引进企业落位",
        D(2018, 12, 31),
        "开发区管委会主任",
        Problem.State.OPEN,
        None,
    ),
    (
        "ZBKFQ",
        "开发区产业规模和水平不高",
        "缺少大企业大项目带动",
        "推进重大项目签约摘牌，提升产业规模",
        D(2018, 12, 31),
        "开发区管委会主任",
        Problem.State.OPEN,
        None,
    ),
    (
        "ZJJ",
        "棚改地块开发推进慢",
        "开发主体未确定",
        "办理棚改地块开发主体招投标，年内一期开工",
        D(2018, 12, 31),
        "住房和城乡建设局局长",
        Problem.State.OPEN,
        None,
    ),
    (
        "CGJ",
        "长农公路两侧环境脏乱",
        "整治缺少长效机制",
        "开展长农公路两侧环境整治，营造城市门户形象",
        D(2018, 11, 30),
        "城市管理局局长",
        Problem.State.CLOSED,
        None,
    ),
    (
        "SWJ",
        "现代商贸业发展不足",
        "物流产业布局分散",
        "打造现代物流特色小镇",
        D(2018, 12, 31),
        "商务局局长",
        Problem.State.OPEN,
        None,
    ),
    (
        "MZJ",
        "民生服务设施不完善",
        "公共服务设施投入不足",
        "完善养老等公共服务设施",
        D(2018, 12, 31),
        "民政局局长",
        Problem.State.OPEN,
        None,
    ),
    (
        "JYJ",
        "优质教育资源不足",
        "学校布局与人口分布不匹配",
        "引进优质学校，优化学校布局",
        D(2018, 12, 31),
        "教育局局长",
        Problem.State.OPEN,
        None,
    ),
    (
        "DCS",
        "督查督办跟踪不及时",
        "任务台账更新滞后",
        "建立任务分解表台账，红黄绿灯管理，逾期催办",
        D(2018, 10, 31),
        "督查室主任",
        Problem.State.CLOSED,
        None,
    ),
    (
        "WJJ",
        "服务窗口办事排队时间长",
        "预约和分时段服务未普及",
        "推行预约服务、错峰办理；参加窗口单位优质服务评比竞赛",
        D(2018, 12, 14),
        "卫生健康局局长",
        Problem.State.CLOSED,
        None,
    ),
]

# unit: day its problem list went public (RSJ has not published: flagged on the board)
PUBLISHED = {
    "TCJ": D(2018, 11, 12),
    "ZWFW": D(2018, 11, 9),
    "FGJ": D(2018, 11, 15),
    "STHJ": D(2018, 11, 16),  # a day late
    "WJJ": D(2018, 11, 14),
    "SCJG": D(2018, 11, 13),
    "JJKFQ": D(2018, 11, 15),
    "ZBKFQ": D(2018, 11, 15),
    "ZJJ": D(2018, 11, 14),
    "CGJ": D(2018, 11, 13),
    "SWJ": D(2018, 11, 15),
    "MZJ": D(2018, 11, 14),
    "JYJ": D(2018, 11, 15),
    "DCS": D(2018, 11, 8),
}


def _log(day: dt.date, **fields: Any) -> Event:
    """A timeline entry dated in 2018 (``at`` is set on creation, so it is moved after)."""
    event = Event.objects.create(**fields)
    Event.objects.filter(pk=event.pk).update(at=_at(day))
    return event


def _at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10, 0)))


def _unit(district: District, code: str) -> Department:
    names = {c: (name, kind) for c, name, kind in DEPARTMENTS}
    name, kind = names.get(code, (code, Department.Kind.UNIT))
    return Department.objects.get_or_create(district=district, code=code, defaults={"name": name, "kind": kind})[0]


def load(district: District) -> None:
    campaign = Campaign.objects.filter(district=district, theme__in=THEME_SPELLINGS).order_by("id").first()
    if campaign is not None and (campaign.tasks.exists() or campaign.problems.exists()):
        return
    inspector = User.objects.filter(username="inspector", district=district).first()
    head = User.objects.filter(username="unithead", district=district).first()
    if campaign is None:  # the evaluation demo may have made it already (it hangs on the same campaign)
        campaign = Campaign.objects.create(
            district=district,
            theme=THEME,
            starts_on=D(2018, 6, 1),
            ends_on=D(2018, 12, 31),
            publication_deadline=D(2018, 11, 15),
            reporting_period=Period.WEEK,
        )
    tasks: dict[str, Task] = {}
    for number, parent, form, content, measures, due, lead, co, weight, progress, closed in TASKS:
        task = Task.objects.create(
            campaign=campaign,
            parent=tasks.get(parent),
            number=number,
            form=form,
            content=content,
            measures=measures,
            due_on=due,
            original_due_on=due,
            lead_unit=_unit(district, lead),
            weight=weight,
            progress=progress,
            status=Status.CLOSED if closed else Status.OPEN,
            closed_on=closed,
            caught_up_on=closed if closed and closed > due else None,
            created_by=inspector,
        )
        task.co_units.set([_unit(district, code) for code in co])
        campaign.units.add(task.lead_unit, *task.co_units.all())
        tasks[number] = task
        _log(D(2018, 6, 8), task=task, by=inspector, verb=Event.Verb.CREATE)
        if progress:
            _log(
                min(due, closed or due) - dt.timedelta(days=14),
                task=task,
                verb=Event.Verb.REPORT,
                percent=progress,
                note=measures,
            )
        if closed:
            _log(closed, task=task, verb=Event.Verb.CLOSE)
    root = tasks["1"]
    root.progress = root.rolled_up_progress(list(root.children.all()))
    root.save(update_fields=["progress"])
    for unit_code, text, cause, measures, due, responsible, state, new_due in PROBLEMS:
        unit = _unit(district, unit_code)
        campaign.units.add(unit)
        problem = Problem.objects.create(
            campaign=campaign,
            unit=unit,
            problem=text,
            root_cause=cause,
            measures=measures,
            due_on=new_due or due,
            original_due_on=due,
            extensions=1 if new_due else 0,
            responsible=responsible,
            state=state,
            closed_on=D(2018, 12, 20) if state == Problem.State.CLOSED else None,
            created_by=head if unit_code == "WJJ" else inspector,
        )
        _log(D(2018, 10, 26), problem=problem, verb=Event.Verb.CREATE)
        _log(D(2018, 11, 23), problem=problem, verb=Event.Verb.REPORT, note=measures)
        if new_due:
            reason = "产业园招商项目落位周期长，延至次年一季度"
            requester = head or inspector
            if requester is not None:
                Extension.objects.create(
                    problem=problem,
                    reason=reason,
                    requested_due_on=new_due,
                    previous_due_on=due,
                    state=Extension.State.GRANTED,
                    requested_by=requester,
                    decided_by=inspector,
                )
            _log(D(2018, 12, 17), problem=problem, verb=Event.Verb.EXTEND, note=reason)
        if state != Problem.State.OPEN and (head or inspector):
            evidence = Evidence.objects.create(
                problem=problem,
                note=measures,
                submitted_by=head or inspector,  # type: ignore[misc]
                state=Evidence.State.ACCEPTED if state == Problem.State.CLOSED else Evidence.State.PENDING,
                decided_by=inspector if state == Problem.State.CLOSED else None,
                decided_at=_at(D(2018, 12, 20)) if state == Problem.State.CLOSED else None,
            )
            _log(D(2018, 12, 14), problem=problem, verb=Event.Verb.EVIDENCE, note=evidence.note)
            if state == Problem.State.CLOSED:
                _log(D(2018, 12, 20), problem=problem, by=inspector, verb=Event.Verb.ACCEPT)
    publisher = inspector or head
    if publisher is not None:
        for unit_code, day in PUBLISHED.items():
            Publication.objects.create(
                campaign=campaign, unit=_unit(district, unit_code), published_on=day, published_by=publisher
            )
