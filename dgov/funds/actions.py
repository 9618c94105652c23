"""Every act of the guidance fund: one function, one transaction, its audit entry with it.

Concurrency: the fund's position moves only by conditional UPDATEs that re-check what it
holds (``reserved + amount <= size - paid_out + proceeds``), backed by a CHECK; a
commitment's tranches by one that re-checks the commitment (``tranched + amount <=
amount``); each decision is one row under a unique constraint (one per approver). Of two
acts racing, the second raises ``Conflict`` or ``ValidationError`` with nothing written.
"""

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from dgov.accounts.models import User
from dgov.audit.trail import record
from dgov.funds import rules
from dgov.funds.models import (
    Approval,
    Commitment,
    CommitmentStatus,
    Decision,
    Exit,
    ExitKind,
    Fund,
    Tranche,
    TrancheStatus,
)
from dgov.investment.models import Project, Stage
from dgov.lib import clock
from dgov.lib.conflicts import Conflict
from dgov.lib.rules import enforce


def _plain(value: Any) -> str:
    return format(Decimal(value).normalize(), "f")


def do_propose_commitment(
    fund: Fund, project: Project, *, amount: Decimal, share: Decimal, conditions: str = "", by: User
) -> Commitment:
    """Propose a commitment, within the fund's rules:

    1. the project has passed the three admission gates (industry orientation, admission
       thresholds, energy and emission review), each with a current pass;
    2. its industry is one the fund may enter (when the fund names industries);
    3. the amount is at most the cap per project, and the share at most the fund's largest;
    4. the fund still holds the amount (checked again, atomically, when it is approved).
    """
    enforce(rules.may_propose_commitment(by, fund, project))
    problems = []
    industries = set(fund.industries.values_list("pk", flat=True))
    if industries and project.industry_id not in industries:
        problems.append(_("The fund may not enter this project's industry."))
    if amount <= 0:
        problems.append(_("A commitment is above 0."))
    if amount > fund.cap_per_project:
        problems.append(_("The fund commits at most %(cap)s万 to one project.") % {"cap": _plain(fund.cap_per_project)})
    if share <= 0 or share > fund.share_max:
        problems.append(_("The fund's share is above 0 and at most %(max)s%%.") % {"max": _plain(fund.share_max)})
    if amount > fund.available:
        problems.append(_("The fund holds only %(left)s万 to commit.") % {"left": _plain(fund.available)})
    if problems:
        raise ValidationError(problems, code="rules")
    try:
        with transaction.atomic():
            commitment = Commitment.objects.create(
                district_id=fund.district_id,
                fund=fund,
                project=project,
                amount=amount,
                share=share,
                conditions=conditions.strip(),
                proposed_by=by,
                proposed_at=clock.now(),
            )
            record(
                "funds.commitment.propose",
                commitment,
                actor=by,
                changes={"project": project.pk, "amount": _plain(amount), "share": _plain(share)},
            )
    except IntegrityError:
        raise Conflict(_("The fund has a commitment to this project already.")) from None
    return commitment


def do_plan_tranche(commitment: Commitment, *, amount: Decimal, milestone: str, by: User) -> Tranche:
    """Plan a tranche released by a milestone; the tranches never add up to more than the
    commitment (a conditional UPDATE and a CHECK)."""
    enforce(rules.may_plan_tranche(by, commitment))
    if amount <= 0:
        raise ValidationError(_("A tranche is above 0."), code="amount")
    if milestone not in Stage.values or milestone == Stage.LOST:
        raise ValidationError(_("Choose the stage of the project that releases the tranche."), code="milestone")
    with transaction.atomic():
        if not Commitment.objects.filter(
            pk=commitment.pk, status=CommitmentStatus.APPROVED, tranched__lte=F("amount") - amount
        ).update(tranched=F("tranched") + amount):
            commitment.refresh_from_db()
            raise ValidationError(
                _("Tranches would total %(total)s万, more than the commitment of %(amount)s万.")
                % {"total": _plain(commitment.tranched + amount), "amount": _plain(commitment.amount)},
                code="beyond_commitment",
            )
        tranche = Tranche.objects.create(
            commitment=commitment, amount=amount, milestone=milestone, proposed_by=by, proposed_at=clock.now()
        )
        record(
            "funds.tranche.plan",
            tranche,
            actor=by,
            district=commitment.district,
            changes={"commitment": commitment.pk, "amount": _plain(amount), "milestone": milestone},
        )
    return tranche


