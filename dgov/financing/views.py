"""Pages of financing matching: the enterprise's needs, the bank's desk, the staff's lists,
the ladder and the figures.

Writes go through ``actions.do_*``; protected rows are fetched through the
``get_*_for_user`` accessors (404 alike for missing and forbidden): a bank sees only the
needs sent to its own products, an enterprise only its own needs, staff their district's.
"""

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dgov.accounts.access import AuthedRequest, StaffRequest, staff_or_403
from dgov.financing import actions, reports, rules
from dgov.financing.forms import AnswerForm, BankForm, FollowUpForm, NeedForm, OfficerForm, ProductForm
from dgov.financing.models import (
    Bank,
    BankOfficer,
    FinancingNeed,
    NeedStatus,
    Offer,
    OfferStatus,
    OfferStep,
    Product,
)
from dgov.financing.permissions import MANAGE_BANKS, SUPERVISE, VIEW
from dgov.lib import clock
from dgov.lib.xlsx import Sheet, workbook_response
from dgov.policies.facts import ENTERPRISE_FACTS
from dgov.policies.views import get_profile_for_user, profiles_of

PAGE_SIZE = 50
LIGHT_KIND = "financing"


def _messages_of(error: ValidationError) -> list[str]:
    return [str(m) for m in error.messages]


def _light(offer: Offer, today: dt.date) -> str:
    return offer.deadline.light(today, kind=LIGHT_KIND).value if offer.status == OfferStatus.PENDING else ""


# Guarded accessors -------------------------------------------------------------------------


def _officer(request: HttpRequest) -> BankOfficer:
    officer = rules.officer_of(request.user)
    if officer is None:
        raise PermissionDenied(_("This page is for the banks' officers."))
    return officer


def get_offer_for_bank(request: HttpRequest, pk: int) -> Offer:
    officer = _officer(request)
    try:
        return Offer.objects.select_related("need__profile", "product", "bank", "deadline").get(
            pk=pk, bank_id=officer.bank_id
        )
    except Offer.DoesNotExist:
        raise Http404 from None


def get_need_for_enterprise(request: HttpRequest, pk: int) -> FinancingNeed:
    mine = [p.pk for p in profiles_of(request.user)]
    try:
        return FinancingNeed.objects.select_related("profile__applicant").get(pk=pk, profile_id__in=mine)
    except FinancingNeed.DoesNotExist:
        raise Http404 from None


def get_need_for_staff(request: HttpRequest, pk: int) -> FinancingNeed:
    user = staff_or_403(request, VIEW, SUPERVISE)
    try:
        return FinancingNeed.objects.visible_to(user).select_related("profile", "granted_product__bank").get(pk=pk)
    except FinancingNeed.DoesNotExist:
        raise Http404 from None


def get_offer_for_staff(request: HttpRequest, pk: int) -> Offer:
    user = staff_or_403(request, VIEW, SUPERVISE)
    try:
        return Offer.objects.visible_to(user).select_related("need__profile", "bank", "product", "deadline").get(pk=pk)
    except Offer.DoesNotExist:
        raise Http404 from None


def get_bank_for_user(request: HttpRequest, pk: int) -> Bank:
    officer = rules.officer_of(request.user)
    if officer is not None:
        if officer.bank_id != pk:
            raise Http404
        return officer.bank
    user = staff_or_403(request, MANAGE_BANKS)
    try:
        return Bank.objects.visible_to(user).get(pk=pk)
    except Bank.DoesNotExist:
        raise Http404 from None


# The enterprise ----------------------------------------------------------------------------


def _needs_of(profile_ids: list[int]) -> list[FinancingNeed]:
    offers = Offer.objects.select_related("bank", "product", "deadline").order_by("pk")
    return list(
        FinancingNeed.objects.filter(profile_id__in=profile_ids)
        .select_related("profile", "granted_product__bank")
        .prefetch_related(Prefetch("offers", queryset=offers))
        .order_by("-submitted_at")[:50]
    )


