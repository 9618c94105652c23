"""Who may do what in financing matching: one predicate per action (``dgov.lib.rules``).

The ladder's settings (Django settings, defaults here): ``FINANCING_LEVEL_DAYS`` — working
days each level above the bank has to see the need answered (financial office 5, district
leader 5). The bank's own time is the product's ``answer_days``.
"""

import datetime as dt
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from dgov.accounts.access import is_staff
from dgov.accounts.models import User
from dgov.accounts.roles import Role
from dgov.financing.models import Bank, BankOfficer, FinancingNeed, Level, NeedStatus, Offer, OfferStatus
from dgov.financing.permissions import MANAGE_BANKS, SUPERVISE, VIEW
from dgov.lib.rules import Verdict, allow, deny, hide, moved_on
from dgov.policies.models import EnterpriseProfile
from dgov.policies.rules import is_enterprise_of

DEFAULT_LEVEL_DAYS = {Level.FINANCIAL_OFFICE: 5, Level.DISTRICT_LEADER: 5}


def level_days(level: str) -> int:
    table = {**DEFAULT_LEVEL_DAYS, **getattr(settings, "FINANCING_LEVEL_DAYS", {})}
    return int(table[level])


def officer_of(user: Any) -> BankOfficer | None:
    """The bank officer row of an outside login, when it is active and its bank takes part."""
    if not getattr(user, "is_authenticated", False) or getattr(user, "kind", "") != User.Kind.ENTERPRISE:
        return None
    if not hasattr(user, "_bank_officer"):
        user._bank_officer = (
            BankOfficer.objects.filter(user=user, active=True, bank__active=True).select_related("bank").first()
        )
    return user._bank_officer


def may_view(user: Any) -> Verdict:
    if is_staff(user) and user.has_perm(VIEW):
        return allow()
    return hide(_("Only the district's staff follow financing needs."))


def may_manage_banks(user: Any, district_id: int | None = None) -> Verdict:
    if not is_staff(user) or not user.has_perm(MANAGE_BANKS):
        return hide(_("Only the enterprise service office registers banks."))
    if district_id is not None and user.district_id != district_id:
        return hide(_("This belongs to another district."))
    return allow()


def may_manage_products(user: Any, bank: Bank) -> Verdict:
    """The bank's own officers keep its products; the enterprise service office may too."""
    officer = officer_of(user)
    if officer is not None:
        return allow() if officer.bank_id == bank.pk else hide(_("This is another bank's product."))
    return may_manage_banks(user, bank.district_id)


def may_submit_need(user: Any, profile: EnterpriseProfile) -> Verdict:
    if not is_enterprise_of(user, profile):
        return hide(_("Only the enterprise itself states its financing needs."))
    return allow()


def may_withdraw_need(user: Any, need: FinancingNeed) -> Verdict:
    if not is_enterprise_of(user, need.profile):
        return hide(_("Only the enterprise itself withdraws its need."))
    if need.status not in (NeedStatus.OPEN, NeedStatus.UNMATCHED):
        return moved_on(_("The need is closed: %(status)s.") % {"status": need.get_status_display()})
    return allow()


def may_answer(user: Any, offer: Offer) -> Verdict:
    """The bank answers the needs sent to its products, at any level of the ladder."""
    officer = officer_of(user)
    if officer is None or officer.bank_id != offer.bank_id:
        return hide(_("Only the bank the need was sent to answers it."))
    if offer.status != OfferStatus.PENDING:
        return moved_on(_("This need has been answered: %(status)s.") % {"status": offer.get_status_display()})
    return allow()


def may_follow_up(user: Any, offer: Offer, today: dt.date) -> Verdict:
    """Above the bank, the level the need has climbed to follows it up (催办)."""
    if not is_staff(user) or user.district_id != offer.district_id:
        return hide(_("Only the district's staff follow up a need."))
    if offer.level == Level.FINANCIAL_OFFICE and not user.has_perm(SUPERVISE):
        return hide(_("The district financial office follows up at this level."))
    if offer.level == Level.DISTRICT_LEADER and not user.has_role(Role.DISTRICT_LEADER):
        return hide(_("A district leader follows up at this level."))
    if offer.level == Level.BANK and not user.has_perm(SUPERVISE):
        return hide(_("The district financial office follows up needs."))
    if offer.status != OfferStatus.PENDING:
        return moved_on(_("The bank has answered."))
    if offer.level == Level.BANK:
        return deny(
            _("The bank has until %(due)s to answer; the need comes to the financial office after that.")
            % {"due": offer.deadline.due_text}
        )
    return allow()
