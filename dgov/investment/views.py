"""Pages of investment attraction: the pipeline and its charts, a project and its actions,
resident offices, agents (and an agent's own limited view), parks and land, settings.

Every write goes through a ``do_*`` function of ``actions``; every project is fetched
through ``get_project_for_user`` (404 alike for missing and forbidden). Each list page
answers ``?format=xlsx`` with the same list as a workbook.
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Sum
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from dgov.accounts.access import AuthedRequest, StaffRequest, staff_district
from dgov.accounts.models import District, User
from dgov.investment import actions, reports, rules
from dgov.investment.forms import (
    ActivityForm,
    AgentForm,
    AllocationForm,
    AmountForm,
    ClaimForm,
    GateForm,
    ImportForm,
    IncentiveRuleForm,
    LeadForm,
    NoteForm,
    OccupantReportForm,
    OfficeStaffForm,
    PauseForm,
    PaymentForm,
    PipelineFilterForm,
    PolicyForm,
    ProbabilityForm,
    ProjectForm,
    ReasonForm,
    StagePolicyForm,
    TargetForm,
    TargetResultForm,
    TransferForm,
    WaitingForm,
)
from dgov.investment.models import (
    PIPELINE,
    Agent,
    AgentClaim,
    Gate,
    InvestmentPolicy,
    OccupantReport,
    Parcel,
    Park,
    Project,
    ResidentOffice,
    Stage,
    StagePolicy,
    entitlement,
    plain,
    stage_settings,
)
from dgov.investment.permissions import (
    MANAGE_POLICY,
    MANAGE_PROJECT,
    SUBMIT_LEAD,
    VIEW_PIPELINE,
)
from dgov.investment.spreadsheet import COLUMNS, parse_projects
from dgov.lib import clock
from dgov.lib.conflicts import Conflict
from dgov.lib.rules import Verdict, enforce
from dgov.lib.xlsx import ImportRejected, Sheet, workbook_response
from dgov.ops.replica import reads_from_replica

PAGE_SIZE = 50


def _xlsx(name: str, header: Sequence[Any], rows: Iterable[Sequence[Any]]) -> FileResponse:
    return workbook_response(f"{name}.xlsx", [Sheet(name, header, rows)])


def _wants_xlsx(request: HttpRequest) -> bool:
    return request.GET.get("format") == "xlsx"


def get_project_for_user(request: HttpRequest, pk: int) -> Project:
    """The one guarded way to fetch a project (``rules.projects_for``): missing and
    forbidden look alike."""
    projects = rules.projects_for(request.user).select_related(
        "owner", "office", "industry", "created_by", "paid_in_verified_by"
    )
    try:
        return projects.get(pk=pk)  # type: ignore[no-any-return]
    except Project.DoesNotExist:
        raise Http404 from None


# The pipeline -----------------------------------------------------------------------


@login_required
@permission_required(VIEW_PIPELINE, raise_exception=True)
def pipeline(request: HttpRequest) -> HttpResponseBase:
    district = staff_district(request)
    today = clock.today()
    table = stage_settings(district.pk)
    form = PipelineFilterForm(request.GET or None, district=district)
    projects = form.apply(
        Project.objects.filter(district=district).select_related("owner", "office", "industry"), table, today
    )
    if _wants_xlsx(request):
        return _xlsx(
            "projects",
            [*COLUMNS, "owner", "probability", "probability_by_hand", "score", "idle"],
            (
                [
                    p.name,
                    p.investor,
                    p.investor_credit_code,
                    p.stage,
                    p.industry.code if p.industry else "",
                    p.office.name if p.office else "",
                    p.source,
                    "yes" if p.is_key else "no",
                    p.agreed_amount,
                    p.paid_in,
                    p.fixed_asset_investment,
                    p.jobs,
                    p.expected_output,
                    p.expected_tax,
                    p.land_mu,
                    p.floor_space,
                    p.energy_tce,
                    p.electricity_kwh,
                    str(p.owner or ""),
                    p.effective_probability(table),
                    "yes" if p.probability_is_manual else "no",
                    p.selection_score,
                    p.idle_flag(today, table),
                ]
                for p in projects.iterator(chunk_size=1000)
            ),
        )
    rows, total = reports.pipeline_summary(district.pk, table)
    page = Paginator(projects, PAGE_SIZE).get_page(request.GET.get("page"))
    for p in page:
        p.flag = p.idle_flag(today, table)  # type: ignore[attr-defined]
        p.shown_probability = p.effective_probability(table)  # type: ignore[attr-defined]
        p.paused = p.is_paused(today)  # type: ignore[attr-defined]
    context = {
        "form": form,
        "may_create": rules.may_create_project(request.user, district),
        "rows": rows,
        "total": total,
        "page": page,
        "funnel": reports.funnel_options(rows),
        "amounts": reports.amounts_options(rows),
    }
    return render(request, "investment/pipeline.html", context)


@reads_from_replica
@login_required
@permission_required(VIEW_PIPELINE, raise_exception=True)
def charts(request: HttpRequest) -> HttpResponse:
    district = staff_district(request)
    table = stage_settings(district.pk)
    rows, _total = reports.pipeline_summary(district.pk, table)
    results = reports.office_results(district.pk)
    context = {
        "funnel": reports.funnel_options(rows),
        "amounts": reports.amounts_options(rows),
        "ages": reports.ages_options(actions.stage_ages(district.pk)),
        "offices": reports.offices_options(results),
    }
    return render(request, "investment/charts.html", context)


# A project ---------------------------------------------------------------------------


@login_required
@permission_required(MANAGE_PROJECT, raise_exception=True)
@require_http_methods(["GET", "POST"])
def project_new(request: StaffRequest) -> HttpResponse:
    district = staff_district(request)
    enforce(rules.may_create_project(request.user, district))
    form = ProjectForm(request.POST or None, district=district)
    if request.method == "POST":
        if form.is_valid():
            try:
                project = actions.do_create_project(district, form.cleaned_data, by=request.user)
            except ValidationError as error:
                form.add_error("name", error)
            else:
                messages.success(request, _("Lead recorded."))
                return redirect("investment:project", project.pk)
        return render(request, "investment/project_form.html", {"form": form}, status=400)
    return render(request, "investment/project_form.html", {"form": form})


@login_required
@permission_required(MANAGE_PROJECT, raise_exception=True)
@require_http_methods(["GET", "POST"])
def project_edit(request: StaffRequest, pk: int) -> HttpResponse:
    project = get_project_for_user(request, pk)
    enforce(rules.may_manage(request.user, project))
    form = ProjectForm(request.POST or None, instance=project, district=project.district)
    if request.method == "POST":
        if form.is_valid():
            try:
                actions.do_update_project(Project.objects.get(pk=pk), form.cleaned_data, by=request.user)
            except ValidationError as error:
                form.add_error("is_key" if error.code == "secretaryship" else "name", error)
            else:
                messages.success(request, _("Project saved."))
                return redirect("investment:project", pk)
        return render(request, "investment/project_form.html", {"form": form, "project": project}, status=400)
    return render(request, "investment/project_form.html", {"form": form, "project": project})


def _project_context(request: AuthedRequest, project: Project, forms: dict[str, Any] | None = None) -> dict[str, Any]:
    user = request.user
    district = project.district
    table = stage_settings(project.district_id)
    policy = InvestmentPolicy.for_district(project.district_id)
    today = clock.today()
    claim = (
        AgentClaim.objects.filter(project=project)
        .select_related("agent", "rule", "project")
        .prefetch_related("rule__tiers", "rule__instalments", "payments")
        .first()
    )
    limited = not user.has_perm(VIEW_PIPELINE)
    checks = rules.gate_checks(project, policy)
    latest = rules.latest_reviews(project)
    context: dict[str, Any] = {
        "project": project,
        "limited": limited,
        "probability": project.effective_probability(table),
        "flag": project.idle_flag(today, table),
        "idle_days": project.idle_days(today),
        "paused": project.is_paused(today),
        "selection": project.selection(policy),
        "claim": claim,
        "entitlement": entitlement(claim) if claim else None,
        "stage_changes": project.stage_changes.select_related("by"),
        "gates": [(gate, checks[gate], latest.get(gate)) for gate in Gate],
        "stale_reviews": [r for r in latest.values() if not r.is_current(project)],
        "pipeline": PIPELINE,
        "stage_position": PIPELINE.index(Stage(project.stage)) if project.stage in PIPELINE else -1,
    }
    if limited:
        return context
    context |= {
        "owner_changes": project.owner_changes.select_related("by", "from_owner", "to_owner"),
        "activities": project.activities.select_related("by")[:20],
        "gate_reviews": project.gate_reviews.select_related("reviewer"),
        "allocations": project.allocations.select_related("parcel"),
        "verdicts": {name: spec.verdict(user, project) for name, spec in ACTIONS.items()},
        "may_manage": rules.may_manage(user, project),
        "note_form": NoteForm(),
        "reason_form": ReasonForm(),
        "activity_form": ActivityForm(),
        "probability_form": ProbabilityForm(initial={"probability": project.probability}),
        "transfer_form": TransferForm(district=district),
        "pause_form": PauseForm(),
        "gate_form": GateForm(),
        "claim_form": ClaimForm(district=district),
        "verify_form": AmountForm(initial={"amount": project.paid_in}),
        "payment_form": PaymentForm(initial={"paid_on": today}),
    }
    context |= forms or {}
    return context


@login_required
def project(request: AuthedRequest, pk: int) -> HttpResponse:
    project = get_project_for_user(request, pk)
    return render(request, "investment/project.html", _project_context(request, project))


Handler = Callable[[Project, dict[str, Any], User], str]


def _advance(p: Project, d: dict[str, Any], by: User) -> str:
    actions.do_advance(p, by=by, note=d["note"])
    return _("The project moved to %(stage)s.") % {"stage": Stage(p.stage).label}


def _lose(p: Project, d: dict[str, Any], by: User) -> str:
    actions.do_lose(p, by=by, reason=d["reason"])
    return _("The project is marked lost.")


def _restore(p: Project, d: dict[str, Any], by: User) -> str:
    actions.do_restore(p, by=by, note=d["note"])
    return _("The project is back at %(stage)s.") % {"stage": Stage(p.stage).label}


def _probability(p: Project, d: dict[str, Any], by: User) -> str:
    actions.do_set_probability(p, d["probability"], by=by)
    return _("Probability saved.")


def _transfer(p: Project, d: dict[str, Any], by: User) -> str:
    actions.do_transfer(p, to=d["owner"], by=by, reason=d["reason"])
    return _("The project now belongs to %(name)s.") % {"name": d["owner"]}


def _pause(p: Project, d: dict[str, Any], by: User) -> str:
    actions.do_pause(p, until=d["until"], reason=d["reason"], by=by)
    return _("The project is paused.")


def _resume(p: Project, d: dict[str, Any], by: User) -> str:
    actions.do_resume(p, by=by)
    return _("The project is resumed.")


def _activity(p: Project, d: dict[str, Any], by: User) -> str:
    actions.do_note_activity(p, text=d["text"], by=by)
    return _("Activity recorded.")


def _gate(p: Project, d: dict[str, Any], by: User) -> str:
    actions.do_review_gate(p, Gate(d["gate"]), passed=d["passed"], by=by, reference=d["reference"], note=d["note"])
    return _("Gate review recorded.")


def _claim(p: Project, d: dict[str, Any], by: User) -> str:
    actions.do_claim(d["agent"], p, by=by)
    return _("The agent's claim is recorded.")


def _verify(p: Project, d: dict[str, Any], by: User) -> str:
    actions.do_verify_paid_in(p, amount=d["amount"], by=by)
    return _("Paid-in capital verified.")


def _pay(p: Project, d: dict[str, Any], by: User) -> str:
    claim = AgentClaim.objects.filter(project=p).first()
    if claim is None:
        raise Conflict(_("No agent has claimed this project."))
    actions.do_pay_agent(claim, amount=d["amount"], paid_on=d["paid_on"], by=by, note=d["note"])
    return _("Payment recorded.")


@dataclass(frozen=True)
class Act:
    """One act on the project page: its form, its predicate (``rules``), the form's key
    in the page, and what it does."""

    form: Any
    verdict: Callable[[Any, Project], Verdict]
    key: str
    run: Handler


def _today(rule: Callable[[Any, Project, Any], Verdict]) -> Callable[[Any, Project], Verdict]:
    return lambda user, project: rule(user, project, clock.today())


ACTIONS: dict[str, Act] = {
    "advance": Act(NoteForm, rules.may_advance, "note_form", _advance),
    "lose": Act(ReasonForm, rules.may_lose, "reason_form", _lose),
    "restore": Act(NoteForm, rules.may_restore, "note_form", _restore),
    "probability": Act(ProbabilityForm, rules.may_manage, "probability_form", _probability),
    "transfer": Act(TransferForm, rules.may_manage, "transfer_form", _transfer),
    "pause": Act(PauseForm, _today(rules.may_pause), "pause_form", _pause),
    "resume": Act(NoteForm, _today(rules.may_resume), "note_form", _resume),
    "activity": Act(ActivityForm, rules.may_manage, "activity_form", _activity),
    "gate": Act(GateForm, rules.may_review_gate, "gate_form", _gate),
    "claim": Act(ClaimForm, rules.may_claim, "claim_form", _claim),
    "verify": Act(AmountForm, rules.may_verify_paid_in, "verify_form", _verify),
    "pay": Act(PaymentForm, rules.may_pay_agent, "payment_form", _pay),
}


@login_required
@require_POST
def act(request: AuthedRequest, pk: int, action: str) -> HttpResponse:
    """One act: refused by its predicate (403 with the reason, 409 when it was done
    already), or the form validates (400) and the ``do_*`` acts (409 when somebody else
    acted first)."""
    if action not in ACTIONS:
        raise Http404
    spec = ACTIONS[action]
    project = get_project_for_user(request, pk)
    enforce(spec.verdict(request.user, project))
    kwargs: dict[str, Any] = {"district": project.district} if spec.form in (TransferForm, ClaimForm) else {}
    form = spec.form(request.POST, **kwargs)
    status = 400
    if form.is_valid():
        try:
            messages.success(request, spec.run(project, form.cleaned_data, request.user))
            return redirect("investment:project", pk)
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        except Conflict as error:
            form.add_error(None, str(error))
            status = 409
        project = get_project_for_user(request, pk)
    context = _project_context(request, project, {spec.key: form, "failed": action, "failed_form": form})
    return render(request, "investment/project.html", context, status=status)


# Import ----------------------------------------------------------------------------


@login_required
@permission_required(MANAGE_PROJECT, raise_exception=True)
@require_http_methods(["GET", "POST"])
def import_projects(request: StaffRequest) -> HttpResponseBase:
    district = staff_district(request)
    enforce(rules.may_import_projects(request.user, district))
    if request.method == "GET":
        if _wants_xlsx(request):
            return _xlsx("projects", COLUMNS, [])
        return render(request, "investment/import.html", {"form": ImportForm(), "columns": COLUMNS})
    form = ImportForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            rows = parse_projects(form.cleaned_data["file"], district)
            created = actions.do_import_projects(district, rows, by=request.user)
        except ImportRejected as error:
            for problem in error.messages[:500]:
                form.add_error(None, problem)
        except ValidationError as error:  # a project of the file was added meanwhile
            form.add_error(None, error)
        else:
            messages.success(request, _("Imported %(n)s projects.") % {"n": len(created)})
            return redirect("investment:pipeline")
    return render(request, "investment/import.html", {"form": form, "columns": COLUMNS}, status=400)


# Resident offices ------------------------------------------------------------------


@login_required
@permission_required(VIEW_PIPELINE, raise_exception=True)
def offices(request: HttpRequest) -> HttpResponseBase:
    district = staff_district(request)
    results = reports.office_results(district.pk)
    if _wants_xlsx(request):
        return _xlsx(
            "offices",
            ["office", "city", "staff", "targets", "visited", "projects", "signed", "signed_amount"],
            (
                [
                    r.office.name,
                    r.office.city,
                    ", ".join(str(u) for u in r.office.staff.all()),
                    r.targets,
                    r.visited,
                    r.projects,
                    r.signed,
                    r.signed_amount,
                ]
                for r in results
            ),
        )
    return render(request, "investment/offices.html", {"results": results, "chart": reports.offices_options(results)})


@login_required
@permission_required(VIEW_PIPELINE, raise_exception=True)
@require_http_methods(["GET", "POST"])
def office(request: StaffRequest, pk: int) -> HttpResponseBase:
    district = staff_district(request)
    try:
        the_office = ResidentOffice.objects.filter(district=district).prefetch_related("staff").get(pk=pk)
    except ResidentOffice.DoesNotExist:
        raise Http404 from None
    verdict = rules.may_update_target(request.user, the_office)
    which = request.POST.get("which", "target") if request.method == "POST" else None  # a GET binds no form
    form = TargetForm(request.POST if which not in (None, "staff", "result") else None)
    staff_form = OfficeStaffForm(
        request.POST if which == "staff" else None,
        district=district,
        initial={"staff": list(the_office.staff.all())},
    )
    result_form = TargetResultForm(request.POST if which == "result" else None, office=the_office, prefix="result")
    status = 200
    if request.method == "POST":
        enforce(verdict)
        status = 400
        try:
            if which == "result" and result_form.is_valid():
                data = result_form.cleaned_data
                actions.do_update_target(
                    data["target"], status=data["status"], project=data["project"], by=request.user
                )
                messages.success(request, _("The result is recorded."))
                return redirect("investment:office", pk)
            if which == "staff" and staff_form.is_valid():
                actions.do_set_office_staff(the_office, staff=staff_form.cleaned_data["staff"], by=request.user)
                messages.success(request, _("Staff saved."))
                return redirect("investment:office", pk)
            if which == "target" and form.is_valid():
                actions.do_add_target(the_office, data=form.cleaned_data, by=request.user)
                messages.success(request, _("Company added to the target list."))
                return redirect("investment:office", pk)
        except ValidationError as error:
            {"result": result_form, "staff": staff_form}.get(which or "", form).add_error(None, error)
    targets = the_office.targets.select_related("project")
    if _wants_xlsx(request):
        return _xlsx(
            "targets",
            ["company", "industry", "status", "project", "note"],
            ([t.name, t.industry, t.get_status_display(), str(t.project or ""), t.note] for t in targets),
        )
    projects = the_office.projects.order_by("-agreed_amount")
    context = {
        "office": the_office,
        "targets": targets,
        "projects": projects,
        "form": form,
        "staff_form": staff_form,
        "result_form": result_form,
        "verdict": verdict,
    }
    return render(request, "investment/office.html", context, status=status)


# Agents ----------------------------------------------------------------------------


@login_required
@permission_required(VIEW_PIPELINE, raise_exception=True)
@require_http_methods(["GET", "POST"])
def agents(request: StaffRequest) -> HttpResponseBase:
    district = staff_district(request)
    verdict = rules.may_register_agent(request.user, district)
    form = AgentForm(request.POST or None, district=district)
    status = 200
    if request.method == "POST":
        enforce(verdict)
        if form.is_valid():
            actions.do_register_agent(district, by=request.user, **form.cleaned_data)
            messages.success(request, _("Agent registered."))
            return redirect("investment:agents")
        status = 400
    table = actions.owed_by_agent(district.pk)
    if _wants_xlsx(request):
        return _xlsx(
            "agents",
            ["agent", "office", "registered_at", "project", "claimed_at", "earned", "due", "paid", "owed", "why"],
            (
                [
                    agent.name,
                    str(agent.office or ""),
                    f"{timezone.localtime(agent.registered_at):%Y-%m-%d %H:%M}",
                    claim.project.name,
                    f"{timezone.localtime(claim.claimed_at):%Y-%m-%d %H:%M}",
                    e.earned,
                    e.due,
                    e.paid,
                    e.owed,
                    " ".join(e.reasons),
                ]
                for agent, claims, _owed in table
                for claim, e in claims
            ),
        )
    rule = actions.current_rule(district.pk)
    context = {"table": table, "form": form, "rule": rule, "verdict": verdict}
    return render(request, "investment/agents.html", context, status=status)


@login_required
@permission_required(SUBMIT_LEAD, raise_exception=True)
@require_http_methods(["GET", "POST"])
def my_leads(request: AuthedRequest) -> HttpResponse:
    """The agent's limited view: their own leads and what they are owed, nothing else."""
    user: User = request.user  # type: ignore[assignment]
    agent = Agent.objects.filter(user=user).first()
    if agent is None:
        return render(request, "investment/my_leads.html", {"agent": None}, status=403)
    form = LeadForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = dict(form.cleaned_data) | {"source": "agent", "office": agent.office}
            try:
                with transaction.atomic():
                    project = actions.do_create_project(agent.district, data, by=request.user)
                    actions.do_claim(agent, project, by=request.user)
            except ValidationError as error:
                if error.code == "duplicate":
                    # An agent must not learn which projects the district already has.
                    error = ValidationError(
                        _("This lead cannot be recorded; ask the investment promotion bureau."), code="refused"
                    )
                form.add_error(None, error)
            else:
                messages.success(request, _("Lead recorded."))
                return redirect("investment:my_leads")
        status = 400
    claims = (
        agent.claims.select_related("project", "rule", "agent")
        .prefetch_related("rule__tiers", "rule__instalments", "payments")
        .order_by("-claimed_at")
    )
    rows = [(claim, entitlement(claim)) for claim in claims]
    context = {"agent": agent, "rows": rows, "form": form}
    return render(request, "investment/my_leads.html", context, status=status)