@login_required
@require_GET
def mine(request: AuthedRequest) -> HttpResponse:
    """The enterprise's financing needs, where each went and what each bank answered."""
    profiles = profiles_of(request.user)
    needs = _needs_of([p.pk for p in profiles])
    for need in needs:
        need.may_withdraw = rules.may_withdraw_need(request.user, need)  # type: ignore[attr-defined]
    return render(
        request,
        "financing/mine.html",
        {"profiles": profiles, "needs": needs, "form": NeedForm(), "today": clock.today()},
    )


@login_required
@require_POST
def need_new(request: AuthedRequest, pk: int) -> HttpResponse:
    profile = get_profile_for_user(request, pk)
    form = NeedForm(request.POST)
    if not form.is_valid():
        needs = _needs_of([p.pk for p in profiles_of(request.user)])
        context = {"profiles": [profile], "needs": needs, "form": form, "today": clock.today()}
        return render(request, "financing/mine.html", context, status=400)
    data = form.cleaned_data
    need = actions.do_submit_need(
        profile,
        by=request.user,
        amount=data["amount"],
        term_months=data["term_months"],
        purpose=data["purpose"],
        collateral=data["collateral"],
        idempotency_key=str(data["key"] or ""),
    )
    if need.status == NeedStatus.UNMATCHED:
        messages.warning(request, _("No bank product fits this need yet; it is tried again when products are added."))
    else:
        messages.success(request, _("The need went to %(n)s bank products.") % {"n": need.offers.count()})
    return redirect("financing:mine")


@login_required
@require_POST
def need_withdraw(request: AuthedRequest, pk: int) -> HttpResponse:
    need = get_need_for_enterprise(request, pk)
    actions.do_withdraw_need(need, by=request.user)
    messages.success(request, _("The need is withdrawn."))
    return redirect("financing:mine")


# The bank ----------------------------------------------------------------------------------


@login_required
@require_GET
def desk(request: AuthedRequest) -> HttpResponse:
    """The bank's desk: needs sent to its products, the earliest due first, with the light."""
    officer = _officer(request)
    today = clock.today()
    pending = list(
        Offer.objects.pending()
        .filter(bank_id=officer.bank_id)
        .select_related("need__profile", "product", "deadline")
        .order_by("deadline__due_date", "pk")[:200]
    )
    for offer in pending:
        offer.light = _light(offer, today)  # type: ignore[attr-defined]
    answered = (
        Offer.objects.filter(bank_id=officer.bank_id)
        .exclude(status=OfferStatus.PENDING)
        .select_related("need__profile", "product")
        .order_by("-answered_on", "-pk")[:50]
    )
    products = Product.objects.filter(bank_id=officer.bank_id).order_by("name")
    return render(
        request,
        "financing/desk.html",
        {"officer": officer, "bank": officer.bank, "pending": pending, "answered": answered, "products": products},
    )


FACTS_SHOWN = ("industry", "size", "years_in_operation", "employees", "revenue", "tax_paid", "certificates")


def _offer_context(request: HttpRequest, offer: Offer, form: AnswerForm | None = None, **extra: Any) -> dict[str, Any]:
    profile = offer.need.profile
    today = clock.today()
    facts = [
        (
            ENTERPRISE_FACTS[name],
            ENTERPRISE_FACTS[name].display(ENTERPRISE_FACTS.value_of(ENTERPRISE_FACTS[name], profile)),
        )
        for name in FACTS_SHOWN
    ]
    return {
        "offer": offer,
        "need": offer.need,
        "facts": facts,
        "light": _light(offer, today),
        "due": offer.deadline.compute_due(),
        "steps": OfferStep.objects.filter(offer=offer).select_related("by", "deadline"),
        "may_answer": rules.may_answer(request.user, offer),
        "form": form or AnswerForm(initial={"amount": offer.need.amount, "term_months": offer.need.term_months}),
        "errors": extra.get("errors", []),
    }


