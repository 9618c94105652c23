"""Pages of investment trips and events, the target lists, the follow-ups due and the
concentrated starts. Writes go through ``actions``; buttons come from ``rules``."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dgov.accounts.access import staff_or_403
from dgov.events import actions, reports, rules
from dgov.events.forms import AddProjectForm, EventForm, MeetingForm, StartForm, TargetForm
from dgov.events.models import ConcentratedStart, InvestmentEvent, Meeting, TargetCategory
from dgov.events.permissions import MANAGE, VIEW
from dgov.investment.models import Project, Stage
from dgov.investment.rules import projects_for
from dgov.lib import clock
from dgov.lib.rules import enforce


def _errors(error: ValidationError) -> list[str]:
    return [str(m) for m in error.messages]


def get_event_for_user(request: HttpRequest, pk: int) -> InvestmentEvent:
    user = staff_or_403(request, VIEW, MANAGE)
    try:
        return InvestmentEvent.objects.select_related("leader").get(pk=pk, district_id=user.district_id or 0)
    except InvestmentEvent.DoesNotExist:
        raise Http404 from None


def get_start_for_user(request: HttpRequest, pk: int) -> ConcentratedStart:
    user = staff_or_403(request, VIEW, MANAGE)
    try:
        return ConcentratedStart.objects.get(pk=pk, district_id=user.district_id or 0)
    except ConcentratedStart.DoesNotExist:
        raise Http404 from None


# Trips and events ---------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def events(request: HttpRequest) -> HttpResponse:
    user = staff_or_403(request, VIEW, MANAGE)
    district_id = user.district_id or 0
    may = rules.may_manage(user)
    form = EventForm(request.POST or None, district_id=district_id) if may else None
    context: dict[str, Any] = {"rows": reports.events(district_id)[:100], "form": form}
    if request.method == "GET":
        return render(request, "events/events.html", context)
    enforce(may)
    assert form is not None
    if not form.is_valid():
        return render(request, "events/events.html", context, status=400)
    try:
        event = actions.do_record_event(by=user, **form.cleaned_data)
    except ValidationError as error:
        context["errors"] = _errors(error)
        return render(request, "events/events.html", context, status=400)
    messages.success(request, _("The trip or event is recorded."))
    return redirect("events:event", pk=event.pk)


def _event_context(request: HttpRequest, event: InvestmentEvent, form: MeetingForm | None = None) -> dict[str, Any]:
    user = request.user
    may = rules.may_manage(user)
    meetings = list(Meeting.objects.filter(event=event).select_related("target", "project"))
    linked = {m.project_id for m in meetings if m.project_id}
    return {
        "event": event,
        "participants": event.participants.order_by("username"),
        "meetings": meetings,
        # A project is linked only for those who may open it (an inspector sees the name).
        "openable": set(projects_for(user).filter(pk__in=linked).values_list("pk", flat=True)) if linked else set(),
        "may_manage": may,
        "form": (form or MeetingForm(district_id=event.district_id, initial={"met_on": event.starts_on}))
        if may
        else None,
    }


@login_required
@require_http_methods(["GET", "POST"])
def event(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_event_for_user(request, pk)
    if request.method == "GET":
        return render(request, "events/event.html", _event_context(request, found))
    user = staff_or_403(request, MANAGE)
    form = MeetingForm(request.POST, district_id=found.district_id)
    if not form.is_valid():
        return render(request, "events/event.html", _event_context(request, found, form), status=400)
    try:
        actions.do_add_meeting(found, by=user, **form.cleaned_data)
    except ValidationError as error:
        context = _event_context(request, found, form)
        context["errors"] = _errors(error)
        return render(request, "events/event.html", context, status=400)
    messages.success(request, _("The meeting is recorded."))
    return redirect("events:event", pk=found.pk)


@login_required
@require_POST
def follow_up_done(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff_or_403(request, MANAGE)
    meeting = Meeting.objects.filter(pk=pk, event__district_id=user.district_id or 0).select_related("event").first()
    if meeting is None:
        raise Http404
    try:
        actions.do_follow_up_done(meeting, by=user)
    except ValidationError as error:
        messages.error(request, " ".join(_errors(error)))
    else:
        messages.success(request, _("The follow-up is done."))
    return redirect("events:follow_ups")


@login_required
@require_GET
def follow_ups(request: HttpRequest) -> HttpResponse:
    user = staff_or_403(request, VIEW, MANAGE)
    rows = reports.open_follow_ups(user.district_id or 0, clock.today())
    return render(request, "events/follow_ups.html", {"rows": rows, "may_manage": rules.may_manage(user)})


# Targets ----------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def targets(request: HttpRequest) -> HttpResponse:
    user = staff_or_403(request, VIEW, MANAGE)
    district_id = user.district_id or 0
    may = rules.may_manage(user)
    form = TargetForm(request.POST or None) if may else None
    rows = reports.targets(district_id).order_by("category", "name")
    if request.GET.get("contacted") == "no":
        rows = rows.filter(meetings__isnull=True)
    coverage = reports.coverage(district_id)
    context: dict[str, Any] = {
        "rows": rows,
        "form": form,
        "coverage": [(label, *coverage.get(value, (0, 0))) for value, label in TargetCategory.choices],
    }
    if request.method == "GET":
        return render(request, "events/targets.html", context)
    enforce(may)
    assert form is not None
    if not form.is_valid():
        return render(request, "events/targets.html", context, status=400)
    try:
        actions.do_add_target(by=user, **form.cleaned_data)
    except ValidationError as error:
        context["errors"] = _errors(error)
        return render(request, "events/targets.html", context, status=400)
    messages.success(request, _("The target is on the list."))
    return redirect("events:targets")


# Concentrated starts -----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def starts(request: HttpRequest) -> HttpResponse:
    user = staff_or_403(request, VIEW, MANAGE)
    may = rules.may_manage(user)
    form = StartForm(request.POST or None) if may else None
    context: dict[str, Any] = {
        "rows": ConcentratedStart.objects.filter(district_id=user.district_id or 0).prefetch_related(
            "entries__project"
        ),
        "form": form,
    }
    if request.method == "GET":
        return render(request, "events/starts.html", context)
    enforce(may)
    assert form is not None
    if not form.is_valid():
        return render(request, "events/starts.html", context, status=400)
    try:
        start = actions.do_plan_start(by=user, **form.cleaned_data)
    except ValidationError as error:
        context["errors"] = _errors(error)
        return render(request, "events/starts.html", context, status=400)
    return redirect("events:start", pk=start.pk)


def _start_context(
    request: HttpRequest, start: ConcentratedStart, form: AddProjectForm | None = None
) -> dict[str, Any]:
    user = request.user
    entries = list(start.entries.select_related("project"))
    for entry in entries:
        entry.problems = rules.start_problems(entry.project) if start.status == start.Status.PLANNED else []  # type: ignore[attr-defined]
    candidates = list(
        Project.objects.filter(
            district_id=start.district_id, stage=Stage.LAND, concentrated_start__isnull=True
        ).order_by("name")[:50]
    )
    for project in candidates:
        project.problems = rules.permit_problems(project)  # type: ignore[attr-defined]
    may = rules.may_manage(user)
    return {
        "start": start,
        "entries": entries,
        "candidates": candidates,
        "may_manage": may,
        "may_hold": rules.may_hold(user, start, clock.today()),
        "form": (form or AddProjectForm(district_id=start.district_id))
        if may and start.status == start.Status.PLANNED
        else None,
    }


@login_required
@require_http_methods(["GET", "POST"])
def start(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_start_for_user(request, pk)
    if request.method == "GET":
        return render(request, "events/start.html", _start_context(request, found))
    user = staff_or_403(request, MANAGE)
    form = AddProjectForm(request.POST, district_id=found.district_id)
    if not form.is_valid():
        return render(request, "events/start.html", _start_context(request, found, form), status=400)
    try:
        actions.do_add_to_start(found, form.cleaned_data["project"], by=user)
    except ValidationError as error:
        context = _start_context(request, found, form)
        context["errors"] = _errors(error)
        return render(request, "events/start.html", context, status=400)
    messages.success(request, _("The project is in the start."))
    return redirect("events:start", pk=found.pk)


@login_required
@require_POST
def start_hold(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_start_for_user(request, pk)
    user = staff_or_403(request, MANAGE)
    try:
        started = actions.do_hold_start(found, by=user)
    except ValidationError as error:
        context = _start_context(request, found)
        context["errors"] = _errors(error)
        return render(request, "events/start.html", context, status=400)
    messages.success(request, _("%(n)d projects started construction together.") % {"n": len(started)})
    return redirect("events:start", pk=found.pk)