# Parks and land --------------------------------------------------------------------


@login_required
@permission_required(VIEW_PIPELINE, raise_exception=True)
def parks(request: HttpRequest) -> HttpResponseBase:
    district = staff_district(request)
    year = clock.today().year - 1
    all_parks = list(Park.objects.filter(district=district))
    areas = {
        row["park"]: row
        for row in Parcel.objects.filter(district=district)
        .values("park")
        .annotate(area=Sum("area"), allocated=Sum("allocated"))
        .order_by()
    }
    reported = {
        row["park"]: row
        for row in OccupantReport.objects.filter(park__district=district)
        .values("park")
        .annotate(output=Sum("output"), tax=Sum("tax"))
        .order_by()
    }
    rows = []
    for park in all_parks:
        area = areas.get(park.pk, {})
        total, allocated = area.get("area") or Decimal(0), area.get("allocated") or Decimal(0)
        rows.append(
            {
                "park": park,
                "area": total,
                "allocated": allocated,
                "free": total - allocated,
                "output": reported.get(park.pk, {}).get("output") or Decimal(0),
                "tax": reported.get(park.pk, {}).get("tax") or Decimal(0),
                "waiting": park.waiting.count(),
            }
        )
    standalone = Parcel.objects.filter(district=district, park__isnull=True)
    if _wants_xlsx(request):
        return _xlsx(
            "parks",
            ["park", "area_m2", "allocated_m2", "free_m2", "output", "tax", "waiting"],
            ([r["park"].name, r["area"], r["allocated"], r["free"], r["output"], r["tax"], r["waiting"]] for r in rows),
        )
    context = {"rows": rows, "standalone": standalone, "year": year}
    return render(request, "investment/parks.html", context)


