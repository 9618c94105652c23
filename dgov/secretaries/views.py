"""Pages of project service (for secretaries, leaders and departments), the enterprise's
signed-link pages, and the green channel.

Every write goes through a ``do_*`` function of ``actions``; protected rows are fetched
through the ``get_*_for_user`` accessors (404 alike for missing and forbidden).
"""

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dgov.accounts.access import AuthedRequest, staff_district, staff_or_403
from dgov.accounts.models import User
from dgov.accounts.roles import Role
from dgov.applications.models import Application
from dgov.documents.storage import do_store_uploads
from dgov.investment.models import Project
from dgov.lib import clock
from dgov.lib.conflicts import Conflict
from dgov.lib.links import public_url
from dgov.lib.rules import Verdict, enforce
from dgov.lib.xlsx import Sheet, workbook_response
from dgov.secretaries import actions, reports, rules
from dgov.secretaries.forms import (
    AssignForm,
    ConfirmContactForm,
    ContactForm,
    EscalateForm,
    EvidenceForm,
    GreenChannelForm,
    IssueForm,
    LeadOfficialForm,
    OverdueFilterForm,
    PeriodForm,
    RateForm,
    ReasonForm,
    ResolveForm,
    ScheduleForm,
)
from dgov.secretaries.models import (
    AssignmentChange,
    Contact,
    Engagement,
    EnterpriseIssue,
    GreenChannelCase,
    IssueStatus,
    Level,
    Secretaryship,
)
from dgov.secretaries.permissions import ASSIGN, HANDLE_ISSUE, LOG_CONTACT, MANAGE_GREEN, VIEW_GREEN, VIEW_SERVICE
from dgov.secretaries.reports import green_card
from dgov.secretaries.rules import issues_for
from dgov.workdays.lights import Light, light_case

PAGE_SIZE = 50


