"""The pages of an application: applying online, window intake, the staff queues, the
case page with its actions, the applicant's own pages and the public lookup.

Every write goes through a ``do_*`` function of ``actions``; every protected row is
fetched through ``get_application_for_user`` (404 alike for missing and forbidden).
"""

import datetime as dt
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dgov.accounts.models import Applicant, Department, District, User
from dgov.accounts.roles import ACCEPT, DECIDE, EXTEND, REVIEW, STOP_CLOCK, Role
from dgov.applications import actions
from dgov.applications.forms import (
    ApplicantSearchForm,
    ApplyForm,
    ConfirmForm,
    ExtendForm,
    LookupForm,
    ProblemFormSet,
    QueueForm,
    ReasonsForm,
    ReviewForm,
    StopClockForm,
    SupplementForm,
    WindowMaterialsForm,
    WindowStartForm,
)
from dgov.applications.models import (
    CLOCK_STATUSES,
    LOOKUP_LIMIT,
    OPEN_STATUSES,
    Application,
    ApplicationEvent,
    Channel,
    Light,
    Status,
    SubmittedMaterial,
)
from dgov.documents.models import Document
from dgov.documents.storage import do_store_uploads, reuse
from dgov.lib import clock
from dgov.lib.conflicts import Conflict
from dgov.lib.ratelimit import client_address
from dgov.notifications.models import Notification
from dgov.services.models import Material, ServiceItem
from dgov.workdays.calendar import add_working_days

PAGE_SIZE = 50

# The queue each role starts from; roles not named here watch every open case.
ROLE_QUEUES: dict[Role, tuple[Status, ...]] = {
    Role.WINDOW_CLERK: (Status.SUBMITTED, Status.APPROVED),
    Role.REVIEWER: (Status.ACCEPTED,),
    Role.DEPARTMENT_APPROVER: (Status.REVIEWED,),
}

VERBS: dict[str, Promise] = {
    "submit": gettext_lazy("Application received"),
    "request_supplement": gettext_lazy("Supplement notice issued"),
    "supplement": gettext_lazy("Supplement handed in"),
    "refuse": gettext_lazy("Not accepted"),
    "accept": gettext_lazy("Accepted"),
    "review": gettext_lazy("Reviewed"),
    "approve": gettext_lazy("Approved"),
    "deny": gettext_lazy("Denied"),
    "complete": gettext_lazy("Completed"),
    "stop_clock": gettext_lazy("Clock stopped"),
    "resume_clock": gettext_lazy("Clock resumed"),
    "extend": gettext_lazy("Time limit extended"),
    "check_in": gettext_lazy("Visit in person"),
}


def yellow_days() -> int:
    return int(getattr(settings, "APPLICATION_YELLOW_DAYS", 1))


def _is_staff(user: Any) -> bool:
    return bool(user.is_authenticated and user.kind == User.Kind.STAFF and user.district_id is not None)


def _staff_district(request: HttpRequest) -> District:
    if not _is_staff(request.user):
        raise PermissionDenied
    return request.user.district  # type: ignore[union-attr, return-value]


def get_application_for_user(request: HttpRequest, pk: int) -> Application:
    """The one guarded way to fetch an application: missing and forbidden look the same."""
    try:
        return (
            Application.objects.visible_to(request.user)
            .select_related(
                "item_version",
                "applicant",
                "department",
                "window",
                "legal_deadline",
                "promised_deadline",
                "accepted_by",
                "reviewed_by",
                "decided_by",
            )
            .get(pk=pk)
        )
    except Application.DoesNotExist:
        raise Http404 from None


def _timeline(application: Application) -> list[dict[str, Any]]:
    return [
        {"event": event, "label": VERBS.get(event.verb, event.verb), "status": _status_label(event.to_status)}
        for event in application.events.select_related("by")
    ]


def _status_label(value: str) -> str:
    return str(Status(value).label) if value in Status.values else value


def _store(uploads: list[Any], *, owner: Any, district: Any, label: str, by: Any) -> list[Document]:
    return do_store_uploads(uploads, owner=owner, district=district, label=label, by=by) if uploads else []


# Applying online --------------------------------------------------------------------------


def _item_to_apply_for(request: HttpRequest, code: str) -> ServiceItem:
    """The published item with this code: in a district where the user has a profile,
    else the portal's district."""
    user: User = request.user  # type: ignore[assignment]
    items = ServiceItem.objects.published().filter(code=code).select_related("current_version", "district")
    item = items.filter(district__applicants__user=user).first()
    item = item or items.filter(district__code=settings.DEFAULT_DISTRICT_CODE).first()
    if item is None:
        raise Http404
    return item


