"""Demo of the guidance fund (idempotent).

The article says Kuancheng set up a government industrial guidance fund (成立政府产业引导基金)
but gives no size or rules, so the fund here is an invented example: 5亿元, at most 20% of a
project and 1亿元 per project, the district's encouraged industries, two approvers (the
district head and the head of the finance bureau). It commits to signed projects of the
investment demo that passed the three gates: one committed with a tranche paid and one
waiting for its milestone, one awaiting approval.
"""

from decimal import Decimal

from django.contrib.auth.models import Group

from dgov.accounts.demo import DEMO_PASSWORD
from dgov.accounts.models import Department, District, User
from dgov.accounts.roles import Role
from dgov.funds import actions
from dgov.funds.models import Fund, FundApprover, Tranche
from dgov.investment.models import SIGNED_OR_LATER, Industry, Orientation, Project, Stage
from dgov.investment.rules import missing_gates

RULES = (
    "1. 基金只投向已通过产业导向、项目准入、节能减排三个关口的项目。\n"
    "2. 对单个项目出资不超过项目总投资的20%，且不超过1亿元。\n"
    "3. 每笔出资、每期资金拨付和每次退出，须区长、区财政局局长两人同意。\n"
    "4. 退出：企业回购不低于基金实缴本金；转让须有评估报告；核销仅限项目终止。（示例规则）"
)


def _user(username: str, full_name: str, role: Role, district: District, department: Department | None) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(
            username=username, full_name=full_name, kind=User.Kind.STAFF, district=district, department=department
        )
        user.set_password(DEMO_PASSWORD)
        user.save()
        user.groups.add(Group.objects.get(name=role.value))
    return user


def load(district: District) -> None:
    if Fund.objects.filter(district=district).exists():
        return
    leader = User.objects.filter(username="leader", district=district).first()
    if leader is None:
        return
    czj = Department.objects.filter(district=district, code="CZJ").first()
    manager = _user("fund", "郭宁（引导基金管理人）", Role.FUND_MANAGER, district, czj)
    finance_head = _user("czj", "韩冰（区财政局局长）", Role.UNIT_HEAD, district, czj)
    fund = Fund.objects.create(
        district=district,
        name="宽城区产业引导基金（示例）",
        manager_name="宽城区国有资本投资运营有限公司（示例）",
        is_example=True,
        size=Decimal("50000"),
        share_max=Decimal("20"),
        cap_per_project=Decimal("10000"),
        approvals_needed=2,
        rules_text=RULES,
        created_by=manager,
    )
    fund.industries.set(Industry.objects.filter(district=district, orientation=Orientation.ENCOURAGED))
    FundApprover.objects.create(fund=fund, user=leader, title="区长")
    FundApprover.objects.create(fund=fund, user=finance_head, title="区财政局局长")
    ready = [
        p
        for p in Project.objects.filter(
            district=district, stage__in=SIGNED_OR_LATER, industry__in=fund.industries.all()
        )
        .select_related("industry")
        .order_by("-fixed_asset_investment")[:4]
        if not missing_gates(p)
    ]
    if not ready:
        return
    first = ready[0]
    amount = min(Decimal("8000"), (Decimal(first.fixed_asset_investment) * Decimal("0.15")).quantize(Decimal(1)))
    commitment = actions.do_propose_commitment(
        fund, first, amount=amount, share=Decimal("15"), conditions="资金按项目进度分两期到位。", by=manager
    )
    for person in (leader, finance_head):
        actions.do_decide(commitment, approve=True, by=person)
    commitment.refresh_from_db()
    paid = actions.do_plan_tranche(
        commitment, amount=(amount * Decimal("0.4")).quantize(Decimal(1)), milestone=Stage.SIGNED, by=manager
    )
    later = actions.do_plan_tranche(commitment, amount=amount - paid.amount, milestone=Stage.OPERATION, by=manager)
    for tranche in (paid, later):
        for person in (leader, finance_head):
            actions.do_decide(tranche, approve=True, by=person)
    actions.do_pay_tranche(
        Tranche.objects.select_related("commitment__project", "commitment__fund").get(pk=paid.pk), by=manager
    )
    if len(ready) > 1:
        second = ready[1]
        actions.do_propose_commitment(
            fund,
            second,
            amount=min(Decimal("5000"), (Decimal(second.fixed_asset_investment) * Decimal("0.1")).quantize(Decimal(1))),
            share=Decimal("10"),
            by=manager,
        )
