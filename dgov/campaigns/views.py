"""The campaign pages: the inspectors' board, a unit's own page, the task and problem
pages with their actions, the task-table import/export, and the public rectification
pages (mobile-friendly, on ``public_base.html``).

Every write goes through a ``do_*`` function; every protected row is fetched through one
guarded accessor (``get_campaign_for_user``, ``get_task_for_user``, ``get_problem_for_user``),
which answers 404 alike for missing and forbidden.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import IntegrityError
from django.db.models import Count, Max, Prefetch, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dgov.accounts.access import AuthedRequest, staff_district, staff_or_403
from dgov.accounts.models import Department, User
from dgov.campaigns import actions, rules
from dgov.campaigns.forms import (
    CampaignForm,
    DecisionForm,
    EvidenceDecisionForm,
    EvidenceForm,
    ExtensionForm,
    NoteForm,
    ProblemForm,
    ProgressForm,
    ReasonForm,
    StepForm,
    TaskImportForm,
)
from dgov.campaigns.models import (
    PUBLIC_VERBS,
    REPORT,
    SUPERVISE,
    Campaign,
    Event,
    Evidence,
    Extension,
    Light,
    Problem,
    Publication,
    Task,
)
from dgov.campaigns.reports import board_rows
from dgov.campaigns.rules import watches
from dgov.documents.models import Document
from dgov.documents.storage import document_response, record_download
from dgov.lib import clock
from dgov.lib.conflicts import Conflict
from dgov.lib.rules import Verdict, enforce
from dgov.lib.xlsx import ImportRejected, workbook_response
from dgov.ops.replica import reads_from_replica

UNIT_PAGE_TASKS = 100
# Requests and evidence waiting for an inspector, listed on the board.
BOARD_QUEUE = 50
LATEST_REPORTS = 20


def get_campaign_for_user(request: HttpRequest, pk: int) -> Campaign:
    """Staff of the campaign's district who watch the board or speak for a unit."""
    user = staff_or_403(request)
    if not (watches(user) or user.has_perm(REPORT)):
        raise Http404
    try:
        return Campaign.objects.visible_to(user).select_related("district").get(pk=pk)
    except Campaign.DoesNotExist:
        raise Http404 from None


def _sees_unit(user: Any, unit_ids: set[int]) -> bool:
    return watches(user) or (user.has_perm(REPORT) and user.department_id in unit_ids)


def get_task_for_user(request: HttpRequest, pk: int) -> Task:
    user = staff_or_403(request)
    try:
        task = (
            Task.objects.visible_to(user)
            .select_related("campaign__district", "lead_unit", "parent")
            .prefetch_related("co_units")
            .get(pk=pk)
        )
    except Task.DoesNotExist:
        raise Http404 from None
    if not _sees_unit(user, {task.lead_unit_id, *(u.pk for u in task.co_units.all())}):
        raise Http404
    return task


def get_problem_for_user(request: HttpRequest, pk: int) -> Problem:
    user = staff_or_403(request)
    try:
        problem = Problem.objects.select_related("campaign__district", "unit").get(
            pk=pk, campaign__district_id=staff_district(request).pk
        )
    except Problem.DoesNotExist:
        raise Http404 from None
    if not _sees_unit(user, {problem.unit_id}):
        raise Http404
    return problem


def _unit_of(campaign: Campaign, pk: int) -> Department:
    try:
        return Department.objects.get(pk=pk, district_id=campaign.district_id)
    except Department.DoesNotExist:
        raise Http404 from None


def _messages_of(error: ValidationError) -> list[str]:
    return [str(m) for m in error.messages]


