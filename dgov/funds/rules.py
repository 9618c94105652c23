"""Who may do what with the guidance fund: one predicate per action (``dgov.lib.rules``)."""

from typing import Any

from django.utils.translation import gettext as _

from dgov.accounts.access import is_staff
from dgov.funds.models import (
    Approval,
    Commitment,
    CommitmentStatus,
    Decision,
    Exit,
    Fund,
    FundApprover,
    Tranche,
    TrancheStatus,
)
from dgov.funds.permissions import MANAGE, VIEW
from dgov.investment.models import Stage, stage_index
from dgov.lib.rules import Verdict, allow, deny, hide, moved_on


def may_view(user: Any, fund: Fund | None = None) -> Verdict:
    if not is_staff(user) or not (user.has_perm(VIEW) or user.has_perm(MANAGE)):
        return hide(_("Only the fund's managers, approvers and the district's leaders see the fund."))
    if fund is not None and fund.district_id != user.district_id:
        return hide(_("This fund is another district's."))
    return allow()


def may_manage(user: Any, fund: Fund) -> Verdict:
    if not is_staff(user) or not user.has_perm(MANAGE) or fund.district_id != user.district_id:
        return hide(_("Only the fund's managers propose and pay."))
    return allow()


def may_propose_commitment(user: Any, fund: Fund, project: Any) -> Verdict:
    """A commitment only to a project that has passed the three admission gates."""
    from dgov.investment.rules import missing_gates

    verdict = may_manage(user, fund)
    if not verdict:
        return verdict
    if project.district_id != fund.district_id:
        return hide(_("The project is another district's."))
    if project.stage == Stage.LOST:
        return deny(_("The project is lost."))
    missing = missing_gates(project)
    if missing:
        return deny(
            _("The project has not passed these admission gates: %(gates)s.")
            % {"gates": ", ".join(str(g.label) for g in missing)}
        )
    return allow()


def seat_of(user: Any, fund: Fund) -> FundApprover | None:
    if not is_staff(user) or user.district_id != fund.district_id:
        return None
    return FundApprover.objects.filter(fund=fund, user=user).first()


def is_pending(subject: Any) -> bool:
    if isinstance(subject, Commitment):
        return subject.status == CommitmentStatus.PROPOSED
    if isinstance(subject, Tranche):
        return subject.status == TrancheStatus.PROPOSED
    return subject.status == Decision.PROPOSED


def fund_of(subject: Commitment | Tranche | Exit) -> Fund:
    if isinstance(subject, Commitment):
        return subject.fund
    return subject.commitment.fund


def subject_name(subject: Commitment | Tranche | Exit) -> str:
    return {Commitment: "commitment", Tranche: "tranche", Exit: "exit"}[type(subject)]


def may_decide(user: Any, subject: Commitment | Tranche | Exit) -> Verdict:
    """Only the people the fund's rules name approve, each once."""
    fund = fund_of(subject)
    if seat_of(user, fund) is None:
        return hide(_("Only the approvers the fund's rules name decide."))
    if not is_pending(subject):
        return moved_on(_("This has been decided."))
    if Approval.objects.filter(subject=subject_name(subject), object_id=subject.pk, approver=user).exists():
        return moved_on(_("You have given your decision."))
    return allow()


def may_plan_tranche(user: Any, commitment: Commitment) -> Verdict:
    verdict = may_manage(user, commitment.fund)
    if not verdict:
        return verdict
    if commitment.status != CommitmentStatus.APPROVED:
        return deny(_("Tranches are planned on an approved commitment."))
    return allow()


def may_pay(user: Any, tranche: Tranche) -> Verdict:
    commitment = tranche.commitment
    verdict = may_manage(user, commitment.fund)
    if not verdict:
        return verdict
    if tranche.status in (TrancheStatus.PAID, TrancheStatus.CANCELLED):
        return moved_on(_("This tranche is %(status)s.") % {"status": tranche.get_status_display()})
    if tranche.status != TrancheStatus.APPROVED:
        return deny(_("Only an approved tranche is paid."))
    if stage_index(commitment.project.stage) < stage_index(tranche.milestone):
        return deny(
            _("The project has not reached %(stage)s, the milestone that releases this tranche.")
            % {"stage": Stage(tranche.milestone).label}
        )
    return allow()


def may_propose_exit(user: Any, commitment: Commitment) -> Verdict:
    verdict = may_manage(user, commitment.fund)
    if not verdict:
        return verdict
    if commitment.status == CommitmentStatus.EXITED:
        return moved_on(_("The commitment has been exited."))
    if commitment.status != CommitmentStatus.APPROVED:
        return deny(_("Only a live commitment is exited."))
    if commitment.exits.filter(status=Decision.PROPOSED).exists():
        return deny(_("An exit is awaiting approval."))
    return allow()