def do_propose_exit(
    commitment: Commitment,
    *,
    kind: str,
    proceeds: Decimal,
    reason: str,
    counterparty: str = "",
    reference: str = "",
    by: User,
) -> Exit:
    """Propose leaving a project, by the rule of each way out:

    1. buy-back: the enterprise buys the share back for at least what the fund paid in;
    2. transfer: to a named investor, at a price backed by an appraisal (its reference);
    3. write-off: only for a project that is lost, with the reason.
    """
    enforce(rules.may_propose_exit(by, commitment))
    problems = []
    if kind not in ExitKind.values:
        problems.append(_("Choose how the fund leaves the project."))
    if proceeds < 0:
        problems.append(_("What the fund receives is 0 or more."))
    if not reason.strip():
        problems.append(_("An exit states its reason."))
    if kind == ExitKind.BUY_BACK:
        counterparty = counterparty.strip() or commitment.project.investor
        if proceeds < commitment.paid:
            problems.append(
                _("A buy-back pays back at least what the fund paid in (%(paid)s万).")
                % {"paid": _plain(commitment.paid)}
            )
    elif kind == ExitKind.TRANSFER:
        if not counterparty.strip() or not reference.strip():
            problems.append(_("A transfer names the investor and the appraisal it is priced on."))
        if proceeds <= 0:
            problems.append(_("A transfer has a price."))
    elif kind == ExitKind.WRITE_OFF and commitment.project.stage != Stage.LOST:
        problems.append(_("Only a lost project is written off."))
    if problems:
        raise ValidationError(problems, code="exit")
    try:
        with transaction.atomic():
            exit_ = Exit.objects.create(
                commitment=commitment,
                kind=kind,
                proceeds=proceeds,
                counterparty=counterparty.strip(),
                reference=reference.strip(),
                reason=reason.strip(),
                proposed_by=by,
                proposed_at=clock.now(),
            )
            record(
                "funds.exit.propose",
                exit_,
                actor=by,
                district=commitment.district,
                changes={"commitment": commitment.pk, "kind": kind, "proceeds": _plain(proceeds), "reason": reason},
            )
    except IntegrityError:
        raise Conflict(_("An exit is awaiting approval already.")) from None
    return exit_


def do_decide(subject: Commitment | Tranche | Exit, *, approve: bool, by: User, note: str = "") -> str:
    """A named approver's decision. One rejection rejects; once as many approvals as the
    fund's rules need are in, the act takes effect. Returns the subject's status."""
    enforce(rules.may_decide(by, subject))
    fund = rules.fund_of(subject)
    seat = rules.seat_of(by, fund)
    assert seat is not None
    name = rules.subject_name(subject)
    if not approve and not note.strip():
        raise ValidationError(_("A rejection states its reason."), code="note")
    with transaction.atomic():
        # Decisions on one subject are taken one after the other (its row locked): two last
        # approvals given at once would otherwise each count only itself and neither would
        # make the act take effect.
        locked = type(subject).objects.select_for_update().filter(pk=subject.pk).first()
        if locked is None or not rules.is_pending(locked):
            raise Conflict(_("This was decided meanwhile."))
        try:
            with transaction.atomic():
                Approval.objects.create(
                    fund=fund,
                    subject=name,
                    object_id=subject.pk,
                    approver=by,
                    seat=seat.title,
                    approve=approve,
                    note=note.strip()[:300],
                    at=clock.now(),
                )
        except IntegrityError:
            raise Conflict(_("You have given your decision.")) from None
        approvals = Approval.objects.filter(subject=name, object_id=subject.pk, approve=True).count()
        if not approve:
            status = _reject(subject)
        elif approvals >= fund.approvals_needed:
            status = _take_effect(subject, fund)
        else:
            status = "proposed"
        record(
            f"funds.{name}.decide",
            subject,
            actor=by,
            district=fund.district,
            changes={"approve": approve, "seat": seat.title, "note": note, "approvals": approvals, "status": status},
        )
    return status