@login_required
@permission_required(VIEW_PIPELINE, raise_exception=True)
@require_http_methods(["GET", "POST"])
def park(request: StaffRequest, pk: int) -> HttpResponseBase:
    district = staff_district(request)
    try:
        the_park = Park.objects.filter(district=district).get(pk=pk)
    except Park.DoesNotExist:
        raise Http404 from None
    verdict = rules.may_manage_park(request.user, the_park)
    allocation_form = AllocationForm(district=district, auto_id="id_allocate_%s")
    waiting_form = WaitingForm(district=district, auto_id="id_waiting_%s")
    report_form = OccupantReportForm()
    status = 200
    if request.method == "POST":
        enforce(verdict)
        which = request.POST.get("which")
        if which == "allocate":
            allocation_form = AllocationForm(request.POST, district=district, auto_id="id_allocate_%s")
            form: Any = allocation_form
            parcel_id = request.POST.get("parcel", "")
            is_id = parcel_id.isascii() and parcel_id.isdigit() and len(parcel_id) <= 9  # "²" is a digit to isdigit()
            parcel = Parcel.objects.filter(park=the_park, pk=int(parcel_id)).first() if is_id else None
            if form.is_valid() and parcel is None:
                form.add_error(None, _("Choose a parcel of this park."))
        elif which == "waiting":
            waiting_form = WaitingForm(request.POST, district=district, auto_id="id_waiting_%s")
            form = waiting_form
        elif which == "report":
            report_form = OccupantReportForm(request.POST)
            form = report_form
        else:
            raise Http404
        if form.is_valid():
            try:
                if which == "report":
                    actions.do_report_occupant(the_park, by=request.user, **form.cleaned_data)
                    messages.success(request, _("Report saved."))
                elif which == "allocate":
                    assert parcel is not None
                    actions.do_allocate(
                        parcel, form.cleaned_data["project"], area=form.cleaned_data["area"], by=request.user
                    )
                    messages.success(request, _("Land allocated."))
                else:
                    actions.do_add_waiting(
                        the_park, form.cleaned_data["project"], area=form.cleaned_data["area"], by=request.user
                    )
                    messages.success(request, _("The firm is on the waiting list."))
                return redirect("investment:park", pk)
            except ValidationError as error:
                for message in error.messages:
                    form.add_error(None, message)
        status = 400
    parcels = list(the_park.parcels.prefetch_related("allocations__project"))
    waiting = actions.waiting_list(the_park)
    policy = InvestmentPolicy.for_district(district.pk)
    waiting_rows = [(entry, entry.project.selection(policy)) for entry in waiting]
    if _wants_xlsx(request):
        return _xlsx(
            "waiting",
            ["rank", "project", "investor", "area_wanted", "score", "formula", "since"],
            (
                [n, e.project.name, e.project.investor, e.area_wanted, s.total, s.formula, f"{e.since:%Y-%m-%d}"]
                for n, (e, s) in enumerate(waiting_rows, start=1)
            ),
        )
    context = {
        "park": the_park,
        "parcels": parcels,
        "waiting_rows": waiting_rows,
        "reports": the_park.reports.select_related("project"),
        "allocation_form": allocation_form,
        "waiting_form": waiting_form,
        "report_form": report_form,
        "verdict": verdict,
        "total": sum((p.area for p in parcels), Decimal(0)),
        "allocated": sum((p.allocated for p in parcels), Decimal(0)),
    }
    context["free"] = context["total"] - context["allocated"]
    return render(request, "investment/park.html", context, status=status)


