"""Demo of the 2018 campaign's evaluation side (idempotent: a second run changes nothing).

From the Jilin Daily article of 2 November 2018: the district head 吴相道 held talks with
the heads of the units; the unit heads' column (一把手谈解放思想) published their articles
in batches on the district website; units wrote research reports on the contradictions
holding development back; the public, those served and the people evaluated the units
(社会评议 · 服务对象测评 · 群众满意度测评) after the measures were published on 15 November.
"""

import datetime as dt

from django.contrib.auth.models import Group
from django.db import transaction

from dgov.accounts.demo import DEMO_PASSWORD
from dgov.accounts.models import Department, District, User
from dgov.accounts.roles import Role
from dgov.campaigns.models import Campaign
from dgov.evaluation import actions
from dgov.evaluation.models import (
    ArticleStatus,
    Channel,
    ColumnArticle,
    ColumnBatch,
    CommentStatus,
    Evaluation,
    Measure,
    ResearchReport,
    Scale,
    Score,
    Survey,
    Talk,
)

# The theme as the article words it ("制定了解放思想推动宽城高质量发展大讨论活动任务分解表",
# in the mainland original of the Traditional text in seed/), the same string the campaigns
# demo uses; other spellings are looked up too, so both demos always share one campaign.
THEME = "解放思想推动宽城高质量发展大讨论"
THEME_SPELLINGS = [THEME, "解放思想推動寬城高品質發展大討論", "解放思想推动宽城高品质发展大讨论", f"{THEME}活动"]
STARTS_ON = dt.date(2018, 10, 24)  # 常委扩大会 mobilised the district for the discussion
ENDS_ON = dt.date(2018, 12, 31)
PUBLICATION_DEADLINE = dt.date(2018, 11, 15)

# Unit heads who write for the column: username, full name, unit code.
HEADS = [
    ("head_jjkfq", "王志军（宽城经济开发区党工委书记）", "JJKFQ"),
    ("head_zbkfq", "刘宏伟（装备制造产业开发区党工委书记）", "ZBKFQ"),
    ("head_zwfw", "陈晓东（政务服务中心主任）", "ZWFW"),
    ("head_tcj", "孙海涛（投资促进局局长）", "TCJ"),
]

BATCH_ONE = dt.date(2018, 11, 9)

# username, title, the four parts, status
ARTICLES = [
    (
        "head_jjkfq",
        "以“一区四园”推动产城融合",
        "围绕打造“长春北部产城融合示范新区”的规划定位，形成产业和城市深度融合发展。",
        "构筑行政中心区、循环经济产业园区、现代综合物流产业园区、特色食品加工产业园区、新型建材产业园区“一区四园”的产业格局。",
        "坚持边规划、边建设、边招商、边配套；盘活闲置多年的零配件产业园，引进世久电气、泉兴科技、北星轨道等企业落位。",
        "领导带头、全员招商；严把产业导向、项目准入、节能减排三个关口。",
        ArticleStatus.APPROVED,
    ),
    (
        "head_zbkfq",
        "吹响“二次创业”的战鼓",
        "依托长客股份和长客装备两大主机企业，做强轨道交通装备制造核心产业。",
        "抓班子带队伍、抓学习强思想、抓制度重落实、抓作风促养成。",
        "把优势摆出来、把问题查出来，以“筚路蓝缕，以启山林”的开拓精神创业干事。",
        "一级做给一级看，一级带着一级干；党员干部身先士卒。",
        ArticleStatus.APPROVED,
    ),
    (
        "head_zwfw",
        "用数据“跑路”代替群众“跑腿”",
        "加速推进政务服务“一网、一门、一次”改革，只跑一次事项达到518项，占全部事项的90%。",
        "启动政务服务综合改革“2.0升级版”，实现“一窗受理、一网通办、一口出证”。",
        "全面实行行政审批专用章集中托管和“N证联办”；窗口受理、窗口审查、部门审批、限期办结、随时发证。",
        "落实重大项目绿色通道制度，实行“领办制”和“特事特办制”。",
        ArticleStatus.APPROVED,
    ),
    (
        "head_tcj",
        "从“请商”到“招商”再到“选商”",
        "走出去寻求项目、引进来共谋发展、创环境吸引外资、优服务留住客商。",
        "在北京、上海、深圳设立常驻招商点，聘请当地有资源、有经验的人员就地招商。",
        "盯住国际国内500强和央企、国企精准对接；成立政府产业引导基金。",
        "将规模、质量作为标准，绝不为盲目追求政绩而降低准入门槛。",
        ArticleStatus.SUBMITTED,
    ),
]

