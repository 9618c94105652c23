"""Pages of the policy library (staff), the enterprise's own policies page, and the public
library with the published grants (open data).

Writes go through ``actions.do_*``; protected rows are fetched through the
``get_*_for_user`` accessors (404 alike for missing and forbidden). Buttons come from the
``rules.may_*`` verdicts the actions enforce.
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q, Sum
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dgov.accounts.access import AuthedRequest, StaffRequest, staff_or_403
from dgov.accounts.models import Applicant, District, User
from dgov.applications.models import Application
from dgov.lib import clock
from dgov.lib.xlsx import ImportRejected, Sheet, workbook_response
from dgov.policies import actions, matching, rules
from dgov.policies.conditions import Condition
from dgov.policies.facts import CONFIRMABLE, ENTERPRISE_FACTS
from dgov.policies.forms import (
    ConfirmListForm,
    FactsForm,
    GrantApplicationForm,
    ImportForm,
    PolicyForm,
    WithdrawForm,
)
from dgov.policies.models import EnterpriseProfile, Grant, Mode, Policy, PolicyMatch, PolicyStatus
from dgov.policies.permissions import GRANT, MANAGE, VIEW
from dgov.policies.spreadsheet import library_sheet

PAGE_SIZE = 50


def _messages_of(error: ValidationError) -> list[str]:
    return [str(m) for m in error.messages]


# Guarded accessors -----------------------------------------------------------------------


def get_policy_for_user(request: HttpRequest, pk: int) -> Policy:
    user = staff_or_403(request, VIEW, MANAGE, GRANT)
    try:
        return Policy.objects.visible_to(user).select_related("department", "service_item").get(pk=pk)
    except Policy.DoesNotExist:
        raise Http404 from None


def profiles_of(user: Any) -> list[EnterpriseProfile]:
    """The enterprise profiles a logged-in enterprise answers for (made on first use)."""
    if getattr(user, "kind", "") != User.Kind.ENTERPRISE:
        raise PermissionDenied(_("This page is for enterprises."))
    applicants = Applicant.objects.filter(user=user, kind=Applicant.Kind.ENTERPRISE).select_related("district")
    return [actions.profile_for(a) for a in applicants]


def get_profile_for_user(request: HttpRequest, pk: int) -> EnterpriseProfile:
    for profile in profiles_of(request.user):
        if profile.pk == pk:
            return profile
    raise Http404


def get_public_policy(pk: int) -> Policy:
    try:
        return Policy.objects.exclude(status=PolicyStatus.DRAFT).select_related("department").get(pk=pk)
    except Policy.DoesNotExist:
        raise Http404 from None


# The library (staff) ----------------------------------------------------------------------


@login_required
@require_GET
def library(request: StaffRequest) -> HttpResponseBase:
    user = staff_or_403(request, VIEW, MANAGE, GRANT)
    today = clock.today()
    rows = (
        Policy.objects.visible_to(user)
        .select_related("department")
        .annotate(matched=Count("matches", filter=Q(matches__active=True)))
        .order_by("-valid_from", "pk")
    )
    status = request.GET.get("status", "")
    if status == "in_force":
        rows = rows.in_force(today)
    elif status in PolicyStatus.values:
        rows = rows.filter(status=status)
    elif status == "mine" and user.department_id:
        rows = rows.filter(department_id=user.department_id)
    if request.GET.get("format") == "xlsx":
        return workbook_response("policies.xlsx", [library_sheet(Policy.objects.visible_to(user))])
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    for policy in page:
        policy.in_force = policy.in_force_on(today)  # type: ignore[attr-defined]
    return render(
        request,
        "policies/library.html",
        {
            "page": page,
            "status": status,
            "statuses": PolicyStatus.choices,
            "may_manage": rules.may_manage_policies(user, user.district_id),
            "last_run": matching.MatchRun.objects.filter(finished_at__isnull=False).first(),
        },
    )


def _policy_context(request: HttpRequest, policy: Policy, **extra: Any) -> dict[str, Any]:
    user: User = request.user  # type: ignore[assignment]
    today = clock.today()
    pending = list(actions.pending_list(policy, today)[:500]) if policy.mode == Mode.AUTOMATIC else []
    context: dict[str, Any] = {
        "policy": policy,
        "checks": [ENTERPRISE_FACTS.describe(c) for c in policy.parsed_conditions],
        "in_force": policy.in_force_on(today),
        "matched": PolicyMatch.objects.filter(policy=policy, active=True).count(),
        "pending": pending,
        "grants": Grant.objects.filter(policy=policy).select_related("by")[:200],
        "confirmations": policy.confirmations.select_related("by")[:20],
        "may_edit": rules.may_edit(user, policy),
        "may_publish": rules.may_publish(user, policy),
        "may_withdraw": rules.may_withdraw(user, policy),
        "may_confirm": rules.may_confirm_list(user, policy, today),
        "errors": extra.get("errors", []),
        "failed": extra.get("failed", ""),
    }
    context["withdraw_form"] = extra.get("withdraw") or WithdrawForm(prefix="withdraw")
    context["confirm_form"] = extra.get("confirm") or ConfirmListForm(
        prefix="confirm", pending=[(m.profile_id, m.profile.name) for m in pending]
    )
    if policy.mode == Mode.APPLICATION:
        granted = Grant.objects.filter(policy=policy).exclude(application=None).values("application_id")
        approved = (
            Application.objects.filter(item_id=policy.service_item_id, status__in=["approved", "completed"])
            .exclude(pk__in=granted)
            .select_related("applicant")
            .order_by("-decided_on", "pk")[:100]
        )
        context["approved"] = [(a, rules.may_grant_from_application(user, policy, a, today)) for a in approved]
        context["grant_form"] = extra.get("grant") or GrantApplicationForm(prefix="grant")
    return context


@login_required
@require_GET
def policy_page(request: StaffRequest, pk: int) -> HttpResponse:
    found = get_policy_for_user(request, pk)
    return render(request, "policies/policy.html", _policy_context(request, found))


@login_required
@require_POST
def policy_act(request: StaffRequest, pk: int, action: str) -> HttpResponse:
    """publish, withdraw, confirm (the list), grant (from an approved application)."""
    found = get_policy_for_user(request, pk)
    user = staff_or_403(request)
    today = clock.today()
    builders: dict[str, Any] = {
        "publish": lambda: None,
        "withdraw": lambda: WithdrawForm(request.POST, prefix="withdraw"),
        "confirm": lambda: ConfirmListForm(
            request.POST,
            prefix="confirm",
            pending=[(m.profile_id, m.profile.name) for m in actions.pending_list(found, today)],
        ),
        "grant": lambda: GrantApplicationForm(request.POST, prefix="grant"),
    }
    if action not in builders:
        raise Http404
    form = builders[action]()

    def again(status: int, errors: list[str] | None = None) -> HttpResponse:
        context = _policy_context(request, found, **{action: form, "failed": action, "errors": errors or []})
        return render(request, "policies/policy.html", context, status=status)

    if form is not None and not form.is_valid():
        return again(400)
    try:
        if action == "publish":
            actions.do_publish(found, by=user)
            message = _("The policy is published; the matching job finds who qualifies.")
        elif action == "withdraw":
            actions.do_withdraw(found, by=user, reason=form.cleaned_data["reason"])
            message = _("The policy is withdrawn: it matches no one from now on.")
        elif action == "confirm":
            done = actions.do_confirm_list(
                found, by=user, exclude=form.cleaned_data["exclude"], reason=form.cleaned_data["reason"]
            )
            message = _("%(n)s enterprises received the benefit (%(amount)s万); %(skipped)s were not granted.") % {
                "n": done.granted,
                "amount": actions._plain(done.granted_amount),
                "skipped": len(done.skipped),
            }
        else:
            application = (
                Application.objects.visible_to(user)
                .select_related("applicant")
                .filter(number=form.cleaned_data["number"].strip())
                .first()
            )
            if application is None:
                return again(400, [_("No application of the district has this number.")])
            grant = actions.do_grant_from_application(found, application, by=user)
            message = _("%(name)s received %(amount)s万.") % {
                "name": grant.enterprise_name,
                "amount": actions._plain(grant.amount),
            }
    except ValidationError as error:
        return again(400, _messages_of(error))
    messages.success(request, message)
    return redirect("policies:policy", pk=found.pk)


def _policy_form_page(request: HttpRequest, policy: Policy | None) -> HttpResponse:
    user = staff_or_403(request, MANAGE)
    district = user.district
    assert district is not None
    initial = None
    if policy is not None:
        initial = {name: getattr(policy, name) for name in actions.POLICY_FIELDS}
        initial["conditions"] = policy.conditions_text
    form = PolicyForm(request.POST or None, initial=initial, district_id=district.pk)
    context: dict[str, Any] = {"form": form, "policy": policy, "facts": ENTERPRISE_FACTS.facts}
    if request.method == "GET":
        return render(request, "policies/policy_form.html", context)
    if not form.is_valid():
        return render(request, "policies/policy_form.html", context, status=400)
    data = {k: v for k, v in form.cleaned_data.items() if k != "conditions"}
    try:
        saved = actions.do_save_policy(district, data, form.parsed, by=user, policy=policy)
    except ValidationError as error:
        context["errors"] = _messages_of(error)
        return render(request, "policies/policy_form.html", context, status=400)
    messages.success(request, _("The policy is saved as a draft."))
    return redirect("policies:policy", pk=saved.pk)


@login_required
@require_http_methods(["GET", "POST"])
def policy_new(request: StaffRequest) -> HttpResponse:
    return _policy_form_page(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def policy_edit(request: StaffRequest, pk: int) -> HttpResponse:
    found = get_policy_for_user(request, pk)
    from dgov.lib.rules import enforce

    enforce(rules.may_edit(request.user, found))
    return _policy_form_page(request, found)


@login_required
@require_http_methods(["GET", "POST"])
def policy_import(request: StaffRequest) -> HttpResponse:
    user = staff_or_403(request, MANAGE)
    district = user.district
    assert district is not None
    form = ImportForm(request.POST or None, request.FILES or None)
    context: dict[str, Any] = {"form": form, "facts": ENTERPRISE_FACTS.facts}
    if request.method == "GET":
        return render(request, "policies/import.html", context)
    if not form.is_valid():
        return render(request, "policies/import.html", context, status=400)
    try:
        created = actions.do_import_policies(
            district, form.cleaned_data["file"].read(), by=user, publish=form.cleaned_data["publish"]
        )
    except ImportRejected as error:
        context["errors"] = error.messages
        return render(request, "policies/import.html", context, status=400)
    messages.success(request, _("%(n)s policies imported.") % {"n": len(created)})
    return redirect("policies:library")


@login_required
@require_GET
def grants(request: StaffRequest) -> HttpResponseBase:
    """Every grant of the district (staff), with its facts and who granted it."""
    user = staff_or_403(request, VIEW, MANAGE, GRANT)
    rows = Grant.objects.visible_to(user).select_related("policy", "by").order_by("-granted_at", "-pk")
    if request.GET.get("format") == "xlsx":
        return workbook_response("grants.xlsx", [_grants_sheet(rows, staff=True)])
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "policies/grants.html", {"page": page})


def _grants_sheet(rows: Any, *, staff: bool) -> Sheet:
    header = [_("Enterprise"), _("Policy"), _("Document number"), _("Amount (万元)"), _("Granted on")]
    if staff:
        header += [_("Received through"), _("How the amount is made"), _("Granted by")]

    def row(g: Grant) -> list[Any]:
        values: list[Any] = [g.enterprise_name, g.policy.title, g.policy.document_number, g.amount, g.granted_on]
        if staff:
            values += [g.get_via_display(), g.formula, str(g.by)]
        return values

    return Sheet(str(_("Grants")), header, (row(g) for g in rows.iterator(chunk_size=2000)))


# The enterprise's own page ----------------------------------------------------------------


@login_required
@require_GET
def mine(request: AuthedRequest) -> HttpResponse:
    """Policies for me: what each of my enterprises qualifies for now and why, what it
    could qualify for by confirming a fact, and what it received."""
    today = clock.today()
    sections = []
    for profile in profiles_of(request.user):
        found = matching.for_enterprise(profile, today)
        for row in found["matched"]:
            row["may_receive"] = rules.may_receive(request.user, row["policy"], profile, today)
        sections.append({"profile": profile, **found})
    from dgov.financing.models import BankOfficer

    return render(
        request,
        "policies/mine.html",
        {"sections": sections, "bank": BankOfficer.objects.filter(user=request.user).select_related("bank").first()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def facts(request: AuthedRequest, pk: int) -> HttpResponse:
    """The enterprise confirms or corrects the facts the platform holds about it."""
    profile = get_profile_for_user(request, pk)
    initial = actions.fact_values(profile)
    form = FactsForm(request.POST or None, initial=initial)
    rows = [
        (ENTERPRISE_FACTS[name], ENTERPRISE_FACTS[name].display(_value(profile, name)), profile.source_of(name))
        for name in [f.name for f in ENTERPRISE_FACTS.facts]
    ]
    context = {"profile": profile, "form": form, "rows": rows}
    if request.method == "GET":
        return render(request, "policies/facts.html", context)
    if not form.is_valid():
        return render(request, "policies/facts.html", context, status=400)
    changed = actions.do_confirm_facts(profile, form.facts(), by=request.user)
    messages.success(
        request,
        _("Your facts are confirmed (%(n)s changed); the matching job looks again within minutes.")
        % {"n": len(changed)},
    )
    return redirect("policies:mine")


def _value(profile: EnterpriseProfile, name: str) -> Any:
    fact = ENTERPRISE_FACTS[name]
    if name == "years_in_operation":
        from dgov.policies.conditions import whole_years

        return whole_years(profile.founded_on, clock.today()) if profile.founded_on else None
    if name == "certificates":
        return profile.certificate_set
    return getattr(profile, fact.column)


@login_required
@require_http_methods(["GET", "POST"])
def receive(request: AuthedRequest, pk: int, policy_pk: int) -> HttpResponse:
    """即申即享: the facts the policy reads, pre-filled; one click confirms them and, when
    the conditions hold, grants the benefit at once."""
    profile = get_profile_for_user(request, pk)
    policy = Policy.objects.filter(pk=policy_pk, district_id=profile.district_id).exclude(status="draft").first()
    if policy is None:
        raise Http404
    today = clock.today()
    from dgov.lib.rules import enforce

    enforce(rules.may_receive(request.user, policy, profile, today))
    names = [n for n in CONFIRMABLE if n in {c.fact for c in policy.parsed_conditions} | {policy.benefit_fact}]
    form = FactsForm(request.POST or None, initial=actions.fact_values(profile), only=names)
    verdict = ENTERPRISE_FACTS.check(policy.parsed_conditions, profile, today)
    amount, formula = policy.benefit_for(profile)
    context: dict[str, Any] = {
        "profile": profile,
        "policy": policy,
        "form": form,
        "verdict": verdict,
        "amount": amount,
        "formula": formula,
    }
    if request.method == "GET":
        return render(request, "policies/receive.html", context)
    if not form.is_valid():
        return render(request, "policies/receive.html", context, status=400)
    try:
        grant = actions.do_receive_one_click(policy, profile, by=request.user, facts=form.facts())
    except ValidationError as error:
        context["errors"] = _messages_of(error)
        context["verdict"] = ENTERPRISE_FACTS.check(policy.parsed_conditions, profile, today)
        return render(request, "policies/receive.html", context, status=400)
    messages.success(
        request,
        _("Granted: %(amount)s万 under %(policy)s.") % {"amount": actions._plain(grant.amount), "policy": policy.title},
    )
    return redirect("policies:mine")


# Public ------------------------------------------------------------------------------------


def _public_district() -> District:
    from django.conf import settings

    district = District.objects.filter(code=settings.DEFAULT_DISTRICT_CODE).first()
    if district is None:
        raise Http404
    return district


@require_GET
def public(request: HttpRequest) -> HttpResponse:
    """The policies in force, for everybody."""
    district = _public_district()
    rows = Policy.objects.in_force(clock.today()).filter(district=district).select_related("department")
    page = Paginator(rows.order_by("-valid_from", "pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "policies/public.html", {"page": page, "district": district})


@require_GET
def public_policy(request: HttpRequest, pk: int) -> HttpResponse:
    policy = get_public_policy(pk)
    today = clock.today()
    conditions: list[Condition] = policy.parsed_conditions
    return render(
        request,
        "policies/public_policy.html",
        {
            "policy": policy,
            "checks": [ENTERPRISE_FACTS.describe(c) for c in conditions],
            "in_force": policy.in_force_on(today),
        },
    )


@require_GET
def published_grants(request: HttpRequest) -> HttpResponseBase:
    """Open data: every grant published (enterprise, policy, amount, date), as a page and
    as a workbook."""
    district = _public_district()
    rows = Grant.objects.published().filter(district=district).select_related("policy").order_by("-granted_at", "-pk")
    policy = request.GET.get("policy", "")
    if policy.isdigit():
        rows = rows.filter(policy_id=int(policy))
    if request.GET.get("format") == "xlsx":
        return workbook_response("grants-published.xlsx", [_grants_sheet(rows, staff=False)])
    totals = rows.aggregate(n=Count("pk"), amount=Sum("amount"))
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "policies/published_grants.html", {"page": page, "totals": totals, "district": district})
