"""Pages of the guidance fund: the position of each fund and each project, commitments with
their tranches, approvals and exits.

Writes go through ``actions.do_*``; protected rows are fetched through the
``get_*_for_user`` accessors (404 alike for missing and forbidden); buttons come from the
``rules.may_*`` verdicts the actions enforce.
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from dgov.accounts.access import StaffRequest, staff_or_403
from dgov.funds import actions, reports, rules
from dgov.funds.forms import CommitmentForm, DecisionForm, ExitForm, TrancheForm
from dgov.funds.models import Approval, Commitment, Decision, Exit, Fund, Tranche
from dgov.funds.permissions import MANAGE, VIEW
from dgov.lib.rules import enforce


def _messages_of(error: ValidationError) -> list[str]:
    return [str(m) for m in error.messages]


def _fund_staff(request: HttpRequest) -> Any:
    """Staff who see the fund: by permission, or as one of its named approvers."""
    user = staff_or_403(request)
    if user.has_perm(VIEW) or user.has_perm(MANAGE) or user.fund_seats.exists():
        return user
    from django.core.exceptions import PermissionDenied

    raise PermissionDenied


def funds_for(user: Any) -> Any:
    funds = Fund.objects.visible_to(user)
    if user.has_perm(VIEW) or user.has_perm(MANAGE):
        return funds
    return funds.filter(approvers__user=user)


def get_fund_for_user(request: HttpRequest, pk: int) -> Fund:
    user = _fund_staff(request)
    try:
        return funds_for(user).prefetch_related("industries").get(pk=pk)
    except Fund.DoesNotExist:
        raise Http404 from None


def get_commitment_for_user(request: HttpRequest, pk: int) -> Commitment:
    user = _fund_staff(request)
    try:
        return Commitment.objects.select_related("fund", "project").get(pk=pk, fund__in=funds_for(user))
    except Commitment.DoesNotExist:
        raise Http404 from None


@login_required
@require_GET
def index(request: StaffRequest) -> HttpResponse:
    """Every fund's position (what it holds, has committed, paid and received back)."""
    user = _fund_staff(request)
    positions = [reports.position(f) for f in funds_for(user)]
    return render(request, "funds/index.html", {"positions": positions})


def _fund_context(request: HttpRequest, fund: Fund, **extra: Any) -> dict[str, Any]:
    user = request.user
    return {
        "fund": fund,
        "position": reports.position(fund),
        "projects": reports.projects(fund),
        "approvers": fund.approvers.select_related("user"),
        "may_manage": rules.may_manage(user, fund),
        "form": extra.get("form") or CommitmentForm(district_id=fund.district_id),
        "errors": extra.get("errors", []),
    }


@login_required
@require_GET
def fund_page(request: StaffRequest, pk: int) -> HttpResponse:
    fund = get_fund_for_user(request, pk)
    return render(request, "funds/fund.html", _fund_context(request, fund))


@login_required
@require_POST
def propose(request: StaffRequest, pk: int) -> HttpResponse:
    fund = get_fund_for_user(request, pk)
    enforce(rules.may_manage(request.user, fund))
    form = CommitmentForm(request.POST, district_id=fund.district_id)
    if not form.is_valid():
        return render(request, "funds/fund.html", _fund_context(request, fund, form=form), status=400)
    data = form.cleaned_data
    try:
        commitment = actions.do_propose_commitment(
            fund,
            data["project"],
            amount=data["amount"],
            share=data["share"],
            conditions=data["conditions"],
            by=request.user,
        )
    except ValidationError as error:
        context = _fund_context(request, fund, form=form, errors=_messages_of(error))
        return render(request, "funds/fund.html", context, status=400)
    messages.success(request, _("The commitment is proposed; the fund's approvers decide."))
    return redirect("funds:commitment", pk=commitment.pk)


def _decisions(name: str, pk: int) -> list[Approval]:
    return list(Approval.objects.filter(subject=name, object_id=pk).select_related("approver"))