# Settings --------------------------------------------------------------------------


@login_required
@permission_required(MANAGE_POLICY, raise_exception=True)
@require_POST
def incentive_rule(request: StaffRequest) -> HttpResponse:
    district = staff_district(request)
    form = IncentiveRuleForm(request.POST)
    if form.is_valid():
        actions.do_set_incentive_rule(district, by=request.user, **form.cleaned_data)
        messages.success(request, _("The new incentive rule is in force for new claims."))
        return redirect("investment:policy")
    return _policy_page(request, district, rule_form=form, status=400)


@login_required
@permission_required(MANAGE_POLICY, raise_exception=True)
@require_http_methods(["GET", "POST"])
def policy(request: StaffRequest) -> HttpResponse:
    district = staff_district(request)
    current = InvestmentPolicy.for_district(district.pk)
    table = stage_settings(district.pk)
    form = PolicyForm(request.POST or None, instance=current)
    stage_forms = [
        (
            stage,
            StagePolicyForm(
                request.POST or None,
                prefix=stage.value,
                instance=StagePolicy.objects.filter(district=district, stage=stage).first()
                or StagePolicy(district=district, stage=stage, **vars(table[stage])),
            ),
        )
        for stage in PIPELINE
    ]
    if request.method == "GET":
        return _policy_page(request, district)
    if form.is_valid() and all(f.is_valid() for _s, f in stage_forms):
        actions.do_save_policy(
            district,
            policy=form.save(commit=False),
            stages=[f.save(commit=False) for _s, f in stage_forms],
            changes={s.value: f.cleaned_data for s, f in stage_forms if f.has_changed()},
            by=request.user,
        )
        messages.success(request, _("Settings saved."))
        return redirect("investment:policy")
    return _policy_page(request, district, form=form, stage_forms=stage_forms, status=400)