@login_required
@require_http_methods(["GET", "POST"])
def apply(request: HttpRequest, code: str) -> HttpResponse:
    """Apply online: upload or reuse each material the applicant provides; data the
    government already holds is fetched, not asked for (once-only)."""
    user: User = request.user  # type: ignore[assignment]
    item = _item_to_apply_for(request, code)
    version = item.current_version
    assert version is not None
    applicant = Applicant.objects.filter(user=user, district_id=item.district_id).first()
    materials = list(version.materials.all())
    fetched = [m for m in materials if not m.to_submit]
    context: dict[str, Any] = {"item": item, "version": version, "fetched": fetched, "applicant": applicant}
    if applicant is None:
        return render(request, "applications/apply.html", context, status=200 if request.method == "GET" else 403)
    documents = Document.objects.filter(owner_id=request.user.pk)
    form = ApplyForm(request.POST or None, request.FILES or None, materials=materials, documents=documents)
    context["form"] = form
    if request.method == "GET":
        return render(request, "applications/apply.html", context)
    if not form.is_valid():
        return render(request, "applications/apply.html", context, status=400)
    key = str(form.cleaned_data["key"])
    existing = Application.objects.filter(submitted_by_id=request.user.pk, idempotency_key=key).first()
    if existing is None:
        with transaction.atomic():
            chosen: list[tuple[Material, Any, bool]] = []
            for material, uploads, reused, promised, _handed in form.cleaned_data["materials"]:
                stored = _store(uploads, owner=request.user, district=item.district, label=material.name, by=None)
                chosen += [(material, document, False) for document in stored]
                if reused is not None:
                    chosen.append((material, reuse(reused, request.user), False))
                if promised and not stored and reused is None:
                    chosen.append((material, None, True))
            existing, created = actions.do_submit(
                item=item,
                applicant=applicant,
                by=request.user,
                channel=Channel.ONLINE,
                idempotency_key=key,
                materials=chosen,
            )
            if not created:  # the same key won a moment ago in a parallel request: keep its documents only
                transaction.set_rollback(True)
        messages.success(
            request,
            _("Application %(number)s is submitted. Verification code: %(code)s.")
            % {"number": existing.number, "code": existing.verification_code},
        )
    return redirect("applications:case", pk=existing.pk)


# Window intake ----------------------------------------------------------------------------


def _search_applicants(applicants: Any, q: str) -> Any:
    match = Q(name__icontains=q)
    if len(q) == 4:
        match |= Q(id_number__iendswith=q) | Q(credit_code__iendswith=q)
    return applicants.filter(match).order_by("name")[:20]


@login_required
@permission_required(ACCEPT, raise_exception=True)
@require_http_methods(["GET", "POST"])
def window_new(request: HttpRequest) -> HttpResponse:
    """Register a walk-in's application at the window: who, which item, which materials
    were handed over. Also records the visit in person."""
    district = _staff_district(request)
    user: User = request.user  # type: ignore[assignment]
    applicants = Applicant.objects.visible_to(user)
    items = ServiceItem.objects.published().filter(district=district).select_related("current_version")
    search = ApplicantSearchForm(request.GET)
    q = search.cleaned_data["q"].strip() if search.is_valid() else ""
    context: dict[str, Any] = {"search": search, "results": _search_applicants(applicants, q) if q else None}
    chosen_both = "applicant" in request.GET and "item" in request.GET
    start = WindowStartForm(request.GET if chosen_both else None, applicants=applicants, items=items)
    context["start"] = start
    if not start.is_bound or not start.is_valid():
        if request.method == "POST":
            return render(request, "applications/window_new.html", context, status=400)
        picked = request.GET.get("applicant", "")
        context["chosen"] = applicants.filter(pk=int(picked)).first() if picked.isascii() and picked.isdigit() else None
        return render(request, "applications/window_new.html", context)
    applicant, item = start.cleaned_data["applicant"], start.cleaned_data["item"]
    version = item.current_version
    materials = list(version.materials.all())
    form = WindowMaterialsForm(request.POST or None, request.FILES or None, materials=materials)
    context.update(
        chosen=applicant,
        item=item,
        version=version,
        form=form,
        fetched=[m for m in materials if not m.to_submit],
    )
    if request.method == "GET":
        return render(request, "applications/window_new.html", context)
    if not form.is_valid():
        return render(request, "applications/window_new.html", context, status=400)
    key = str(form.cleaned_data["key"])
    existing = Application.objects.filter(submitted_by=user, idempotency_key=key).first()
    if existing is None:
        owner = applicant.user or user
        with transaction.atomic():
            chosen: list[tuple[Material, Any, bool]] = []
            for material, uploads, _reused, promised, handed in form.cleaned_data["materials"]:
                stored = _store(uploads, owner=owner, district=district, label=material.name, by=user)
                chosen += [(material, document, False) for document in stored]
                if not stored and (handed or promised):
                    chosen.append((material, None, promised and not handed))
            existing, created = actions.do_submit(
                item=item,
                applicant=applicant,
                by=user,
                channel=Channel.WINDOW,
                idempotency_key=key,
                materials=chosen,
                window=user.window,
            )
            if created:
                actions.do_check_in(existing, by=user, window=user.window)
            else:
                transaction.set_rollback(True)
        messages.success(request, _("Application %(number)s is registered.") % {"number": existing.number})
    return redirect("applications:case", pk=existing.pk)


