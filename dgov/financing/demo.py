"""Demo of financing matching (idempotent).

Three banks with branches in Kuancheng and one product each. The product names are real
products those banks advertise nationally (建设银行“云税贷”, 农业银行“纳税e贷”), or a
product of the kind Jilin Bank offers (科技型企业信用贷); their rates, limits and
conditions here are invented examples (``is_example``), not the banks' terms. The bank
officer login ``bank`` answers for 吉林银行长春宽城支行.

Two needs: the demo enterprise's working-capital need (sent, waiting for the banks) and
one of 长春北星轨道装备, already granted.
"""

from decimal import Decimal
from typing import Any

from dgov.accounts.demo import DEMO_PASSWORD
from dgov.accounts.models import Applicant, District, User
from dgov.financing import actions
from dgov.financing.models import Bank, BankOfficer, Offer, Product
from dgov.policies.facts import ENTERPRISE_FACTS
from dgov.policies.models import EnterpriseProfile

BANKS: list[dict[str, Any]] = [
    {
        "name": "吉林银行",
        "branch": "长春宽城支行",
        "product": {
            "name": "科技型企业信用贷（示例）",
            "kind": "credit",
            "rate_min": Decimal("3.6"),
            "rate_max": Decimal("5.2"),
            "term_min": 6,
            "term_max": 36,
            "amount_min": Decimal("20"),
            "amount_max": Decimal("1000"),
            "collateral": ["none", "ip"],
            "conditions": "years_in_operation >= 1",
            "description": "面向辖区中小微企业的信用贷款，知识产权可作增信。",
        },
    },
    {
        "name": "中国建设银行",
        "branch": "长春宽城支行",
        "product": {
            "name": "云税贷",
            "kind": "tax",
            "rate_min": Decimal("3.45"),
            "rate_max": Decimal("4.8"),
            "term_min": 3,
            "term_max": 12,
            "amount_min": Decimal("10"),
            "amount_max": Decimal("300"),
            "collateral": ["none"],
            "conditions": "tax_paid >= 10; years_in_operation >= 2",
            "description": "按纳税信用核定额度的线上信用贷款（额度、利率为示例）。",
        },
    },
    {
        "name": "中国农业银行",
        "branch": "长春宽城支行",
        "product": {
            "name": "纳税e贷",
            "kind": "tax",
            "rate_min": Decimal("3.5"),
            "rate_max": Decimal("5.0"),
            "term_min": 6,
            "term_max": 12,
            "amount_min": Decimal("10"),
            "amount_max": Decimal("200"),
            "collateral": ["none"],
            "conditions": "tax_paid >= 20",
            "description": "依据纳税数据发放的小微企业信用贷款（额度、利率为示例）。",
        },
    },
]


def load(district: District) -> None:
    if Bank.objects.filter(district=district, name=BANKS[0]["name"]).exists():
        return
    eso = User.objects.filter(username="eso").first()
    if eso is None:
        return
    banks = {}
    for entry in BANKS:
        bank = actions.do_add_bank(district, name=entry["name"], branch=entry["branch"], by=eso, is_example=False)
        product = dict(entry["product"])
        conditions = ENTERPRISE_FACTS.parse_text(product.pop("conditions"))
        actions.do_save_product(bank, {**product, "is_example": True}, conditions, by=eso)
        banks[entry["name"]] = bank
    if not User.objects.filter(username="bank").exists():
        actions.do_add_officer(
            banks["吉林银行"], username="bank", full_name="孟晓（吉林银行客户经理）", password=DEMO_PASSWORD, by=eso
        )
    officer = BankOfficer.objects.get(user__username="bank").user
    own = EnterpriseProfile.objects.filter(applicant__user__username="enterprise", district=district).first()
    if own is not None and own.applicant.user is not None:
        actions.do_submit_need(
            own,
            by=own.applicant.user,
            amount=Decimal("80"),
            term_months=12,
            purpose="新店装修与食材周转",
            collateral="none",
            idempotency_key="demo-need-1",
        )
    beixing = EnterpriseProfile.objects.filter(district=district, name="长春北星轨道装备有限公司").first()
    if beixing is not None:
        user = User.objects.filter(username="beixing").first()
        if user is None:
            user = User(username="beixing", full_name="长春北星轨道装备有限公司", kind=User.Kind.ENTERPRISE)
            user.set_password(DEMO_PASSWORD)
            user.save()
            Applicant.objects.filter(pk=beixing.applicant_id).update(user=user)
            beixing.applicant.user = user
        need = actions.do_submit_need(
            beixing,
            by=user,
            amount=Decimal("500"),
            term_months=24,
            purpose="转向架零部件生产线技术改造",
            collateral="ip",
            idempotency_key="demo-need-2",
        )
        offer = Offer.objects.filter(need=need, bank=banks["吉林银行"]).first()
        if offer is not None:
            actions.do_answer(
                offer, by=officer, grant=True, amount=Decimal("450"), rate=Decimal("3.95"), term_months=24
            )
    assert Product.objects.filter(district=district).count() == len(BANKS)