@login_required
@require_http_methods(["GET", "POST"])
def offer_page(request: AuthedRequest, pk: int) -> HttpResponse:
    """One need sent to the bank, and the bank's answer."""
    offer = get_offer_for_bank(request, pk)
    if request.method == "GET":
        return render(request, "financing/offer.html", _offer_context(request, offer))
    form = AnswerForm(request.POST)
    if not form.is_valid():
        return render(request, "financing/offer.html", _offer_context(request, offer, form), status=400)
    data = form.cleaned_data
    try:
        actions.do_answer(
            offer,
            by=request.user,
            grant=data["decision"] == "grant",
            amount=data["amount"],
            rate=data["rate"],
            term_months=data["term_months"],
            reason=data["reason"],
        )
    except ValidationError as error:
        context = _offer_context(request, offer, form, errors=_messages_of(error))
        return render(request, "financing/offer.html", context, status=400)
    messages.success(request, _("Your answer is recorded and the enterprise is told."))
    return redirect("financing:desk")


@login_required
@require_http_methods(["GET", "POST"])
def product_new(request: AuthedRequest, pk: int) -> HttpResponse:
    """A bank's new product (by its officer, or by the enterprise service office)."""
    bank = get_bank_for_user(request, pk)
    from dgov.lib.rules import enforce

    enforce(rules.may_manage_products(request.user, bank))
    form = ProductForm(request.POST or None)
    context: dict[str, Any] = {"form": form, "bank": bank, "facts": ENTERPRISE_FACTS.facts}
    if request.method == "GET":
        return render(request, "financing/product_form.html", context)
    if not form.is_valid():
        return render(request, "financing/product_form.html", context, status=400)
    data = {k: v for k, v in form.cleaned_data.items() if k != "conditions"}
    try:
        actions.do_save_product(bank, data, form.parsed, by=request.user)
    except ValidationError as error:
        context["errors"] = _messages_of(error)
        return render(request, "financing/product_form.html", context, status=400)
    messages.success(request, _("The product is saved; new needs that fit it go to it."))
    return redirect("financing:desk" if rules.officer_of(request.user) else "financing:banks")


# Staff -------------------------------------------------------------------------------------