# username of the unit, title, contradiction, body
REPORTS = [
    (
        "head_tcj",
        "关于中小企业融资难、融资贵问题的调研报告",
        "企业特别是中小企业融资难、融资贵",
        "一、基本情况\n走访区内32户中小企业，其中21户反映贷款审批周期长、抵押物不足。\n"
        "二、症结根源\n担保体系不健全，银企信息不对称。\n三、对策建议\n设立政府产业引导基金，建立银企对接常态机制。",
    ),
    (
        "head_zwfw",
        "关于优化营商环境痛点堵点的调研报告",
        "营商环境的痛点和堵点，优化营商环境的政策如何真正落地见效",
        "一、基本情况\n梳理企业办事高频事项，部分事项仍需多次到现场。\n"
        "二、症结根源\n部门数据共享不足，材料重复提交。\n三、对策建议\n推进“一件事一次办”，用数据跑路代替群众跑腿。",
    ),
    (
        "head_jjkfq",
        "关于吸引、留住和用好人才的调研报告",
        "怎样为宽城振兴发展吸引、留住和用好人才",
        "一、基本情况\n园区企业技术工人缺口较大。\n二、症结根源\n配套服务设施不完善，宜居吸引力不足。\n"
        "三、对策建议\n健全公共服务设施，引进具有吸引力的医院、学校等设施。",
    ),
]

# Public evaluations per unit: scores on the four measures, and the comments.
PUBLIC = {
    "ZWFW": [(5, 5, 4, 5, "窗口一次就办好了，不用来回跑。"), (4, 5, 5, 4, ""), (5, 4, 4, 4, "")],
    "SCJG": [(4, 4, 3, 4, ""), (3, 4, 3, 3, "希望审批再快一些。"), (4, 3, 4, 4, "")],
    "JJKFQ": [(5, 4, 4, 5, ""), (4, 4, 4, 4, "")],
    "ZBKFQ": [(4, 5, 4, 4, ""), (2, 3, 2, 3, "整改措施公开了，但进展说得不够清楚。")],
    "CGJ": [(3, 3, 2, 3, ""), (2, 2, 3, 2, "")],
}
MEASURES = [Measure.RECTIFICATION, Measure.ATTITUDE, Measure.EFFICIENCY, Measure.CONDUCT]

SURVEY_TITLE = "2018年全区服务窗口单位群众满意度测评"
SURVEY_QUESTIONS = [
    ("您对窗口工作人员的服务态度是否满意？", Scale.FIVE_LEVELS),
    ("您对办事效率是否满意？", Scale.FIVE_LEVELS),
    ("本次办事是否做到了“最多跑一次”？", Scale.YES_NO),
    ("您愿意为该单位的整改成效打几分（0–10）？", Scale.TEN_POINTS),
]
SURVEY_UNITS = ["ZWFW", "SCJG", "RSJ", "MZJ"]


def _campaign(district: District) -> Campaign:
    found = Campaign.objects.filter(district=district, theme__in=THEME_SPELLINGS).order_by("id").first()
    if found is not None:
        return found
    campaign, _created = Campaign.objects.get_or_create(
        district=district,
        theme=THEME,
        defaults={"starts_on": STARTS_ON, "ends_on": ENDS_ON, "publication_deadline": PUBLICATION_DEADLINE},
    )
    return campaign


def _heads(district: District) -> dict[str, User]:
    group = Group.objects.get(name=Role.UNIT_HEAD.value)
    heads = {}
    for username, full_name, unit in HEADS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(
                username=username,
                full_name=full_name,
                kind=User.Kind.STAFF,
                district=district,
                department=Department.objects.filter(district=district, code=unit).first(),
            )
            user.set_password(DEMO_PASSWORD)
            user.save()
            user.groups.add(group)
        heads[username] = user
    return heads


def _column(campaign: Campaign, heads: dict[str, User], inspector: User) -> None:
    if ColumnArticle.objects.filter(campaign=campaign).exists():
        return
    batch = ColumnBatch.objects.filter(campaign=campaign, number=1).first() or actions.do_create_batch(
        campaign=campaign, by=inspector, number=1, release_on=BATCH_ONE
    )
    for username, title, goals, ideas, measures, guarantees, status in ARTICLES:
        author = heads[username]
        data = {
            "title": title,
            "task_goals": goals,
            "basic_ideas": ideas,
            "key_measures": measures,
            "guarantees": guarantees,
        }
        article = actions.do_save_article(None, by=author, campaign=campaign, data=data)
        actions.do_submit_article(article, by=author)
        if status == ArticleStatus.APPROVED:
            actions.do_review_article(article, by=inspector, approve=True, batch=batch, note="同意在第一批公布。")