# Campaigns ------------------------------------------------------------------------------


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    user = staff_or_403(request)
    if not (watches(user) or user.has_perm(REPORT)):
        raise PermissionDenied
    campaigns = Campaign.objects.visible_to(user).order_by("-starts_on", "-pk")
    return render(
        request,
        "campaigns/index.html",
        {
            "campaigns": campaigns,
            "may_create": rules.may_create_campaign(user, user.district),
            "watches": watches(user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def new(request: HttpRequest) -> HttpResponse:
    user = staff_or_403(request, SUPERVISE)
    verdict = rules.may_create_campaign(user, user.district)
    form = CampaignForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            campaign = actions.do_create_campaign(user.district, by=user, data=form.cleaned_data)
            return redirect("campaigns:board", campaign.pk)
        return render(request, "campaigns/new.html", {"form": form, "verdict": verdict}, status=400)
    return render(request, "campaigns/new.html", {"form": form, "verdict": verdict})


@login_required
@require_GET
def board(request: HttpRequest, pk: int) -> HttpResponse:
    """The inspectors' board: every unit with its lights; units that have not published
    their problem list by the deadline are flagged and listed first."""
    campaign = get_campaign_for_user(request, pk)
    user: Any = request.user
    if not watches(user):
        if user.department_id is None:
            raise PermissionDenied
        return redirect("campaigns:unit", campaign.pk, user.department_id)
    today = clock.today()
    rows = board_rows(campaign, today)
    totals = {k: sum(getattr(r, k) for r in rows) for k in ("tasks", "red", "yellow", "green", "problems")}
    pending = list(
        Extension.objects.filter(
            Q(task__campaign=campaign) | Q(problem__campaign=campaign), state=Extension.State.PENDING
        ).select_related("task__lead_unit", "problem__unit")[:BOARD_QUEUE]
    )
    evidence = list(
        Evidence.objects.filter(problem__campaign=campaign, state=Evidence.State.PENDING).select_related(
            "problem__unit"
        )[:BOARD_QUEUE]
    )
    chart = {
        "tooltip": {"trigger": "axis"},
        "grid": {"containLabel": True, "left": 8, "right": 8, "bottom": 8},
        "legend": {},
        "xAxis": {"type": "category", "data": [r.unit.name for r in rows[:30]], "axisLabel": {"rotate": 40}},
        "yAxis": {"type": "value"},
        "series": [
            {
                "name": str(label),
                "type": "bar",
                "stack": "lights",
                "color": color,
                "data": [getattr(r, key) for r in rows[:30]],
            }
            for key, label, color in (
                ("red", gettext_lazy("Overdue"), "#c0392b"),
                ("yellow", gettext_lazy("Due soon"), "#d68910"),
                ("green", gettext_lazy("On track"), "#1e8449"),
            )
        ],
    }
    return render(
        request,
        "campaigns/board.html",
        {
            "campaign": campaign,
            "rows": rows,
            "totals": totals,
            "today": today,
            "pending_extensions": pending,
            "pending_evidence": evidence,
            "supervises": rules.supervises(user, campaign),
            "chart": chart,
        },
    )


@login_required
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    user = staff_or_403(request)
    if not user.has_perm(REPORT) or user.department_id is None:
        raise PermissionDenied
    campaign = Campaign.objects.visible_to(user).order_by("-starts_on", "-pk").first()
    if campaign is None:
        return redirect("campaigns:index")
    return redirect("campaigns:unit", campaign.pk, user.department_id)


@login_required
@require_GET
def unit_page(request: HttpRequest, pk: int, unit_pk: int) -> HttpResponse:
    """A unit's own page: its tasks (as lead or co-unit) with lights, its problem list,
    its latest reports, and the publish button."""
    campaign = get_campaign_for_user(request, pk)
    user = request.user
    unit = _unit_of(campaign, unit_pk)
    if not _sees_unit(user, {unit.pk}):
        raise Http404
    today = clock.today()
    period_start = campaign.period_start(today)
    # Open tasks first, by deadline; a page of ``UNIT_PAGE_TASKS``.
    # A subquery, not a join: no DISTINCT over the whole table.
    co_tasks = Task.co_units.through.objects.filter(department_id=unit.pk).values("task_id")
    unit_tasks = (
        Task.objects.filter(campaign=campaign)
        .filter(Q(lead_unit=unit) | Q(pk__in=co_tasks))
        .only(
            "pk",
            "number",
            "content",
            "due_on",
            "original_due_on",
            "extensions",
            "lead_unit_id",
            "progress",
            "status",
            "caught_up_on",
            "red_carded",
        )
        .order_by("-status", "due_on", "number")
    )
    page = Paginator(unit_tasks, UNIT_PAGE_TASKS).get_page(request.GET.get("page"))
    tasks = list(page.object_list)
    labels = {light: str(light.label) for light in Light}
    base = reverse("campaigns:task", args=[0]).removesuffix("0/")
    for task in tasks:
        task.campaign = campaign
        task.today_light = task.light(today, period_start=period_start)
        # Plain values: the page renders hundreds of rows, and every filter costs.
        task.light_label = labels[task.today_light]
        task.due_iso = task.due_on.isoformat()
        carried = task.due_carried_to
        task.carried_iso = carried.isoformat() if carried else ""
        task.provisional = task.due_provisional
        task.url = f"{base}{task.pk}/"
        task.pct = str(task.progress)
        task.short = task.content if len(task.content) <= 80 else task.content[:79] + "…"
    problems = list(Problem.objects.filter(campaign=campaign, unit=unit).order_by("pk"))
    # Two plain queries merged here: one OR across two joins cannot use an index.
    latest = Event.objects.filter(verb=Event.Verb.REPORT).select_related("task", "problem", "by").order_by("-at", "-pk")
    reports = sorted(
        [
            *latest.filter(task__campaign=campaign, task__lead_unit=unit)[:LATEST_REPORTS],
            *latest.filter(problem__campaign=campaign, problem__unit=unit)[:LATEST_REPORTS],
        ],
        key=lambda e: (e.at, e.pk),
        reverse=True,
    )[:LATEST_REPORTS]
    may_add = rules.may_add_problem(user, campaign, unit)
    return render(
        request,
        "campaigns/unit.html",
        {
            "campaign": campaign,
            "unit": unit,
            "tasks": tasks,
            "page": page,
            "lead_label": _("lead"),
            "co_label": _("co-unit"),
            "closed_label": _("closed"),
            "problems": problems,
            "reports": reports,
            "today": today,
            "publish": rules.may_publish(user, campaign, unit),
            "publication": Publication.objects.filter(campaign=campaign, unit=unit).first(),
            "overdue": campaign.publication_overdue(today),
            "problem_form": ProblemForm() if may_add else None,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def import_tasks(request: AuthedRequest, pk: int) -> HttpResponse:
    from dgov.campaigns.spreadsheet import do_import_tasks, parse_tasks

    campaign = get_campaign_for_user(request, pk)
    enforce(rules.may_import_tasks(request.user, campaign))
    context: dict[str, Any] = {"campaign": campaign}
    if request.method != "POST":
        context["form"] = TaskImportForm()
        return render(request, "campaigns/import.html", context)
    form = TaskImportForm(request.POST, request.FILES)
    context["form"] = form
    if form.is_valid():
        try:
            parsed = parse_tasks(form.cleaned_data["file"], campaign)
            result = do_import_tasks(campaign, parsed, by=request.user)
        except ImportRejected as error:
            for problem in error.messages[:200]:
                form.add_error(None, problem)
        except IntegrityError:
            form.add_error(None, _("Someone else changed the task table a moment ago; try again."))
        else:
            messages.success(
                request,
                _("Imported: %(created)s new tasks, %(updated)s updated, %(unchanged)s unchanged.")
                % {"created": len(result.created), "updated": len(result.updated), "unchanged": result.unchanged},
            )
            return redirect("campaigns:board", campaign.pk)
    return render(request, "campaigns/import.html", context, status=400)


@reads_from_replica
@login_required
@require_GET
def export_tasks(request: HttpRequest, pk: int) -> FileResponse:
    from dgov.campaigns.spreadsheet import task_sheet

    campaign = get_campaign_for_user(request, pk)
    if not watches(request.user):
        raise PermissionDenied
    return workbook_response(f"tasks-{campaign.pk}.xlsx", [task_sheet(campaign)])


# Tasks ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Action:
    label: str | Promise
    # The action's predicate (``rules``), asked about the page's subject.
    verdict: Callable[[Any, Any], Verdict]
    form: Callable[[Any, HttpRequest, bool], Any]
    run: Callable[[Any, HttpRequest, Any], str]


def _bound(request: HttpRequest, bound: bool) -> tuple[Any, Any]:
    return (request.POST, request.FILES) if bound else (None, None)


def _simple(form_class: type) -> Callable[[Any, HttpRequest, bool], Any]:
    def build(subject: Any, request: HttpRequest, bound: bool) -> Any:
        data, files = _bound(request, bound)
        return form_class(data, files)

    return build


def _extension_form(subject: Any, request: HttpRequest, bound: bool) -> Any:
    data, _files = _bound(request, bound)
    return ExtensionForm(data, current=subject.due_on)


def _progress_form(task: Task, request: HttpRequest, bound: bool) -> Any:
    data, files = _bound(request, bound)
    return ProgressForm(data, files, leaf=not task.children.exists())


def _run_report(task: Task, request: HttpRequest, form: Any) -> str:
    data = form.cleaned_data
    actions.do_report_progress(
        task, by=_user(request), text=data["text"], percent=data.get("percent"), uploads=data["uploads"]
    )
    return _("The progress report is recorded.")


def _run_close(task: Task, request: HttpRequest, form: Any) -> str:
    actions.do_close_task(task, by=_user(request), note=form.cleaned_data["note"])
    return _("The task is closed.")


def _run_request_extension(subject: Any, request: HttpRequest, form: Any) -> str:
    actions.do_request_extension(
        subject, by=_user(request), reason=form.cleaned_data["reason"], new_due_on=form.cleaned_data["new_due_on"]
    )
    return _("The request for a new deadline is sent to the inspectors.")


def _run_decide_extension(subject: Any, request: HttpRequest, form: Any) -> str:
    extension = rules.pending_extension(subject)
    if extension is None:
        raise Conflict(_("There is no request waiting for a decision."))
    actions.do_decide_extension(
        extension, by=_user(request), grant=form.cleaned_data["grant"], note=form.cleaned_data["note"]
    )
    return _("The decision is recorded.")


def _run_red_card(task: Task, request: HttpRequest, form: Any) -> str:
    actions.do_red_card(task, by=_user(request), reason=form.cleaned_data["reason"])
    return _("The red card is shown.")


def _run_lift(task: Task, request: HttpRequest, form: Any) -> str:
    actions.do_lift_red_card(task, by=_user(request), reason=form.cleaned_data["reason"])
    return _("The red card is lifted.")


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]  # behind login_required


TASK_ACTIONS: dict[str, Action] = {
    "report": Action(gettext_lazy("Report progress"), rules.may_report_progress, _progress_form, _run_report),
    "close": Action(gettext_lazy("Close the task"), rules.may_close_task, _simple(NoteForm), _run_close),
    "request_extension": Action(
        gettext_lazy("Ask for a new deadline"), rules.may_request_extension, _extension_form, _run_request_extension
    ),
    "decide_extension": Action(
        gettext_lazy("Decide on the new deadline"),
        rules.may_decide_extension,
        _simple(DecisionForm),
        _run_decide_extension,
    ),
    "red_card": Action(gettext_lazy("Show a red card"), rules.may_red_card, _simple(ReasonForm), _run_red_card),
    "lift_red_card": Action(gettext_lazy("Lift the red card"), rules.may_lift_red_card, _simple(ReasonForm), _run_lift),
}


def _action_forms(
    request: HttpRequest, subject: Any, table: dict[str, Action], failed: str, failed_form: Any
) -> list[tuple[str, Action, Any, Verdict]]:
    """Each action the person may take with its form, each one refused with its reason (a
    disabled button), nothing for those that are not theirs."""
    shown = []
    for name, action in table.items():
        verdict = action.verdict(request.user, subject)
        if verdict:
            form = failed_form if name == failed else action.form(subject, request, False)
            shown.append((name, action, form, verdict))
        elif verdict.shown:
            shown.append((name, action, None, verdict))
    return shown


def _render_subject(
    request: HttpRequest,
    subject: Task | Problem,
    table: dict[str, Action],
    template: str,
    context: dict[str, Any],
    *,
    failed: str = "",
    failed_form: Any = None,
    errors: Any = None,
    status: int = 200,
) -> HttpResponse:
    """A task's or a problem's page, with its actions (``_action_forms``)."""
    context |= {
        "campaign": subject.campaign,
        "extensions": subject.extension_requests.select_related("requested_by", "decided_by"),
        "action_forms": _action_forms(request, subject, table, failed, failed_form),
        "failed": failed,
        "action_errors": errors or [],
    }
    return render(request, template, context, status=status)


def _render_task(request: HttpRequest, task: Task, **state: Any) -> HttpResponse:
    today = clock.today()
    children = list(task.children.select_related("lead_unit").order_by("number"))
    for child in children:
        child.campaign = task.campaign
        child.today_light = child.light(today)
    context = {
        "task": task,
        "base": reverse("campaigns:task", args=[task.pk]),
        "light": task.light(today),
        # A co-unit's head opens the task but not the lead unit's page: no link that 404s.
        "sees_unit": _sees_unit(request.user, {task.lead_unit_id}),
        "children": children,
        "events": task.events.select_related("by").prefetch_related("documents"),
    }
    return _render_subject(request, task, TASK_ACTIONS, "campaigns/task.html", context, **state)


@login_required
@require_GET
def task_page(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_task(request, get_task_for_user(request, pk))


def _act(
    request: HttpRequest, subject: Any, table: dict[str, Action], name: str, rerender: Callable[..., HttpResponse]
) -> HttpResponse:
    """One action: refused by its predicate (403 with the reason; 409 when it was done
    already), or the form validates (400) and the ``do_*`` acts (409 when somebody else
    acted first)."""
    action = table.get(name)
    if action is None:
        raise Http404
    form = action.form(subject, request, True)
    try:
        enforce(action.verdict(request.user, subject))  # a refusal comes before any complaint about the form
        if not form.is_valid():
            return rerender(request, subject, failed=name, failed_form=form, status=400)
        message = action.run(subject, request, form)
    except PermissionDenied as error:
        return rerender(request, subject, errors=[str(error)], status=403)
    except Conflict as error:
        return rerender(request, subject, errors=[str(error)], status=409)
    except ValidationError as error:
        return rerender(request, subject, failed=name, failed_form=form, errors=_messages_of(error), status=400)
    messages.success(request, message)
    return redirect(request.path.rsplit("/", 2)[0] + "/")  # the subject's page


@login_required
@require_POST
def task_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    return _act(request, get_task_for_user(request, pk), TASK_ACTIONS, action, _render_task)


# Problems -------------------------------------------------------------------------------


@login_required
@require_POST
def add_problem(request: AuthedRequest, pk: int, unit_pk: int) -> HttpResponse:
    campaign = get_campaign_for_user(request, pk)
    unit = _unit_of(campaign, unit_pk)
    enforce(rules.may_add_problem(request.user, campaign, unit))
    form = ProblemForm(request.POST)
    if not form.is_valid():
        return render(
            request, "campaigns/problem_new.html", {"form": form, "campaign": campaign, "unit": unit}, status=400
        )
    try:
        problem = actions.do_add_problem(campaign, unit, by=request.user, data=form.cleaned_data)
    except ValidationError as error:
        for message in _messages_of(error):
            form.add_error(None, message)
        context = {"form": form, "campaign": campaign, "unit": unit}
        return render(request, "campaigns/problem_new.html", context, status=409)
    messages.success(request, _("The problem is added to the list."))
    return redirect("campaigns:problem", problem.pk)


@login_required
@require_POST
def publish(request: AuthedRequest, pk: int, unit_pk: int) -> HttpResponse:
    """Publish the unit's problem list: 403 with the reason when it may not (yet), 409
    when it was published already."""
    campaign = get_campaign_for_user(request, pk)
    unit = _unit_of(campaign, unit_pk)
    actions.do_publish(campaign, unit, by=request.user)
    messages.success(request, _("The problem list and its measures are published."))
    return redirect("campaigns:unit", campaign.pk, unit.pk)


def _run_problem_report(problem: Problem, request: HttpRequest, form: Any) -> str:
    actions.do_report_problem(problem, by=_user(request), text=form.cleaned_data["text"])
    return _("The progress report is recorded.")


def _run_evidence(problem: Problem, request: HttpRequest, form: Any) -> str:
    actions.do_submit_evidence(
        problem, by=_user(request), note=form.cleaned_data["note"], uploads=form.cleaned_data["uploads"]
    )
    return _("The evidence is sent to the inspectors.")


def _run_decide_evidence(problem: Problem, request: HttpRequest, form: Any) -> str:
    evidence = rules.pending_evidence(problem)
    if evidence is None:
        raise Conflict(_("There is no evidence waiting for a decision."))
    actions.do_decide_evidence(
        evidence, by=_user(request), accept=form.cleaned_data["accept"], note=form.cleaned_data["note"]
    )
    return _("The decision is recorded.")


PROBLEM_ACTIONS: dict[str, Action] = {
    "report": Action(
        gettext_lazy("Report a step of the rectification"),
        rules.may_report_problem,
        _simple(StepForm),
        _run_problem_report,
    ),
    "evidence": Action(
        gettext_lazy("Submit evidence of rectification"),
        rules.may_submit_evidence,
        _simple(EvidenceForm),
        _run_evidence,
    ),
    "decide_evidence": Action(
        gettext_lazy("Decide on the evidence"),
        rules.may_decide_evidence,
        _simple(EvidenceDecisionForm),
        _run_decide_evidence,
    ),
    "request_extension": TASK_ACTIONS["request_extension"],
    "decide_extension": TASK_ACTIONS["decide_extension"],
}


def _render_problem(request: HttpRequest, problem: Problem, **state: Any) -> HttpResponse:
    context = {
        "problem": problem,
        "base": reverse("campaigns:problem", args=[problem.pk]),
        "sees_unit": _sees_unit(request.user, {problem.unit_id}),
        "events": problem.events.select_related("by"),
        "evidence": problem.evidence.select_related("submitted_by", "decided_by").prefetch_related("documents"),
    }
    return _render_subject(request, problem, PROBLEM_ACTIONS, "campaigns/problem.html", context, **state)


@login_required
@require_GET
def problem_page(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_problem(request, get_problem_for_user(request, pk))


@login_required
@require_POST
def problem_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    return _act(request, get_problem_for_user(request, pk), PROBLEM_ACTIONS, action, _render_problem)


@login_required
@require_GET
def document(request: HttpRequest, pk: int) -> FileResponse:
    """An evidence file, to those who may see the task or problem it is attached to."""
    user = staff_or_403(request)
    try:
        doc = Document.objects.get(pk=pk, district_id=staff_district(request).pk)
    except Document.DoesNotExist:
        raise Http404 from None
    allowed = False
    for event in Event.objects.filter(documents=doc).select_related("task", "problem"):
        subject = event.task or event.problem
        units = rules.subject_units(subject)  # type: ignore[arg-type]
        allowed = allowed or _sees_unit(user, units)
    for evidence in Evidence.objects.filter(documents=doc).select_related("problem"):
        allowed = allowed or _sees_unit(user, {evidence.problem.unit_id})
    if not allowed:
        raise Http404
    response = document_response(doc)
    try:
        record_download(doc, user)
    except BaseException:
        response.close()
        raise
    return response


# Public pages ---------------------------------------------------------------------------


def _public_campaign(pk: int) -> Campaign:
    campaign = Campaign.objects.filter(pk=pk, publications__isnull=False).distinct().first()
    if campaign is None:
        raise Http404
    return campaign


@require_GET
def public_campaign(request: HttpRequest, pk: int) -> HttpResponse:
    """The units that published their problem lists, with how far they have got."""
    campaign = _public_campaign(pk)
    units = (
        Department.objects.filter(pk__in=Publication.objects.filter(campaign=campaign).values("unit"))
        .annotate(
            problems=Count("campaign_problems", filter=Q(campaign_problems__campaign=campaign)),
            closed=Count(
                "campaign_problems",
                filter=Q(campaign_problems__campaign=campaign, campaign_problems__state=Problem.State.CLOSED),
            ),
        )
        .order_by("code")
    )
    return render(request, "campaigns/public_campaign.html", {"campaign": campaign, "units": units})


@require_GET
def public_unit(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    """A unit's published problems: measures, deadlines (original and current, with the
    number of extensions), status and the rectification timeline."""
    campaign = _public_campaign(pk)
    publication = Publication.objects.filter(campaign=campaign, unit__code=code).select_related("unit").first()
    if publication is None:
        raise Http404
    problems = (
        Problem.objects.filter(campaign=campaign, unit=publication.unit)
        .prefetch_related(
            Prefetch(
                "events", queryset=Event.objects.filter(verb__in=PUBLIC_VERBS).order_by("at", "pk"), to_attr="timeline"
            )
        )
        .annotate(last=Max("events__at"))
        .order_by("pk")
    )
    return render(
        request,
        "campaigns/public_unit.html",
        {"campaign": campaign, "unit": publication.unit, "publication": publication, "problems": problems},
    )