def _reject(subject: Commitment | Tranche | Exit) -> str:
    if isinstance(subject, Commitment):
        changed = Commitment.objects.filter(pk=subject.pk, status=CommitmentStatus.PROPOSED).update(
            status=CommitmentStatus.REJECTED, decided_at=clock.now()
        )
    elif isinstance(subject, Tranche):
        changed = Tranche.objects.filter(pk=subject.pk, status=TrancheStatus.PROPOSED).update(
            status=TrancheStatus.REJECTED
        )
        if changed:
            Commitment.objects.filter(pk=subject.commitment_id).update(tranched=F("tranched") - subject.amount)
    else:
        changed = Exit.objects.filter(pk=subject.pk, status=Decision.PROPOSED).update(status=Decision.REJECTED)
    if not changed:
        raise Conflict(_("This was decided meanwhile."))
    return "rejected"


def _take_effect(subject: Commitment | Tranche | Exit, fund: Fund) -> str:
    now = clock.now()
    if isinstance(subject, Commitment):
        if not Commitment.objects.filter(pk=subject.pk, status=CommitmentStatus.PROPOSED).update(
            status=CommitmentStatus.APPROVED, decided_at=now
        ):
            raise Conflict(_("This was decided meanwhile."))
        # The fund never commits more than it holds: re-checked in the UPDATE itself.
        if not Fund.objects.filter(
            pk=fund.pk, reserved__lte=F("size") - F("paid_out") + F("proceeds") - subject.amount
        ).update(reserved=F("reserved") + subject.amount):
            fund.refresh_from_db()
            raise Conflict(
                _("The fund holds only %(left)s万: it cannot commit %(amount)s万.")
                % {"left": _plain(fund.available), "amount": _plain(subject.amount)}
            )
        return "approved"
    if isinstance(subject, Tranche):
        if not Tranche.objects.filter(pk=subject.pk, status=TrancheStatus.PROPOSED).update(
            status=TrancheStatus.APPROVED
        ):
            raise Conflict(_("This was decided meanwhile."))
        return "approved"
    commitment = subject.commitment
    if not Exit.objects.filter(pk=subject.pk, status=Decision.PROPOSED).update(
        status=Decision.APPROVED, done_on=clock.today()
    ):
        raise Conflict(_("This was decided meanwhile."))
    if not Commitment.objects.filter(pk=commitment.pk, status=CommitmentStatus.APPROVED).update(
        status=CommitmentStatus.EXITED
    ):
        raise Conflict(_("The commitment was exited meanwhile."))
    commitment.refresh_from_db()
    open_tranches = Tranche.objects.filter(
        commitment=commitment, status__in=[TrancheStatus.PROPOSED, TrancheStatus.APPROVED]
    )
    open_tranches.update(status=TrancheStatus.CANCELLED)
    # What was committed and not paid is free again; what the exit brings comes back.
    Fund.objects.filter(pk=fund.pk).update(
        reserved=F("reserved") - (commitment.amount - commitment.paid), proceeds=F("proceeds") + subject.proceeds
    )
    return "approved"


def do_pay_tranche(tranche: Tranche, *, by: User) -> Tranche:
    """Pay an approved tranche once the project has reached its milestone."""
    enforce(rules.may_pay(by, tranche))
    commitment = tranche.commitment
    with transaction.atomic():
        if not Tranche.objects.filter(pk=tranche.pk, status=TrancheStatus.APPROVED).update(
            status=TrancheStatus.PAID, paid_on=clock.today(), paid_by=by
        ):
            raise Conflict(_("This tranche was paid meanwhile."))
        if not Commitment.objects.filter(
            pk=commitment.pk, status=CommitmentStatus.APPROVED, paid__lte=F("tranched") - tranche.amount
        ).update(paid=F("paid") + tranche.amount):
            raise Conflict(_("The commitment was exited meanwhile."))
        Fund.objects.filter(pk=commitment.fund_id).update(
            reserved=F("reserved") - tranche.amount, paid_out=F("paid_out") + tranche.amount
        )
        tranche.refresh_from_db()
        record(
            "funds.tranche.pay",
            tranche,
            actor=by,
            district=commitment.district,
            changes={"amount": _plain(tranche.amount), "milestone": tranche.milestone},
        )
    return tranche