def _xlsx(name: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> FileResponse:
    return workbook_response(f"{name}.xlsx", [Sheet(name, header, rows)])


def _wants_xlsx(request: HttpRequest) -> bool:
    return request.GET.get("format") == "xlsx"


def _messages_of(error: ValidationError) -> list[str]:
    return [str(m) for m in error.messages]


def _perform(
    request: HttpRequest,
    verdict: Verdict,
    form: Any,
    run: Callable[[dict[str, Any]], str],
    again: Callable[..., HttpResponse],
    done: HttpResponse,
) -> HttpResponse:
    """One act of a page: refused by its predicate (403 with the reason, 409 when it was
    done already) before the form is read or any file stored; then the form (400); then
    the ``do_*`` in one transaction (409 when somebody else acted first)."""
    try:
        enforce(verdict)
        if not form.is_valid():
            return again(400)
        with transaction.atomic():
            message = run(form.cleaned_data)
    except PermissionDenied as error:
        return again(403, [str(error) or _("Your role does not allow this action.")])
    except ValidationError as error:
        return again(400, _messages_of(error))
    except Conflict as error:
        return again(409, [str(error)])
    messages.success(request, message)
    return done


# Guarded accessors ---------------------------------------------------------------------------


def get_project_for_user(request: HttpRequest, pk: int) -> Project:
    user = staff_or_403(request, VIEW_SERVICE)
    try:
        return Project.objects.visible_to(user).filter(is_key=True).get(pk=pk)
    except Project.DoesNotExist:
        raise Http404 from None


def get_issue_for_user(request: HttpRequest, pk: int) -> EnterpriseIssue:
    user = staff_or_403(request)
    try:
        return issues_for(user).select_related("project", "department", "deadline", "raised_by").get(pk=pk)
    except EnterpriseIssue.DoesNotExist:
        raise Http404 from None


def get_green_case_for_user(request: HttpRequest, pk: int) -> GreenChannelCase:
    user = staff_or_403(request, VIEW_GREEN)
    try:
        return (
            GreenChannelCase.objects.visible_to(user)
            .select_related(
                "application__item_version",
                "application__department",
                "application__promised_deadline",
                "application__legal_deadline",
                "project",
                "lead_official",
                "deadline",
            )
            .get(pk=pk)
        )
    except GreenChannelCase.DoesNotExist:
        raise Http404 from None


# Key projects ---------------------------------------------------------------------------------


def _contact_state(s: Secretaryship, cutoff: dt.date) -> str:
    return "overdue" if s.last_contact_on < cutoff else "ok"


def _open_issue_counts(district_id: int, project_ids: list[int] | None) -> dict[int, int]:
    """Open issues per project, for the projects shown (all of the district when ``None``)."""
    issues = EnterpriseIssue.objects.open().filter(district_id=district_id)
    if project_ids is not None:
        issues = issues.filter(project_id__in=project_ids)
    return dict(issues.values("project_id").annotate(n=Count("pk")).values_list("project_id", "n"))


@login_required
@require_GET
def projects(request: HttpRequest) -> HttpResponseBase:
    """Key projects with their secretary, leader and last counted contact; ``mine`` for a
    secretary or leader by default."""
    user = staff_or_403(request, VIEW_SERVICE)
    today = clock.today()
    cutoff = rules.contact_cutoff(today)
    form = OverdueFilterForm(request.GET or None)
    everyone = form.is_valid() and form.cleaned_data["everyone"]
    rows = (
        Secretaryship.objects.visible_to(user)
        .select_related("project", "secretary", "leader")
        .order_by("project__name", "pk")
    )
    if not everyone and (user.has_role(Role.PROJECT_SECRETARY) or user.has_role(Role.DISTRICT_LEADER)):
        rows = rows.of_person(user)
    if _wants_xlsx(request):
        counts = _open_issue_counts(staff_district(request).pk, None)
        return _xlsx(
            "key-projects",
            [
                _("Project"),
                _("Investor"),
                _("Stage"),
                _("Secretary"),
                _("Responsible leader"),
                _("Last counted contact"),
                _("Overdue"),
                _("Open issues"),
            ],
            (
                [
                    s.project.name,
                    s.project.investor,
                    s.project.get_stage_display(),
                    str(s.secretary),
                    str(s.leader),
                    s.last_contact_on,
                    _("yes") if s.last_contact_on < cutoff else _("no"),
                    counts.get(s.project_id, 0),
                ]
                for s in rows
            ),
        )
    unassigned = []
    if user.has_perm(ASSIGN):
        unassigned = list(
            Project.objects.visible_to(user)
            .filter(is_key=True, secretaryship__isnull=True)
            .order_by("name")[:PAGE_SIZE]
        )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    counts = _open_issue_counts(staff_district(request).pk, [s.project_id for s in page])
    for s in page:
        s.contact_state = _contact_state(s, cutoff)  # type: ignore[attr-defined]
        s.open_issues = counts.get(s.project_id, 0)  # type: ignore[attr-defined]
    return render(
        request,
        "secretaries/projects.html",
        {
            "page": page,
            "form": form,
            "everyone": everyone,
            "unassigned": unassigned,
            "cutoff": cutoff,
            "days": rules.contact_days(),
        },
    )


@login_required
@require_GET
def overdue(request: HttpRequest) -> HttpResponseBase:
    """Projects whose last counted contact is more than the set days old: the person's own
    (as secretary or leader), or everyone's."""
    user = staff_or_403(request, VIEW_SERVICE)
    today = clock.today()
    form = OverdueFilterForm(request.GET or None)
    everyone = form.is_valid() and form.cleaned_data["everyone"]
    rows = Secretaryship.objects.visible_to(user).overdue(today)
    if not everyone:
        rows = rows.of_person(user)
    rows = rows.select_related("project", "secretary", "leader").order_by("last_contact_on", "pk")
    if _wants_xlsx(request):
        return _xlsx(
            "overdue-contacts",
            [
                _("Project"),
                _("Investor"),
                _("Secretary"),
                _("Responsible leader"),
                _("Last counted contact"),
                _("Days since"),
            ],
            (
                [
                    s.project.name,
                    s.project.investor,
                    str(s.secretary),
                    str(s.leader),
                    s.last_contact_on,
                    rules.counted_days_between(s.last_contact_on, today),
                ]
                for s in rows.iterator()
            ),
        )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    for s in page:
        s.days_since = rules.counted_days_between(s.last_contact_on, today)  # type: ignore[attr-defined]
    return render(
        request,
        "secretaries/overdue.html",
        {
            "page": page,
            "form": form,
            "everyone": everyone,
            "days": rules.contact_days(),
            "cutoff": rules.contact_cutoff(today),
        },
    )


# The acts on a project's page and the predicate behind each (``rules``).
PROJECT_VERBS = {
    "assign": rules.may_assign,
    "contact": rules.may_serve,
    "schedule": rules.may_serve,
    "issue": rules.may_serve,
}


def _project_context(request: AuthedRequest, project: Project, **forms: Any) -> dict[str, Any]:
    user = request.user
    today = clock.today()
    secretaryship = Secretaryship.of(project)
    assign = rules.may_assign(user, project)
    is_secretary = bool(rules.may_serve(user, project))
    contacts = list(
        Contact.objects.filter(project=project).select_related("secretary").prefetch_related("attachments")[:100]
    )
    for contact in contacts:
        contact.link = (  # type: ignore[attr-defined]
            public_url(reverse("secretaries:confirm", args=[actions.confirmation_token(contact)]))
            if is_secretary and contact.confirmed_at is None
            else ""
        )
    issues = list(EnterpriseIssue.objects.filter(project=project).select_related("department", "deadline"))
    for i in issues:
        i.shown_light = i.light(today)  # type: ignore[attr-defined]
        i.due = i.deadline.compute_due()  # type: ignore[attr-defined]
    engagements = list(Engagement.objects.filter(project=project).order_by("-period_start", "kind"))
    for e in engagements:
        e.current_state = e.state(today)  # type: ignore[attr-defined]
    context: dict[str, Any] = {
        "project": project,
        "secretaryship": secretaryship,
        "trail": AssignmentChange.objects.filter(secretaryship=secretaryship).select_related(
            "from_secretary", "to_secretary", "from_leader", "to_leader", "by"
        )
        if secretaryship
        else [],
        "overdue": secretaryship is not None and secretaryship.last_contact_on < rules.contact_cutoff(today),
        "contacts": contacts,
        "engagements": engagements,
        "issues": issues,
        "is_secretary": is_secretary,
        "assign": assign,
        "green_cases": GreenChannelCase.objects.filter(project=project).select_related("application", "lead_official"),
    }
    district_id = project.district_id
    if assign:
        initial = (
            {"secretary": secretaryship.secretary_id, "leader": secretaryship.leader_id} if secretaryship else None
        )
        context["assign_form"] = forms.get("assign") or AssignForm(
            initial=initial, district_id=district_id, prefix="assign"
        )
    if is_secretary:
        context["contact_form"] = forms.get("contact") or ContactForm(initial={"on": today}, prefix="contact")
        context["schedule_form"] = forms.get("schedule") or ScheduleForm(prefix="schedule")
        context["issue_form"] = forms.get("issue") or IssueForm(district_id=district_id, prefix="issue")
        context["evidence_form"] = EvidenceForm(prefix="evidence")
    context["failed"] = forms.get("failed", "")
    context["errors"] = forms.get("errors", [])
    return context


@login_required
@require_GET
def project(request: AuthedRequest, pk: int) -> HttpResponse:
    """A key project's service file: who answers for it, contacts, visits, issues."""
    found = get_project_for_user(request, pk)
    return render(request, "secretaries/project.html", _project_context(request, found))


@login_required
@require_POST
def project_act(request: AuthedRequest, pk: int, action: str) -> HttpResponse:
    """One act on a key project: assign, contact, schedule, issue. Refused by its
    predicate (403 with the reason) before the form is read or any file stored."""
    found = get_project_for_user(request, pk)
    user = request.user
    district_id = found.district_id
    forms_by_action: dict[str, Any] = {
        "assign": lambda: AssignForm(request.POST, district_id=district_id, prefix="assign"),
        "contact": lambda: ContactForm(request.POST, request.FILES, prefix="contact"),
        "schedule": lambda: ScheduleForm(request.POST, prefix="schedule"),
        "issue": lambda: IssueForm(request.POST, district_id=district_id, prefix="issue"),
    }
    if action not in forms_by_action:
        raise Http404
    form = forms_by_action[action]()

    def again(status: int, errors: list[str] | None = None) -> HttpResponse:
        context = _project_context(request, found, **{action: form, "failed": action, "errors": errors or []})
        return render(request, "secretaries/project.html", context, status=status)

    def run(data: dict[str, Any]) -> str:
        if action == "assign":
            actions.do_assign(found, secretary=data["secretary"], leader=data["leader"], by=user, reason=data["reason"])
            message = _("The secretary and the responsible leader are recorded.")
        elif action == "contact":
            # A repeat is recognised before any file is stored.
            earlier = actions.contact_by_key(user, str(data["key"] or ""))
            documents = (
                do_store_uploads(
                    data["evidence"], owner=user, district=found.district, label=_("Contact evidence"), by=user
                )
                if data["evidence"] and earlier is None
                else []
            )
            contact = actions.do_log_contact(
                found,
                by=user,
                on=data["on"],
                method=data["method"],
                people=data["people"],
                discussion=data["discussion"],
                issues_raised=data["issues_raised"],
                documents=documents,
                idempotency_key=str(data["key"] or ""),
            )
            message = (
                _("The contact is logged and counts: evidence is attached.")
                if documents or (earlier is not None and contact.attachments.exists())
                else _("The contact is logged; it counts once the enterprise confirms it or evidence is attached.")
            )
        elif action == "schedule":
            actions.do_schedule(found, by=user, kind=data["kind"], planned_on=data["planned_on"])
            message = _("The visit or meeting is scheduled.")
        else:
            issue = actions.do_raise_issue(
                found,
                by=user,
                kind=data["kind"],
                title=data["title"],
                description=data["description"],
                department=data["department"],
                idempotency_key=str(data["key"] or ""),
            )
            message = _("The issue is routed to %(department)s, due %(due)s.") % {
                "department": issue.department,
                "due": issue.deadline.due_text,
            }
        return message

    verdict = PROJECT_VERBS[action](user, found)
    return _perform(request, verdict, form, run, again, redirect("secretaries:project", pk=found.pk))


@login_required
@require_POST
def contact_evidence(request: AuthedRequest, pk: int) -> HttpResponse:
    user = staff_or_403(request, LOG_CONTACT)
    contact = Contact.objects.visible_to(user).select_related("project", "district").filter(pk=pk).first()
    if contact is None:
        raise Http404
    form = EvidenceForm(request.POST, request.FILES, prefix="evidence")
    try:
        enforce(rules.may_serve(user, contact.project))  # before any file is stored
        if not form.is_valid():
            errors = [e for errs in form.errors.values() for e in errs]
            return render(
                request,
                "secretaries/project.html",
                _project_context(request, contact.project, errors=errors),
                status=400,
            )
        with transaction.atomic():
            documents = do_store_uploads(
                form.cleaned_data["evidence"],
                owner=user,
                district=contact.district,
                label=_("Contact evidence"),
                by=user,
            )
            actions.do_attach_evidence(contact, by=user, documents=documents)
    except PermissionDenied as error:
        context = _project_context(request, contact.project, errors=[str(error)])
        return render(request, "secretaries/project.html", context, status=403)
    messages.success(request, _("The evidence is attached; the contact counts."))
    return redirect("secretaries:project", pk=contact.project_id)


# Visits and meetings ----------------------------------------------------------------------------


@login_required
@require_GET
def engagements(request: HttpRequest) -> HttpResponseBase:
    """Scheduled monthly visits and quarterly meetings; missed and late ones flagged."""
    user = staff_or_403(request, VIEW_SERVICE)
    today = clock.today()
    rows = (
        Engagement.objects.visible_to(user)
        .select_related("project", "held_by")
        .order_by("-period_start", "project__name")
    )
    form = OverdueFilterForm(request.GET or None)
    everyone = form.is_valid() and form.cleaned_data["everyone"]
    if not everyone and (user.has_role(Role.PROJECT_SECRETARY) or user.has_role(Role.DISTRICT_LEADER)):
        rows = rows.filter(Q(project__secretaryship__secretary=user) | Q(project__secretaryship__leader=user))
    state = request.GET.get("state", "")
    if state == "missed":
        rows = rows.missed(today)
    elif state == "late":
        rows = rows.late(today)
    if _wants_xlsx(request):
        return _xlsx(
            "visits-and-meetings",
            [_("Project"), _("Kind"), _("Month or quarter"), _("Planned on"), _("State"), _("Fulfilled on")],
            (
                [
                    e.project.name,
                    e.get_kind_display(),
                    e.period_start,
                    e.planned_on,
                    e.state(today),
                    e.held_by.on if e.held_by else None,
                ]
                for e in rows
            ),
        )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    shown = list(page)
    for e in shown:
        e.current_state = e.state(today)  # type: ignore[attr-defined]
    held = Secretaryship.objects.visible_to(user)
    if not everyone and (user.has_role(Role.PROJECT_SECRETARY) or user.has_role(Role.DISTRICT_LEADER)):
        held = held.of_person(user)
    context = {"page": page, "rows": shown, "form": form, "state": state, "gaps": reports.gaps(held, today)}
    return render(request, "secretaries/engagements.html", context)


# Enterprise issues ---------------------------------------------------------------------------------


@login_required
@require_GET
def issues(request: HttpRequest) -> HttpResponseBase:
    user = staff_or_403(request, VIEW_SERVICE, HANDLE_ISSUE)
    rows = issues_for(user).select_related("project", "department", "deadline").order_by("deadline__due_date", "pk")
    status = request.GET.get("status", "open")
    if status == "open":
        rows = rows.exclude(status=IssueStatus.RESOLVED)
    elif status in IssueStatus.values:
        rows = rows.filter(status=status)
    today = clock.today()
    if _wants_xlsx(request):
        return _xlsx(
            "enterprise-issues",
            [
                _("Project"),
                _("Kind"),
                _("Issue"),
                _("Level"),
                _("Department"),
                _("Status"),
                _("Raised on"),
                _("Due"),
                _("Resolved on"),
                _("On time"),
                _("Enterprise rating"),
            ],
            (
                [
                    i.project.name,
                    i.get_kind_display(),
                    i.title,
                    i.get_level_display(),
                    str(i.department or ""),
                    i.get_status_display(),
                    i.raised_on,
                    i.deadline.due_date,
                    i.resolved_on,
                    i.resolved_on_time,
                    i.rating,
                ]
                for i in rows
            ),
        )
    rows = rows.annotate(
        light=light_case("deadline__due_date", today, kind="secretary", open=~Q(status=IssueStatus.RESOLVED))
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    for i in page:
        i.light = Light(i.light) if i.light else None  # type: ignore[has-type]
        i.due = i.deadline.compute_due()  # type: ignore[attr-defined]
    return render(request, "secretaries/issues.html", {"page": page, "status": status, "statuses": IssueStatus.choices})


def _issue_verdicts(user: User, issue: EnterpriseIssue, today: dt.date) -> dict[str, Verdict]:
    """The acts on an issue's page, each with its predicate's verdict (``rules``)."""
    return {
        "resolve": rules.may_resolve_issue(user, issue),
        "decline": rules.may_decline_issue(user, issue),
        "escalate": rules.may_escalate(user, issue, today),
    }


def _issue_context(request: AuthedRequest, issue: EnterpriseIssue, **extra: Any) -> dict[str, Any]:
    user = request.user
    today = clock.today()
    verdicts = _issue_verdicts(user, issue, today)
    steps = list(issue.steps.select_related("department", "by", "closed_by", "deadline"))
    for step in steps:
        # Each level's answer is due on its own deadline (recomputed on a calendar import).
        step.due = step.deadline.compute_due()  # type: ignore[attr-defined]
    context: dict[str, Any] = {
        "issue": issue,
        "due": issue.deadline.compute_due(),
        "steps": steps,
        "light": issue.light(today),
        "verdicts": verdicts,
        "ladder": list(Level),
        "failed": extra.get("failed", ""),
        "errors": extra.get("errors", []),
    }
    if verdicts["resolve"]:
        context["resolve_form"] = extra.get("resolve") or ResolveForm(prefix="resolve")
    if verdicts["decline"]:
        context["decline_form"] = extra.get("decline") or ReasonForm(prefix="decline")
    if verdicts["escalate"]:
        context["escalate_form"] = extra.get("escalate") or EscalateForm(
            initial={"to_level": issue.next_level}, district_id=issue.district_id, prefix="escalate"
        )
    if issue.status == IssueStatus.RESOLVED and issue.rating is None and rules.answers_for(user, issue.project):
        context["rating_link"] = public_url(reverse("secretaries:rate", args=[actions.rating_token(issue)]))
    return context


@login_required
@require_GET
def issue(request: AuthedRequest, pk: int) -> HttpResponse:
    found = get_issue_for_user(request, pk)
    return render(request, "secretaries/issue.html", _issue_context(request, found))


@login_required
@require_POST
def issue_act(request: AuthedRequest, pk: int, action: str) -> HttpResponse:
    """Resolve, decline or escalate; 403 with the predicate's reason when not for this
    person or not yet, 400 on bad input, 409 when someone acted first."""
    found = get_issue_for_user(request, pk)
    user = request.user
    builders: dict[str, Any] = {
        "resolve": lambda: ResolveForm(request.POST, prefix="resolve"),
        "decline": lambda: ReasonForm(request.POST, prefix="decline"),
        "escalate": lambda: EscalateForm(request.POST, district_id=found.district_id, prefix="escalate"),
    }
    if action not in builders:
        raise Http404
    form = builders[action]()

    def again(status: int, errors: list[str] | None = None) -> HttpResponse:
        context = _issue_context(request, found, **{action: form, "failed": action, "errors": errors or []})
        return render(request, "secretaries/issue.html", context, status=status)

    def run(data: dict[str, Any]) -> str:
        if action == "resolve":
            actions.do_resolve_issue(found, by=user, resolution=data["resolution"])
            message = _("The issue is resolved; the enterprise can now rate the outcome.")
        elif action == "decline":
            actions.do_decline_issue(found, by=user, reason=data["reason"])
            message = _("The issue is declined at this level; the secretary may escalate it.")
        else:
            actions.do_escalate(
                found, by=user, to_level=data["to_level"], department=data["department"], reason=data["reason"]
            )
            message = _("The issue is escalated.")
        return message

    verdict = _issue_verdicts(user, found, clock.today())[action]
    return _perform(request, verdict, form, run, again, redirect("secretaries:issue", pk=found.pk))


# Scorecard -------------------------------------------------------------------------------------------


@login_required
@require_GET
def scorecard(request: HttpRequest) -> HttpResponseBase:
    """Each secretary's score for staff assessment, with the formula."""
    user = staff_or_403(request, VIEW_SERVICE)
    today = clock.today()
    form = PeriodForm(request.GET or None)
    start = today - dt.timedelta(days=89)
    end = today
    if form.is_valid():
        start = form.cleaned_data.get("start") or start
        end = form.cleaned_data.get("end") or end
    elif form.is_bound:
        return render(request, "secretaries/scorecard.html", {"form": form, "cards": []}, status=400)
    secretaries = User.objects.filter(
        kind=User.Kind.STAFF, district_id=staff_district(request).pk, groups__name=Role.PROJECT_SECRETARY.value
    ).order_by("username")
    if user.has_role(Role.PROJECT_SECRETARY) and not user.has_perm(ASSIGN):
        secretaries = secretaries.filter(pk=user.pk)
    cards = [actions.scorecard(s, start, end) for s in secretaries]
    cards.sort(key=lambda c: (c["total"] is None, -(c["total"] or 0)))
    if _wants_xlsx(request):
        return _xlsx(
            "secretary-scorecard",
            [
                _("Secretary"),
                _("Projects"),
                _("Contacts on time"),
                _("Issues resolved on time"),
                _("Enterprise ratings"),
                _("Projects advanced"),
                _("Score"),
            ],
            (
                [
                    str(c["secretary"]),
                    c["projects"],
                    f"{c['weeks_met']}/{c['weeks_expected']}",
                    f"{c['issues_on_time']}/{c['issues_judged']}",
                    c["average_rating"],
                    c["advanced"],
                    c["total"],
                ]
                for c in cards
            ),
        )
    return render(
        request,
        "secretaries/scorecard.html",
        {"form": form, "cards": cards, "start": start, "end": end, "weights": rules.scorecard_weights()},
    )


# The enterprise's pages (signed links) ------------------------------------------------------------------


def _answering(request: HttpRequest) -> User | None:
    """Whoever holds the link: the signed-in person, or nobody in particular. Staff are
    refused by the predicates: the secretary holds the link to send it, and must not
    confirm their own contacts or rate their own issues with it."""
    return request.user if request.user.is_authenticated else None  # type: ignore[return-value]


@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The enterprise confirms a contact through the signed link the secretary sent."""
    contact = actions.contact_from_token(token)
    if contact is None:
        return render(request, "secretaries/confirm.html", {"invalid": True}, status=404)
    user = _answering(request)
    enforce(rules.may_confirm_contact(user, contact))
    named = user if rules.enterprise_may_answer(user, contact.project) else None
    form = ConfirmContactForm(request.POST or None, initial={"name": str(named) if named else ""})
    context = {"contact": contact, "form": form}
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "secretaries/confirm.html", context, status=400)
        actions.do_confirm_contact(contact, name=form.cleaned_data["name"], user=user)
        contact.refresh_from_db()
        context["done"] = True
    return render(request, "secretaries/confirm.html", context)


@require_http_methods(["GET", "POST"])
def rate(request: HttpRequest, token: str) -> HttpResponse:
    """The enterprise rates how its issue was resolved (once)."""
    found = actions.issue_from_token(token)
    if found is None:
        return render(request, "secretaries/rate.html", {"invalid": True}, status=404)
    user = _answering(request)
    verdict = rules.may_rate_issue(user, found)
    if not verdict.shown and not verdict.conflict:
        enforce(verdict)
    form = RateForm(request.POST or None)
    context: dict[str, Any] = {"issue": found, "form": form, "verdict": verdict}
    if request.method == "POST":
        try:
            enforce(verdict)
            if not form.is_valid():
                return render(request, "secretaries/rate.html", context, status=400)
            actions.do_rate_issue(
                found,
                rating=form.cleaned_data["rating"],
                comment=form.cleaned_data["comment"],
                user=user,
            )
        except PermissionDenied as error:
            context["errors"] = [str(error)]
            return render(request, "secretaries/rate.html", context, status=403)
        except Conflict as error:
            context["errors"] = [str(error)]
            return render(request, "secretaries/rate.html", context, status=409)
        except ValidationError as error:
            context["errors"] = _messages_of(error)
            return render(request, "secretaries/rate.html", context, status=400)
        context["done"] = True
    return render(request, "secretaries/rate.html", context)


@login_required
@require_GET
def enterprise(request: HttpRequest) -> HttpResponse:
    """An enterprise's own page: contacts to confirm and resolved issues to rate."""
    user: User = request.user  # type: ignore[assignment]
    if user.kind != User.Kind.ENTERPRISE:
        raise PermissionDenied
    # Each profile answers for its own district's projects only (as ``enterprise_may_answer``).
    mine_q = Q(pk__in=[])
    for district_id, code in user.applicant_profiles.exclude(credit_code="").values_list("district_id", "credit_code"):
        mine_q |= Q(district_id=district_id, investor_credit_code=code)
    mine = Project.objects.filter(mine_q, is_key=True)
    contacts = list(Contact.objects.filter(project__in=mine, confirmed_at__isnull=True).select_related("project")[:50])
    for c in contacts:
        c.token = actions.confirmation_token(c)  # type: ignore[attr-defined]
    rated = list(
        EnterpriseIssue.objects.filter(
            project__in=mine, status=IssueStatus.RESOLVED, rating__isnull=True
        ).select_related("project")[:50]
    )
    for i in rated:
        i.token = actions.rating_token(i)  # type: ignore[attr-defined]
    return render(request, "secretaries/enterprise.html", {"contacts": contacts, "issues": rated})


# Green channel -------------------------------------------------------------------------------------------


@login_required
@require_GET
def green(request: HttpRequest) -> HttpResponseBase:
    user = staff_or_403(request, VIEW_GREEN)
    today = clock.today()
    rows = (
        GreenChannelCase.objects.visible_to(user)
        .select_related(
            "application__item_version", "application__promised_deadline", "project", "lead_official", "deadline"
        )
        .order_by("-entered_on", "-pk")
    )
    if _wants_xlsx(request):
        return _xlsx(
            "green-channel",
            [
                _("Application"),
                _("Service item"),
                _("Key project"),
                _("Lead official"),
                _("Entered on"),
                _("Accepted on"),
                _("Shortened promised limit (working days)"),
                _("Shortened promised due date"),
                _("Provisional (estimated calendar)"),
                _("Ordinary promised due date"),
                _("Decided on"),
            ],
            (
                [
                    c.application.number,
                    c.application.item_version.name,
                    c.project.name,
                    str(c.lead_official),
                    c.entered_on,
                    c.application.accepted_on,
                    c.promised_days,
                    c.deadline.due_date if c.deadline else None,
                    _("yes") if c.deadline and c.deadline.provisional else "",
                    c.application.promised_deadline.due_date if c.application.promised_deadline else None,
                    c.application.decided_on,
                ]
                for c in rows
            ),
        )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    cards = [green_card(c, today) for c in page]
    return render(
        request,
        "secretaries/green.html",
        {"page": page, "cards": cards, "may_manage": rules.may_manage_green(user, staff_district(request).pk)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def green_new(request: HttpRequest) -> HttpResponse:
    user = staff_or_403(request, MANAGE_GREEN)
    form = GreenChannelForm(
        request.POST or None,
        district_id=staff_district(request).pk,
        user=user,
        initial={"number": request.GET.get("number", "")},
    )
    context: dict[str, Any] = {
        "form": form,
        "ratio": rules.green_channel_ratio(),
        "verdict": rules.may_manage_green(user, staff_district(request).pk),
    }
    if request.method == "GET":
        return render(request, "secretaries/green_new.html", context)
    if not form.is_valid():
        return render(request, "secretaries/green_new.html", context, status=400)
    data = form.cleaned_data
    try:
        with transaction.atomic():
            case = actions.do_enter_green_channel(
                data["number"],
                project=data["project"],
                lead_official=data["lead_official"],
                reason=data["reason"],
                days=data["days"],
                by=user,
            )
    except ValidationError as error:
        context["errors"] = _messages_of(error)
        return render(request, "secretaries/green_new.html", context, status=400)
    except PermissionDenied as error:
        context["errors"] = [str(error)]
        return render(request, "secretaries/green_new.html", context, status=403)
    messages.success(request, _("The application is in the green channel."))
    return redirect("secretaries:green_case", pk=case.pk)


def _green_case_context(user: Any, case: GreenChannelCase) -> dict[str, Any]:
    """The card, and whether this person may open the application behind it (the green
    channel is followed more widely than its cases are seen: decision 0025)."""
    card = green_card(case, clock.today())
    visible = Application.objects.visible_to(user).filter(pk=case.application_id).exists()
    return {"card": card, **card, "may_open_application": visible}


@login_required
@require_GET
def green_case(request: AuthedRequest, pk: int) -> HttpResponse:
    """The green-channel tracking card of one application."""
    case = get_green_case_for_user(request, pk)
    context = _green_case_context(request.user, case)
    if rules.may_change_lead_official(request.user, case):
        context["lead_form"] = LeadOfficialForm(district_id=case.district_id, prefix="lead")
    return render(request, "secretaries/green_case.html", context)


@login_required
@require_POST
def green_lead(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_green_case_for_user(request, pk)
    user = staff_or_403(request)
    enforce(rules.may_change_lead_official(user, case))
    form = LeadOfficialForm(request.POST, district_id=case.district_id, prefix="lead")
    context = _green_case_context(user, case)
    context["lead_form"] = form
    if not form.is_valid():
        return render(request, "secretaries/green_case.html", context, status=400)
    try:
        actions.do_change_lead_official(
            case, lead_official=form.cleaned_data["lead_official"], reason=form.cleaned_data["reason"], by=user
        )
    except ValidationError as error:
        context["errors"] = _messages_of(error)
        return render(request, "secretaries/green_case.html", context, status=400)
    except Conflict as error:
        context["errors"] = [str(error)]
        return render(request, "secretaries/green_case.html", context, status=409)
    messages.success(request, _("The lead official is changed."))
    return redirect("secretaries:green_case", pk=case.pk)


@login_required
@require_GET
def green_report(request: HttpRequest) -> HttpResponseBase:
    """Ordinary applications' waits in weeks with and without green-channel load."""
    district = staff_district(request, VIEW_GREEN)
    today = clock.today()
    form = PeriodForm(request.GET or None)
    start, end = today - dt.timedelta(weeks=12), today
    if form.is_valid():
        start = form.cleaned_data.get("start") or start
        end = form.cleaned_data.get("end") or end
    elif form.is_bound:
        return render(request, "secretaries/green_report.html", {"form": form}, status=400)
    if (end - start).days > 3 * 366:
        form.add_error(None, _("Choose a period of at most three years."))
        return render(request, "secretaries/green_report.html", {"form": form}, status=400)
    report = reports.queue_impact(district.pk, start, end)
    if _wants_xlsx(request):
        return _xlsx(
            "green-channel-queue-impact",
            [
                _("Week of"),
                _("Ordinary applications decided"),
                _("Mean wait (working days)"),
                _("Median wait (working days)"),
                _("Green-channel cases open"),
            ],
            ([w.monday, w.decided, w.mean, w.median, w.green_load] for w in report["weeks"]),
        )
    options = reports.chart_options(report["weeks"], _("Mean wait (working days)"), _("Green-channel cases open"))
    return render(
        request,
        "secretaries/green_report.html",
        {"form": form, "report": report, "options": options, "start": start, "end": end},
    )