# The staff queue --------------------------------------------------------------------------


def default_statuses(user: User) -> list[Status]:
    statuses: set[Status] = set()
    for role in user.roles:
        statuses.update(ROLE_QUEUES.get(role, OPEN_STATUSES))
    return [s for s in Status if s in (statuses or set(OPEN_STATUSES))]


def _with_light(applications: Any, light: str, today: dt.date) -> Any:
    """Filter in the database on the light of the promised time limit."""
    running = applications.filter(status__in=CLOCK_STATUSES)
    if light == Light.STOPPED:
        return running.filter(clock_stopped=True)
    running = running.filter(clock_stopped=False)
    # yellow: at most N working days left, i.e. due before the (N+1)-th working day after today
    green_from = add_working_days(today, yellow_days() + 1).date
    if light == Light.RED:
        return running.filter(promised_deadline__due_date__lt=today)
    if light == Light.YELLOW:
        return running.filter(promised_deadline__due_date__gte=today, promised_deadline__due_date__lt=green_from)
    return running.filter(promised_deadline__due_date__gte=green_from)


@login_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    """The staff workbench queue: filters, counts per status, two lights per case."""
    if not _is_staff(request.user):
        raise PermissionDenied
    user: User = request.user  # type: ignore[assignment]
    visible = Application.objects.visible_to(user)
    district_id: int = user.district_id  # type: ignore[assignment]
    items = ServiceItem.objects.published().filter(district_id=district_id).select_related("current_version")
    departments = Department.objects.filter(district_id=district_id)
    form = QueueForm(request.GET, items=items, departments=departments)
    data = form.cleaned_data if form.is_valid() else {}
    today = clock.today()

    filtered = visible
    if data.get("item"):
        filtered = filtered.filter(item=data["item"])
    if data.get("department"):
        filtered = filtered.filter(department=data["department"])
    if data.get("q"):
        filtered = filtered.filter(number__icontains=data["q"].strip())
    if data.get("light"):
        filtered = _with_light(filtered, data["light"], today)
    counts = dict(filtered.order_by().values_list("status").annotate(n=Count("pk")))

    status = data.get("status", "")
    if status == QueueForm.ALL:
        statuses: list[Status] = list(Status)
    elif status == QueueForm.OPEN:
        statuses = list(OPEN_STATUSES)
    elif status:
        statuses = [Status(status)]
    else:
        statuses = default_statuses(user)
    rows = filtered.filter(status__in=statuses).select_related(
        "item_version", "applicant", "legal_deadline", "promised_deadline", "department"
    )
    page = Paginator(rows.order_by("received_on", "pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    yellow = yellow_days()
    for application in page:
        application.promised_light = application.light(application.promised_deadline, today, yellow)  # type: ignore[attr-defined]
        application.legal_light = application.light(application.legal_deadline, today, yellow)  # type: ignore[attr-defined]
    status_counts = [(s, counts.get(s.value, 0)) for s in Status]
    return render(
        request,
        "applications/queue.html",
        {
            "form": form,
            "page": page,
            "status_counts": status_counts,
            "statuses": statuses,
            "today": today,
        },
    )


# The case page ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Action:
    """One act on a case: who may see its form, how its input is read, what it does."""

    label: Promise
    allowed: Callable[[Application, User], bool]
    form: Callable[[Application, HttpRequest, bool], Any]
    run: Callable[[Application, HttpRequest, Any], str]
    danger: bool = False
    collapsed: bool = False  # shown folded: the less common acts


def _own_case(application: Application, user: User) -> bool:
    return application.applicant.user_id is not None and application.applicant.user_id == user.pk


def _handles(user: User, application: Application, permission: str, *, department: bool = False) -> bool:
    if not _is_staff(user) or not user.has_perm(permission) or _own_case(application, user):
        return False
    return not department or user.department_id == application.department_id


def _bind(request: HttpRequest, bound: bool) -> tuple[Any, Any]:
    return (request.POST, request.FILES) if bound else (None, None)


def _form(form_class: type, prefix: str) -> Callable[[Application, HttpRequest, bool], Any]:
    def build(application: Application, request: HttpRequest, bound: bool) -> Any:
        data, _files = _bind(request, bound)
        return form_class(data, prefix=prefix)

    return build


def _problems(application: Application, request: HttpRequest, bound: bool) -> Any:
    data, _files = _bind(request, bound)
    return ProblemFormSet(data, prefix="problems", form_kwargs={"materials": application.item_version.materials.all()})


def _open_notice_materials(application: Application) -> list[Material]:
    notice = application.supplement_notices.filter(completed_on__isnull=True).order_by("-pk").first()
    if notice is None:
        return []
    seen: dict[int, Material] = {}
    for item in notice.items.select_related("material"):
        if item.material is not None:
            seen.setdefault(item.material.pk, item.material)
    return list(seen.values())


def _supplement_form(application: Application, request: HttpRequest, bound: bool) -> Any:
    data, files = _bind(request, bound)
    owner_id = application.applicant.user_id
    documents = Document.objects.visible_to(request.user).filter(owner_id=owner_id) if owner_id else None
    return SupplementForm(
        data, files, materials=_open_notice_materials(application), documents=documents, prefix="supplement"
    )


def _run_supplement(application: Application, request: HttpRequest, form: Any) -> str:
    owner = application.applicant.user or request.user
    chosen = []
    for material, uploads, reused, _promised, _handed in form.cleaned_data["materials"]:
        stored = _store(uploads, owner=owner, district=application.district, label=material.name, by=request.user)
        chosen += [(material, document) for document in stored]
        if reused is not None:
            chosen.append((material, reuse(reused, request.user)))
    actions.do_supplement(application, by=request.user, documents=chosen)
    return _("The supplement is handed in.")


def _run_accept(application: Application, request: HttpRequest, form: Any) -> str:
    actions.do_accept(application, by=request.user)
    return _("The application is accepted.")


def _run_request_supplement(application: Application, request: HttpRequest, form: Any) -> str:
    actions.do_request_supplement(application, by=request.user, problems=form.problems)
    return _("The supplement notice is issued.")


def _run_refuse(application: Application, request: HttpRequest, form: Any) -> str:
    actions.do_refuse(application, by=request.user, reasons=form.cleaned_data["reasons"])
    return _("The application is not accepted; the applicant is told the reasons.")


def _run_review(application: Application, request: HttpRequest, form: Any) -> str:
    actions.do_review(application, by=request.user, note=form.cleaned_data["note"])
    return _("The review is recorded.")


def _run_approve(application: Application, request: HttpRequest, form: Any) -> str:
    actions.do_decide(application, by=request.user, approve=True)
    return _("The application is approved.")


def _run_deny(application: Application, request: HttpRequest, form: Any) -> str:
    actions.do_decide(application, by=request.user, approve=False, reasons=form.cleaned_data["reasons"])
    return _("The application is denied; the applicant is told the reasons.")


def _run_complete(application: Application, request: HttpRequest, form: Any) -> str:
    actions.do_complete(application, by=request.user)
    return _("The application is completed.")


def _run_stop_clock(application: Application, request: HttpRequest, form: Any) -> str:
    actions.do_stop_clock(application, by=request.user, **form.cleaned_data)
    return _("The clock is stopped; the applicant has the written notice.")


def _run_resume_clock(application: Application, request: HttpRequest, form: Any) -> str:
    stop = actions.do_resume_clock(application, by=request.user)
    return _("The clock runs again after %(days)d working days.") % {"days": stop.days_stopped or 0}


def _run_extend(application: Application, request: HttpRequest, form: Any) -> str:
    actions.do_extend(application, by=request.user, **form.cleaned_data)
    return _("The time limit is extended.")


def _run_check_in(application: Application, request: HttpRequest, form: Any) -> str:
    user: User = request.user  # type: ignore[assignment]
    actions.do_check_in(application, by=user, window=user.window)
    return _("The visit is recorded.")


def _may_supplement(application: Application, user: User) -> bool:
    if application.status != Status.SUPPLEMENT:
        return False
    return _own_case(application, user) or _handles(user, application, ACCEPT)


def _decides(application: Application, user: User) -> bool:
    return (
        application.status == Status.REVIEWED
        and not application.clock_stopped
        and application.accepted_by_id != user.pk
        and _handles(user, application, DECIDE, department=True)
    )


ACTIONS: dict[str, Action] = {
    "accept": Action(
        gettext_lazy("Accept"),
        lambda a, u: a.status == Status.SUBMITTED and _handles(u, a, ACCEPT),
        _form(ConfirmForm, "accept"),
        _run_accept,
    ),
    "request_supplement": Action(
        gettext_lazy("Issue the supplement notice"),
        lambda a, u: a.status == Status.SUBMITTED and _handles(u, a, ACCEPT),
        _problems,
        _run_request_supplement,
    ),
    "refuse": Action(
        gettext_lazy("Do not accept"),
        lambda a, u: a.status == Status.SUBMITTED and _handles(u, a, ACCEPT),
        _form(ReasonsForm, "refuse"),
        _run_refuse,
        danger=True,
        collapsed=True,
    ),
    "supplement": Action(gettext_lazy("Hand in the supplement"), _may_supplement, _supplement_form, _run_supplement),
    "review": Action(
        gettext_lazy("Record the review"),
        lambda a, u: a.status == Status.ACCEPTED and _handles(u, a, REVIEW, department=True),
        _form(ReviewForm, "review"),
        _run_review,
    ),
    "approve": Action(gettext_lazy("Approve"), _decides, _form(ConfirmForm, "approve"), _run_approve),
    "deny": Action(gettext_lazy("Deny"), _decides, _form(ReasonsForm, "deny"), _run_deny, danger=True, collapsed=True),
    "complete": Action(
        gettext_lazy("Complete"),
        lambda a, u: a.status == Status.APPROVED and _handles(u, a, ACCEPT),
        _form(ConfirmForm, "complete"),
        _run_complete,
    ),
    "stop_clock": Action(
        gettext_lazy("Stop the clock"),
        lambda a, u: a.status in CLOCK_STATUSES and not a.clock_stopped and _handles(u, a, STOP_CLOCK, department=True),
        _form(StopClockForm, "stop_clock"),
        _run_stop_clock,
        collapsed=True,
    ),
    "resume_clock": Action(
        gettext_lazy("Resume the clock"),
        lambda a, u: a.clock_stopped and _handles(u, a, STOP_CLOCK, department=True),
        _form(ConfirmForm, "resume_clock"),
        _run_resume_clock,
    ),
    "extend": Action(
        gettext_lazy("Extend the time limit"),
        lambda a, u: (
            a.status in CLOCK_STATUSES
            and a.extended_days < actions.MAX_EXTENSION_DAYS
            and _handles(u, a, EXTEND, department=True)
        ),
        _form(ExtendForm, "extend"),
        _run_extend,
        collapsed=True,
    ),
    "check_in": Action(
        gettext_lazy("Record a visit in person"),
        lambda a, u: a.is_open and _is_staff(u) and u.has_perm(ACCEPT),
        _form(ConfirmForm, "check_in"),
        _run_check_in,
    ),
}


def _deadline_view(deadline: Any) -> dict[str, Any] | None:
    if deadline is None:
        return None
    return {"deadline": deadline, "due": deadline.compute_due(), "changes": list(deadline.changes.select_related("by"))}


def _render_case(
    request: HttpRequest,
    application: Application,
    *,
    status: int = 200,
    failed: str = "",
    failed_form: Any = None,
    errors: list[str] | None = None,
) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    staff = _is_staff(user)
    today = clock.today()
    yellow = yellow_days()
    action_forms = []
    for name, action in ACTIONS.items():
        if name == failed:
            action_forms.append((name, action, failed_form))
        elif action.allowed(application, user):
            action_forms.append((name, action, action.form(application, request, False)))
    notices = application.supplement_notices.prefetch_related(Prefetch("items__material")).order_by("issued_on", "pk")
    context = {
        "application": application,
        "staff": staff,
        "base": "staff_base.html" if staff else "public_base.html",
        "timeline": _timeline(application),
        "materials": SubmittedMaterial.objects.filter(application=application)
        .select_related("material", "document")
        .order_by("material__order", "material__pk", "pk"),
        "fetched": [m for m in application.item_version.materials.all() if not m.to_submit],
        "notices": notices,
        "stops": application.clock_stops.all().order_by("started_on", "pk"),
        "visits": application.visit_log.select_related("window", "clerk").order_by("at") if staff else [],
        "deadlines": [
            (gettext_lazy("Promised time limit"), "promised", _deadline_view(application.promised_deadline)),
            (gettext_lazy("Legal time limit"), "legal", _deadline_view(application.legal_deadline)),
        ],
        "promised_light": application.light(application.promised_deadline, today, yellow),
        "legal_light": application.light(application.legal_deadline, today, yellow),
        "notifications": []
        if staff
        else Notification.objects.for_user(user).filter(
            object_type=Application._meta.label_lower, object_id=str(application.pk)
        ),
        "action_forms": action_forms,
        "action_errors": errors or [],
        "failed": failed,
    }
    return render(request, "applications/case.html", context, status=status)


@login_required
@require_GET
def case(request: HttpRequest, pk: int) -> HttpResponse:
    """The case file: details, materials, timeline, clocks, and the acts one may take."""
    return _render_case(request, get_application_for_user(request, pk))


def _messages_of(error: ValidationError) -> list[str]:
    return [str(m) for m in error.messages]


@login_required
@require_POST
def act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """One act on a case: the form validates, the ``do_*`` function decides.

    409 when someone else acted first, 403 with the reason when the role does not allow
    it, 400 with every message when the input is wrong; otherwise back to the case."""
    application = get_application_for_user(request, pk)
    spec = ACTIONS.get(action)
    if spec is None:
        raise Http404
    form = spec.form(application, request, True)
    if not form.is_valid():
        return _render_case(request, application, status=400, failed=action, failed_form=form)
    try:
        with transaction.atomic():
            message = spec.run(application, request, form)
    except Conflict as error:
        fresh = get_application_for_user(request, pk)
        return _render_case(request, fresh, status=409, errors=[str(error)])
    except PermissionDenied as error:
        reason = str(error) or _("Your role does not allow this action.")
        return _render_case(request, application, status=403, failed=action, failed_form=form, errors=[reason])
    except ValidationError as error:
        return _render_case(
            request, application, status=400, failed=action, failed_form=form, errors=_messages_of(error)
        )
    messages.success(request, message)
    return redirect("applications:case", pk=application.pk)


# The applicant's pages --------------------------------------------------------------------


@login_required
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    applications = (
        Application.objects.filter(applicant__user=request.user)  # type: ignore[misc]
        .select_related("item_version", "promised_deadline")
        .order_by("-created_at")
    )
    page = Paginator(applications, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "applications/mine.html", {"page": page})


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    """In-app messages; those shown are marked read."""
    notifications = Notification.objects.for_user(request.user)
    page = Paginator(notifications.order_by("-created_at", "-pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    shown = list(page)
    unread = [n.pk for n in shown if n.read_at is None]
    if unread:
        Notification.objects.filter(pk__in=unread).update(read_at=clock.now())
    return render(request, "applications/messages.html", {"page": page, "notifications": shown, "unread": set(unread)})


# Public lookup ----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def lookup(request: HttpRequest) -> HttpResponse:
    """Status and timeline by number and verification code, without personal data.
    A wrong number and a wrong code get the same answer; failures are limited per address."""
    form = LookupForm(request.POST or None)
    context: dict[str, Any] = {"form": form}
    if request.method == "GET":
        return render(request, "applications/lookup.html", context)
    if not form.is_valid():
        return render(request, "applications/lookup.html", context, status=400)
    address = client_address(request)
    if not LOOKUP_LIMIT.take(address):
        context["limited"] = True
        return render(request, "applications/lookup.html", context, status=429)
    application = (
        Application.objects.filter(number=form.cleaned_data["number"])
        .select_related("item_version", "promised_deadline")
        .first()
    )
    code = form.cleaned_data["code"]
    if application is None or not secrets.compare_digest(application.verification_code, code):
        context["not_found"] = True
        return render(request, "applications/lookup.html", context, status=404)
    LOOKUP_LIMIT.give_back(address)  # only failures are limited
    context["application"] = application
    context["timeline"] = [
        {"at": event.at, "label": VERBS.get(event.verb, event.verb), "status": _status_label(event.to_status)}
        for event in ApplicationEvent.objects.filter(application=application)
    ]
    return render(request, "applications/lookup.html", context)