@login_required
@require_GET
def needs(request: StaffRequest) -> HttpResponseBase:
    """Every need of the district; ``?late=1``: offers waiting above the bank."""
    user = staff_or_403(request, VIEW, SUPERVISE)
    today = clock.today()
    rows = FinancingNeed.objects.visible_to(user).select_related("profile", "granted_product__bank")
    status = request.GET.get("status", "")
    if status in NeedStatus.values:
        rows = rows.filter(status=status)
    if request.GET.get("format") == "xlsx":
        return workbook_response("financing-needs.xlsx", [_needs_sheet(rows)])
    late = (
        Offer.objects.visible_to(user)
        .pending()
        .exclude(level="bank")
        .select_related("need__profile", "bank", "product", "deadline")
        .order_by("deadline__due_date", "pk")[:100]
    )
    for offer in late:
        offer.light = _light(offer, today)  # type: ignore[attr-defined]
    page = Paginator(rows.order_by("-submitted_at", "-pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "financing/needs.html",
        {"page": page, "late": late, "status": status, "statuses": NeedStatus.choices},
    )


def _needs_sheet(rows: Any) -> Sheet:
    header = [
        _("Enterprise"),
        _("Amount (万元)"),
        _("Term (months)"),
        _("Purpose"),
        _("Status"),
        _("Submitted on"),
        _("Amount granted (万元)"),
        _("Rate (% a year)"),
        _("Bank"),
    ]
    return Sheet(
        str(_("Financing needs")),
        header,
        (
            [
                n.profile.name,
                n.amount,
                n.term_months,
                n.purpose,
                n.get_status_display(),
                n.submitted_on,
                n.granted_amount,
                n.granted_rate,
                str(n.granted_product.bank) if n.granted_product else "",
            ]
            for n in rows.order_by("-submitted_at")
        ),
    )


@login_required
@require_GET
def need_page(request: StaffRequest, pk: int) -> HttpResponse:
    need = get_need_for_staff(request, pk)
    return render(request, "financing/need.html", _need_context(request, need))


def _need_context(request: HttpRequest, need: FinancingNeed, **extra: Any) -> dict[str, Any]:
    today = clock.today()
    offers = list(
        Offer.objects.filter(need=need)
        .select_related("bank", "product", "answered_by", "deadline")
        .prefetch_related(Prefetch("steps", queryset=OfferStep.objects.select_related("by", "deadline")))
    )
    for offer in offers:
        offer.light = _light(offer, today)  # type: ignore[attr-defined]
        offer.due = offer.deadline.compute_due()  # type: ignore[attr-defined]
        offer.may_follow_up = rules.may_follow_up(request.user, offer, today)  # type: ignore[attr-defined]
    return {
        "need": need,
        "offers": offers,
        "form": extra.get("form") or FollowUpForm(),
        "failed": extra.get("failed"),
        "errors": extra.get("errors", []),
    }


@login_required
@require_POST
def follow_up(request: StaffRequest, pk: int) -> HttpResponse:
    offer = get_offer_for_staff(request, pk)
    form = FollowUpForm(request.POST)
    if not form.is_valid():
        context = _need_context(request, offer.need, form=form, failed=offer.pk)
        return render(request, "financing/need.html", context, status=400)
    actions.do_follow_up(offer, by=request.user, note=form.cleaned_data["note"])
    messages.success(request, _("The follow-up is recorded and the bank is told."))
    return redirect("financing:need", pk=offer.need_id)


@login_required
@require_http_methods(["GET", "POST"])
def banks(request: StaffRequest) -> HttpResponse:
    """The banks taking part, their officers and products; register a bank or an officer."""
    user = staff_or_403(request, VIEW, MANAGE_BANKS)
    district = user.district
    assert district is not None
    bank_form = BankForm(request.POST if request.POST.get("form") == "bank" else None, prefix="bank")
    officer_form = OfficerForm(request.POST if request.POST.get("form") == "officer" else None, prefix="officer")
    errors: list[str] = []
    status = 200
    if request.method == "POST":
        try:
            if request.POST.get("form") == "bank" and bank_form.is_valid():
                actions.do_add_bank(district, by=user, **bank_form.cleaned_data)
                messages.success(request, _("The bank is registered."))
                return redirect("financing:banks")
            if request.POST.get("form") == "officer" and officer_form.is_valid():
                bank = get_bank_for_user(request, int(request.POST.get("bank_id") or 0))
                actions.do_add_officer(bank, by=user, **officer_form.cleaned_data)
                messages.success(request, _("The bank officer can log in now."))
                return redirect("financing:banks")
        except ValidationError as error:
            errors = _messages_of(error)
        status = 400
    rows = (
        Bank.objects.visible_to(user)
        .prefetch_related("products", Prefetch("officers", queryset=BankOfficer.objects.select_related("user")))
        .order_by("name", "branch")
    )
    return render(
        request,
        "financing/banks.html",
        {
            "banks": rows,
            "bank_form": bank_form,
            "officer_form": officer_form,
            "may_manage": rules.may_manage_banks(user, district.pk),
            "errors": errors,
        },
        status=status,
    )


@login_required
@require_GET
def report(request: StaffRequest) -> HttpResponse:
    """The figures: needs, matched, financed, average rate, days to an answer; per bank."""
    user = staff_or_403(request, VIEW, SUPERVISE)
    today = clock.today()
    start, end = dt.date(today.year, 1, 1), today
    try:
        if request.GET.get("start"):
            start = dt.date.fromisoformat(request.GET["start"])
        if request.GET.get("end"):
            end = dt.date.fromisoformat(request.GET["end"])
    except ValueError:
        context = {"errors": [_("Dates are written YYYY-MM-DD.")], "start": start, "end": end}
        return render(request, "financing/report.html", context, status=400)
    district_id = user.district_id
    assert district_id is not None
    return render(
        request,
        "financing/report.html",
        {
            "figures": reports.figures(district_id, start, end),
            "banks": reports.by_bank(district_id, start, end),
            "start": start,
            "end": end,
        },
    )