def _talks(campaign: Campaign, heads: dict[str, User], leader: User | None) -> None:
    if Talk.objects.filter(campaign=campaign).exists() or leader is None:
        return
    for n, head in enumerate(heads.values()):
        actions.do_record_talk(
            by=leader,
            counterpart=head,
            held_on=dt.date(2018, 10, 26) + dt.timedelta(days=n),
            topic="解放思想、提振信心、转变作风、担当作为",
            content="围绕解放思想推动高质量发展提要求：查找思想观念、工作思路、能力素养方面的问题，列出问题清单。",
            follow_up="11月15日前向社会公开问题整改措施。",
            campaign=campaign,
        )
    head = heads["head_zwfw"]
    for n, username in enumerate(["clerk", "supervisor"]):
        staff = User.objects.filter(username=username).first()
        if staff is not None:
            actions.do_record_talk(
                by=head,
                counterpart=staff,
                held_on=dt.date(2018, 11, 1) + dt.timedelta(days=n),
                topic="集中谈心谈话：窗口服务意识",
                content="破除“等靠要”思想，增强服务意识，创新服务方式。",
                campaign=campaign,
            )


def _reports(campaign: Campaign, heads: dict[str, User], inspector: User) -> None:
    if ResearchReport.objects.filter(campaign=campaign).exists():
        return
    for n, (username, title, contradiction, body) in enumerate(REPORTS):
        report = actions.do_submit_report(
            campaign=campaign, by=heads[username], title=title, contradiction=contradiction, body=body
        )
        if n == 0:
            actions.do_review_report(report, by=inspector, accept=True, note="调研扎实，建议纳入区委决策参考。")


def _evaluations(campaign: Campaign, inspector: User) -> None:
    if Evaluation.objects.filter(campaign=campaign, channel=Channel.PUBLIC).exists():
        return
    units = {d.code: d for d in Department.objects.filter(district_id=campaign.district_id, code__in=PUBLIC)}
    for code, rows in PUBLIC.items():
        unit = units.get(code)
        if unit is None:
            continue
        for n, (*values, comment) in enumerate(rows):
            evaluation = actions.do_evaluate_public(
                campaign=campaign,
                unit=unit,
                scores=dict(zip(MEASURES, values, strict=True)),
                comment=str(comment),
                device=actions.keyed(f"demo-device-{code}-{n}"),
                address="",
                today=PUBLICATION_DEADLINE + dt.timedelta(days=1 + n),
            )
            # The first comment of each unit has been moderated and is shown; others wait.
            if evaluation.comment_status == CommentStatus.PENDING and n == 0:
                actions.do_moderate(evaluation, by=inspector, approve=True)


def _survey(campaign: Campaign, admin: User | None) -> None:
    if admin is None or Survey.objects.filter(campaign=campaign, title=SURVEY_TITLE).exists():
        return
    units = list(Department.objects.filter(district_id=campaign.district_id, code__in=SURVEY_UNITS))
    survey = actions.do_create_survey(
        campaign=campaign,
        by=admin,
        data={
            "title": SURVEY_TITLE,
            "introduction": "请对您办事的窗口单位作出评价。",
            "opens_on": dt.date(2018, 11, 16),
            "closes_on": dt.date(2018, 12, 15),
        },
        units=units,
        questions=[(text, str(scale)) for text, scale in SURVEY_QUESTIONS],
    )
    questions = list(survey.questions.all())
    for n, unit in enumerate(units):
        for k in range(3):
            evaluation = Evaluation.objects.create(
                district_id=survey.district_id,
                campaign=campaign,
                unit=unit,
                channel=Channel.SURVEY,
                survey=survey,
                day=dt.date(2018, 11, 20) + dt.timedelta(days=k),
                device=actions.keyed(f"demo-survey-{unit.code}-{k}"),
            )
            values = [5 - (n + k) % 3, 4 - k % 2, 1 if (n + k) % 4 else 0, 9 - n - k]
            Score.objects.bulk_create(
                Score(evaluation=evaluation, question=q, value=v) for q, v in zip(questions, values, strict=True)
            )


def load(district: District) -> None:
    inspector = User.objects.filter(username="inspector", district=district).first()
    if inspector is None:
        return
    with transaction.atomic():
        campaign = _campaign(district)
        heads = _heads(district)
        _column(campaign, heads, inspector)
        _talks(campaign, heads, User.objects.filter(username="leader", district=district).first())
        _reports(campaign, heads, inspector)
        _evaluations(campaign, inspector)
        _survey(campaign, User.objects.filter(username="admin", district=district).first())