def _policy_page(request: HttpRequest, district: District, status: int = 200, **forms: Any) -> HttpResponse:
    current = InvestmentPolicy.for_district(district.pk)
    table = stage_settings(district.pk)
    rule = actions.current_rule(district.pk)
    context: dict[str, Any] = {
        "form": PolicyForm(instance=current),
        "stage_forms": [
            (
                stage,
                StagePolicyForm(
                    prefix=stage.value,
                    instance=StagePolicy(district=district, stage=stage, **vars(table[stage])),
                ),
            )
            for stage in PIPELINE
        ],
        "rule": rule,
        "rule_form": IncentiveRuleForm(
            initial={
                "floor_fixed_assets": rule.floor_fixed_assets if rule else 3000,
                "cap": rule.cap if rule else 100,
                "tiers": ", ".join(
                    f"{plain(t.up_to) if t.up_to is not None else ''}:{plain(t.rate_permille)}"
                    for t in (rule.tiers.all() if rule else [])
                )
                or "1000:3, 10000:4, :5",
                "instalments": ", ".join(f"{i.stage}:{i.percent}" for i in (rule.instalments.all() if rule else []))
                or "construction:50, operation:50",
            }
        ),
    }
    context |= forms
    return render(request, "investment/policy.html", context, status=status)