def _commitment_context(request: HttpRequest, commitment: Commitment, **extra: Any) -> dict[str, Any]:
    user = request.user
    tranches = list(commitment.tranches.all())
    for t in tranches:
        t.commitment = commitment
        t.decisions = _decisions("tranche", t.pk)  # type: ignore[attr-defined]
        t.may_decide = rules.may_decide(user, t)  # type: ignore[attr-defined]
        t.may_pay = rules.may_pay(user, t)  # type: ignore[attr-defined]
    exits = list(commitment.exits.all())
    for e in exits:
        e.commitment = commitment
        e.decisions = _decisions("exit", e.pk)  # type: ignore[attr-defined]
        e.may_decide = rules.may_decide(user, e)  # type: ignore[attr-defined]
    return {
        "commitment": commitment,
        "fund": commitment.fund,
        "decisions": _decisions("commitment", commitment.pk),
        "tranches": tranches,
        "exits": exits,
        "may_decide": rules.may_decide(user, commitment),
        "may_plan": rules.may_plan_tranche(user, commitment),
        "may_exit": rules.may_propose_exit(user, commitment),
        "decision_form": DecisionForm(),
        "tranche_form": extra.get("tranche") or TrancheForm(),
        "exit_form": extra.get("exit") or ExitForm(),
        "errors": extra.get("errors", []),
    }


@login_required
@require_GET
def commitment_page(request: StaffRequest, pk: int) -> HttpResponse:
    commitment = get_commitment_for_user(request, pk)
    return render(request, "funds/commitment.html", _commitment_context(request, commitment))


@login_required
@require_POST
def commitment_act(request: StaffRequest, pk: int, action: str) -> HttpResponse:
    """decide (on the commitment), tranche (plan one), exit (propose one)."""
    commitment = get_commitment_for_user(request, pk)
    forms_by_action: dict[str, Any] = {"decide": DecisionForm, "tranche": TrancheForm, "exit": ExitForm}
    if action not in forms_by_action:
        raise Http404
    form = forms_by_action[action](request.POST)

    def again(status: int, errors: list[str] | None = None) -> HttpResponse:
        context = _commitment_context(request, commitment, **{action: form, "errors": errors or []})
        return render(request, "funds/commitment.html", context, status=status)

    if not form.is_valid():
        return again(400, [e for errs in form.errors.values() for e in errs])
    data = form.cleaned_data
    try:
        if action == "decide":
            status = actions.do_decide(commitment, approve=data["approve"], note=data["note"], by=request.user)
            message = _("Your decision is recorded (%(status)s).") % {"status": Decision(status).label}
        elif action == "tranche":
            actions.do_plan_tranche(commitment, amount=data["amount"], milestone=data["milestone"], by=request.user)
            message = _("The tranche is planned; the fund's approvers decide.")
        else:
            actions.do_propose_exit(commitment, by=request.user, **data)
            message = _("The exit is proposed; the fund's approvers decide.")
    except ValidationError as error:
        return again(400, _messages_of(error))
    messages.success(request, message)
    return redirect("funds:commitment", pk=commitment.pk)


@login_required
@require_POST
def tranche_act(request: StaffRequest, pk: int, action: str) -> HttpResponse:
    """decide (on the tranche) or pay it."""
    user = _fund_staff(request)
    tranche = (
        Tranche.objects.select_related("commitment__fund", "commitment__project")
        .filter(pk=pk, commitment__fund__in=funds_for(user))
        .first()
    )
    if tranche is None or action not in ("decide", "pay"):
        raise Http404
    try:
        if action == "pay":
            actions.do_pay_tranche(tranche, by=request.user)
            messages.success(request, _("The tranche is paid."))
        else:
            form = DecisionForm(request.POST)
            if not form.is_valid():
                context = _commitment_context(request, tranche.commitment, errors=[_("Choose approve or reject.")])
                return render(request, "funds/commitment.html", context, status=400)
            actions.do_decide(
                tranche, approve=form.cleaned_data["approve"], note=form.cleaned_data["note"], by=request.user
            )
            messages.success(request, _("Your decision is recorded."))
    except ValidationError as error:
        context = _commitment_context(request, tranche.commitment, errors=_messages_of(error))
        return render(request, "funds/commitment.html", context, status=400)
    return redirect("funds:commitment", pk=tranche.commitment_id)


@login_required
@require_POST
def exit_decide(request: StaffRequest, pk: int) -> HttpResponse:
    user = _fund_staff(request)
    exit_ = (
        Exit.objects.select_related("commitment__fund", "commitment__project")
        .filter(pk=pk, commitment__fund__in=funds_for(user))
        .first()
    )
    if exit_ is None:
        raise Http404
    form = DecisionForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Choose approve or reject."))
        actions.do_decide(exit_, approve=form.cleaned_data["approve"], note=form.cleaned_data["note"], by=request.user)
    except ValidationError as error:
        context = _commitment_context(request, exit_.commitment, errors=_messages_of(error))
        return render(request, "funds/commitment.html", context, status=400)
    messages.success(request, _("Your decision is recorded."))
    return redirect("funds:commitment", pk=exit_.commitment_id)
