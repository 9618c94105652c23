"""The pages of an application: applying online, window intake, the staff queues, the
case page with its actions, the applicant's own pages and the public lookup.

Every write goes through a ``do_*`` function of ``actions``; every protected row is
fetched through ``get_application_for_user`` (404 alike for missing and forbidden).
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dgov.accounts.access import AuthedRequest, is_staff, staff_or_403
from dgov.accounts.models import Applicant, User, acting_for
from dgov.accounts.roles import ACCEPT
from dgov.applications import actions, lists, rules
from dgov.applications.delivery import delivery_of, do_choose_delivery, do_record_post, do_reveal_address
from dgov.applications.forms import (
    ApplyForm,
    ConfirmForm,
    ExtendForm,
    FurtherNoticeForm,
    LookupForm,
    PostedForm,
    ProblemFormSet,
    ReasonsForm,
    RevealReasonForm,
    ReviewForm,
    StopClockForm,
    SupplementForm,
    WindowMaterialsForm,
    WindowStartForm,
    applicant_search,
    picked_applicant,
)
from dgov.applications.models import (
    LOOKUP_LIMIT,
    OPEN_STATUSES,
    VERBS,
    Application,
    Channel,
    Status,
    SubmittedMaterial,
    status_label,
)
from dgov.applications.steps import steps as step_clocks
from dgov.documents.models import Document
from dgov.documents.storage import do_store_uploads, reuse
from dgov.lib import clock
from dgov.lib.addresses import client_address
from dgov.lib.conflicts import Conflict
from dgov.lib.paging import CappedPaginator
from dgov.lib.rules import Verdict, enforce, offers
from dgov.notifications.models import Notification
from dgov.services.models import Material, ServiceItem

PAGE_SIZE = 50


def get_application_for_user(request: AuthedRequest, pk: int) -> Application:
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
                "result_delivery",
            )
            .get(pk=pk)
        )
    except Application.DoesNotExist:
        raise Http404 from None


def _timeline(application: Application) -> list[dict[str, Any]]:
    return [
        {"event": event, "label": VERBS.get(event.verb, event.verb), "status": status_label(event.to_status)}
        for event in application.events.select_related("by")
    ]


# Applying online --------------------------------------------------------------------------


def _item_to_apply_for(request: AuthedRequest, code: str) -> ServiceItem:
    """The published item with this code: in a district where the user has a profile,
    else the portal's district."""
    user = request.user
    items = ServiceItem.objects.published().filter(code=code).select_related("current_version", "district")
    item = items.filter(district__applicants__user=user).first()
    item = item or items.filter(district__code=settings.DEFAULT_DISTRICT_CODE).first()
    if item is None:
        raise Http404
    return item


def applicants_for(user: User, district_id: int) -> list[Applicant]:
    """Whom ``user`` may apply as in ``district_id``: their own profile first, then the
    enterprises that made them an agent allowed to apply (经办人)."""
    own = list(Applicant.objects.filter(user=user, district_id=district_id).order_by("kind", "pk"))
    agent_of = Applicant.objects.filter(
        district_id=district_id, pk__in=acting_for(user, "may_apply"), kind=Applicant.Kind.ENTERPRISE
    ).order_by("name")
    return own + [a for a in agent_of if a not in own]


@login_required
@require_http_methods(["GET", "POST"])
def apply(request: AuthedRequest, code: str) -> HttpResponse:
    """Apply online: upload or reuse each material the applicant provides; data the
    government already holds is fetched, not asked for (once-only). An enterprise's agent
    chooses whom they apply as (``?as=``); the applicant chooses how the result comes."""
    user = request.user
    item = _item_to_apply_for(request, code)
    version = item.current_version
    assert version is not None
    choices = applicants_for(user, item.district_id)
    wanted = request.POST.get("as") or request.GET.get("as") or ""
    applicant = next((a for a in choices if str(a.pk) == wanted), choices[0] if choices else None)
    materials = list(version.materials.all())
    fetched = [m for m in materials if not m.to_submit]
    context: dict[str, Any] = {
        "item": item,
        "version": version,
        "fetched": fetched,
        "applicant": applicant,
        "choices": choices,
    }
    if applicant is None:
        return render(request, "applications/apply.html", context, status=200 if request.method == "GET" else 403)
    documents = Document.objects.filter(owner_id=request.user.pk)
    form = ApplyForm(
        request.POST or None,
        request.FILES or None,
        materials=materials,
        documents=documents,
        post_available=version.post_available,
        initial={"recipient": applicant.name, "delivery_phone": applicant.phone},
    )
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
                stored = do_store_uploads(
                    uploads, owner=request.user, district=item.district, label=material.name, by=None
                )
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
            if created:
                do_choose_delivery(existing, by=request.user, **form.delivery_choice())
            else:  # the same key won a moment ago in a parallel request: keep its documents only
                transaction.set_rollback(True)
        messages.success(
            request,
            _("Application %(number)s is submitted. Verification code: %(code)s.")
            % {"number": existing.number, "code": existing.verification_code},
        )
    return redirect("applications:case", pk=existing.pk)


# Window intake ----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def window_new(request: AuthedRequest) -> HttpResponse:
    """Register a walk-in's application at the window: who, which item, which materials
    were handed over. Also records the visit in person."""
    user = staff_or_403(request, ACCEPT)
    district = user.district
    applicants = Applicant.objects.visible_to(user)
    items = ServiceItem.objects.published().filter(district=district).select_related("current_version")
    context: dict[str, Any] = applicant_search(request.GET, applicants)
    chosen_both = "applicant" in request.GET and "item" in request.GET
    start = WindowStartForm(request.GET if chosen_both else None, applicants=applicants, items=items)
    context["start"] = start
    if not start.is_bound or not start.is_valid():
        if request.method == "POST":
            return render(request, "applications/window_new.html", context, status=400)
        context["chosen"] = picked_applicant(request.GET, applicants)
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
                stored = do_store_uploads(uploads, owner=owner, district=district, label=material.name, by=user)
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


@login_required
@require_GET
def queue(request: AuthedRequest) -> HttpResponse:
    """The staff workbench queue: filters, counts per status, two lights per case."""
    user = staff_or_403(request)
    today = clock.today()
    found = lists.queue(user, request.GET, today)
    form, statuses = found.form, found.statuses
    counts = found.counts()
    rows = found.rows.select_related("item_version", "applicant", "legal_deadline", "promised_deadline", "department")
    page = CappedPaginator(rows.order_by("received_on", "pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    for application in page:
        application.promised_light = application.light(application.promised_deadline, today)  # type: ignore[attr-defined]
        application.legal_light = application.light(application.legal_deadline, today)  # type: ignore[attr-defined]
    status_counts = [(s, counts.get(s.value, 0) if s in OPEN_STATUSES else None) for s in Status]
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
    """One act on a case: the rule that shows its button (the one its ``do_*`` enforces),
    how its input is read, what it does."""

    label: Promise
    may: Callable[[User, Application], Verdict]
    form: Callable[[Application, AuthedRequest, bool], Any]
    run: Callable[[Application, AuthedRequest, Any], str]
    danger: bool = False
    collapsed: bool = False  # shown folded: the less common acts


def _bind(request: AuthedRequest, bound: bool) -> tuple[Any, Any]:
    return (request.POST, request.FILES) if bound else (None, None)


def _form(form_class: type, prefix: str) -> Callable[[Application, AuthedRequest, bool], Any]:
    def build(application: Application, request: AuthedRequest, bound: bool) -> Any:
        data, _files = _bind(request, bound)
        return form_class(data, prefix=prefix)

    return build


def _problems(application: Application, request: AuthedRequest, bound: bool) -> Any:
    data, _files = _bind(request, bound)
    formset = ProblemFormSet(
        data, prefix="problems", form_kwargs={"materials": application.item_version.materials.all()}
    )
    if rules.further_notice(application):
        formset.reason_form = FurtherNoticeForm(data, prefix="further")  # type: ignore[attr-defined]
    return formset


def _open_notice_materials(application: Application) -> list[Material]:
    notice = application.supplement_notices.filter(completed_on__isnull=True).order_by("-pk").first()
    if notice is None:
        return []
    seen: dict[int, Material] = {}
    for item in notice.items.select_related("material"):
        if item.material is not None:
            seen.setdefault(item.material.pk, item.material)
    return list(seen.values())


def _supplement_form(application: Application, request: AuthedRequest, bound: bool) -> Any:
    data, files = _bind(request, bound)
    owner_id = application.applicant.user_id
    documents = Document.objects.visible_to(request.user).filter(owner_id=owner_id) if owner_id else None
    return SupplementForm(
        data, files, materials=_open_notice_materials(application), documents=documents, prefix="supplement"
    )


def _run_supplement(application: Application, request: AuthedRequest, form: Any) -> str:
    owner = application.applicant.user or request.user
    chosen = []
    for material, uploads, reused, _promised, _handed in form.cleaned_data["materials"]:
        stored = do_store_uploads(
            uploads, owner=owner, district=application.district, label=material.name, by=request.user
        )
        chosen += [(material, document) for document in stored]
        if reused is not None:
            chosen.append((material, reuse(reused, request.user)))
    actions.do_supplement(application, by=request.user, documents=chosen)
    return _("The supplement is handed in.")


def _run_accept(application: Application, request: AuthedRequest, form: Any) -> str:
    actions.do_accept(application, by=request.user)
    return _("The application is accepted.")


def _run_request_supplement(application: Application, request: AuthedRequest, form: Any) -> str:
    actions.do_request_supplement(application, by=request.user, problems=form.problems, reason=form.reason)
    return _("The supplement notice is issued.")


def _run_refuse(application: Application, request: AuthedRequest, form: Any) -> str:
    actions.do_refuse(application, by=request.user, reasons=form.cleaned_data["reasons"])
    return _("The application is not accepted; the applicant is told the reasons.")


def _run_review(application: Application, request: AuthedRequest, form: Any) -> str:
    actions.do_review(application, by=request.user, note=form.cleaned_data["note"])
    return _("The review is recorded.")


def _run_approve(application: Application, request: AuthedRequest, form: Any) -> str:
    actions.do_decide(application, by=request.user, approve=True)
    return _("The application is approved.")


def _run_deny(application: Application, request: AuthedRequest, form: Any) -> str:
    actions.do_decide(application, by=request.user, approve=False, reasons=form.cleaned_data["reasons"])
    return _("The application is denied; the applicant is told the reasons.")


def _run_complete(application: Application, request: AuthedRequest, form: Any) -> str:
    actions.do_complete(application, by=request.user)
    return _("The application is completed.")


def _run_stop_clock(application: Application, request: AuthedRequest, form: Any) -> str:
    actions.do_stop_clock(application, by=request.user, **form.cleaned_data)
    return _("The clock is stopped; the applicant has the written notice.")


def _run_resume_clock(application: Application, request: AuthedRequest, form: Any) -> str:
    stop = actions.do_resume_clock(application, by=request.user)
    return _("The clock runs again after %(days)d working days.") % {"days": stop.days_stopped or 0}


def _run_extend(application: Application, request: AuthedRequest, form: Any) -> str:
    actions.do_extend(application, by=request.user, **form.cleaned_data)
    return _("The time limit is extended.")


def _run_check_in(application: Application, request: AuthedRequest, form: Any) -> str:
    user = request.user
    actions.do_check_in(application, by=user, window=user.window)
    return _("The visit is recorded.")


def _run_record_post(application: Application, request: AuthedRequest, form: Any) -> str:
    do_record_post(application, by=request.user, **form.cleaned_data)
    return _("The tracking number is recorded; the applicant is told.")


def _run_fetch_shared(application: Application, request: AuthedRequest, form: Any) -> str:
    from dgov.applications.sharing import do_fetch_shared

    rows = do_fetch_shared(application, by=request.user)
    found = sum(row.found for row in rows)
    return _("Asked the sources again: %(found)d of %(asked)d found.") % {"found": found, "asked": len(rows)}


ACTIONS: dict[str, Action] = {
    "accept": Action(gettext_lazy("Accept"), rules.may_accept, _form(ConfirmForm, "accept"), _run_accept),
    "request_supplement": Action(
        gettext_lazy("Issue the supplement notice"), rules.may_request_supplement, _problems, _run_request_supplement
    ),
    "refuse": Action(
        gettext_lazy("Do not accept"),
        rules.may_refuse,
        _form(ReasonsForm, "refuse"),
        _run_refuse,
        danger=True,
        collapsed=True,
    ),
    "supplement": Action(
        gettext_lazy("Hand in the supplement"), rules.may_supplement, _supplement_form, _run_supplement
    ),
    "review": Action(gettext_lazy("Record the review"), rules.may_review, _form(ReviewForm, "review"), _run_review),
    "approve": Action(gettext_lazy("Approve"), rules.may_decide, _form(ConfirmForm, "approve"), _run_approve),
    "deny": Action(
        gettext_lazy("Deny"), rules.may_decide, _form(ReasonsForm, "deny"), _run_deny, danger=True, collapsed=True
    ),
    "complete": Action(gettext_lazy("Complete"), rules.may_complete, _form(ConfirmForm, "complete"), _run_complete),
    "stop_clock": Action(
        gettext_lazy("Stop the clock"),
        rules.may_stop_clock,
        _form(StopClockForm, "stop_clock"),
        _run_stop_clock,
        collapsed=True,
    ),
    "resume_clock": Action(
        gettext_lazy("Resume the clock"),
        rules.may_resume_clock,
        _form(ConfirmForm, "resume_clock"),
        _run_resume_clock,
    ),
    "extend": Action(
        gettext_lazy("Extend the time limit"),
        rules.may_extend,
        _form(ExtendForm, "extend"),
        _run_extend,
        collapsed=True,
    ),
    "check_in": Action(
        gettext_lazy("Record a visit in person"), rules.may_check_in, _form(ConfirmForm, "check_in"), _run_check_in
    ),
    "record_post": Action(
        gettext_lazy("Record the posting of the result"),
        rules.may_record_post,
        _form(PostedForm, "record_post"),
        _run_record_post,
    ),
    "fetch_shared": Action(
        gettext_lazy("Fetch the shared materials now"),
        rules.may_fetch_shared,
        _form(ConfirmForm, "fetch_shared"),
        _run_fetch_shared,
    ),
}


def _deadline_view(deadline: Any) -> dict[str, Any] | None:
    if deadline is None:
        return None
    return {"deadline": deadline, "due": deadline.compute_due(), "changes": list(deadline.changes.select_related("by"))}


def _fetched(application: Application) -> list[Any]:
    """The materials the platform fetches, each with what was fetched, from where and when."""
    from dgov.applications.models import SharedMaterial
    from dgov.applications.sharing import provider_label

    rows = {r.material_id: r for r in SharedMaterial.objects.filter(application=application)}
    fetched = [m for m in application.item_version.materials.all() if not m.to_submit]
    for material in fetched:
        material.shared = rows.get(material.pk)  # type: ignore[attr-defined]
        if material.shared is not None:  # type: ignore[attr-defined]
            material.shared.source_label = provider_label(material.shared.provider)  # type: ignore[attr-defined]
            material.shared.unavailable = [  # type: ignore[attr-defined]
                provider_label(name)
                for name in material.shared.data.get("unavailable", [])  # type: ignore[attr-defined]
            ]
    return fetched


def _render_case(
    request: AuthedRequest,
    application: Application,
    *,
    status: int = 200,
    failed: str = "",
    failed_form: Any = None,
    errors: list[str] | None = None,
    revealed: Any = None,
    reveal_form: Any = None,
) -> HttpResponse:
    user = request.user
    staff = is_staff(user)
    today = clock.today()

    def form(name: str, action: Action) -> Any:
        if name == failed and failed_form is not None:
            return failed_form
        return action.form(application, request, False)

    action_forms = offers(ACTIONS, lambda action: action.may(user, application), form)
    notices = application.supplement_notices.prefetch_related(Prefetch("items__material")).order_by("issued_on", "pk")
    context = {
        "application": application,
        "staff": staff,
        "base": "staff_base.html" if staff else "public_base.html",
        "timeline": _timeline(application),
        "materials": SubmittedMaterial.objects.filter(application=application)
        .select_related("material", "document")
        .order_by("material__order", "material__pk", "pk"),
        "fetched": _fetched(application),
        "notices": notices,
        "stops": application.clock_stops.all().order_by("started_on", "pk"),
        "steps": step_clocks(application, today),
        "visits": application.visit_log.select_related("window", "clerk").order_by("at") if staff else [],
        "deadlines": [
            (gettext_lazy("Promised time limit"), "promised", _deadline_view(application.promised_deadline)),
            (gettext_lazy("Legal time limit"), "legal", _deadline_view(application.legal_deadline)),
        ],
        "promised_light": application.light(application.promised_deadline, today),
        "legal_light": application.light(application.legal_deadline, today),
        "notifications": []
        if staff
        else Notification.objects.for_user(user).filter(
            object_type=Application._meta.label_lower, object_id=str(application.pk)
        ),
        "action_forms": action_forms,
        "action_errors": errors or [],
        "failed": failed,
        "delivery": delivery_of(application),
        "revealed": revealed,
        "reveal_form": reveal_form or (RevealReasonForm() if rules.may_reveal_address(user, application) else None),
        "certificates": _certificates_of(application, user),
        "may_rate": not staff and _may_rate(user, application),
    }
    return render(request, "applications/case.html", context, status=status)


def _certificates_of(application: Application, user: User) -> list[Any]:
    """The application's certificates, for its applicant's page (staff reach them through
    the certificate ledger)."""
    if is_staff(user) or application.status not in (Status.APPROVED, Status.COMPLETED):
        return []
    from dgov.certificates.models import Certificate

    return list(Certificate.objects.filter(application=application).select_related("certificate_type").order_by("pk"))


@login_required
@require_POST
def reveal_address(request: AuthedRequest, pk: int) -> HttpResponse:
    """The full postal address of a result sent by post, for the clerk who posts it;
    the asking is audited with its reason."""
    application = get_application_for_user(request, pk)
    enforce(rules.may_reveal_address(request.user, application))
    form = RevealReasonForm(request.POST)
    if not form.is_valid():
        return _render_case(request, application, status=400, reveal_form=form)
    delivery = do_reveal_address(application, by=request.user, reason=form.cleaned_data["reason"])
    return _render_case(request, application, revealed=delivery)


def _may_rate(user: Any, application: Application) -> bool:
    """The rating link only where rating is open: the case is finished and not rated yet."""
    from dgov.ratings.rules import may_rate  # ratings builds on applications, not the reverse

    return bool(may_rate(user, application))


@login_required
@require_GET
def case(request: AuthedRequest, pk: int) -> HttpResponse:
    """The case file: details, materials, timeline, clocks, and the acts one may take."""
    return _render_case(request, get_application_for_user(request, pk))


def _messages_of(error: ValidationError) -> list[str]:
    return [str(m) for m in error.messages]


@login_required
@require_POST
def act(request: AuthedRequest, pk: int, action: str) -> HttpResponse:
    """One act on a case: the act's rule (the one its button shows), then the form
    validates, then the ``do_*`` function decides.

    409 when someone else acted first, 403 with the reason when the rule does not allow
    it, 400 with every message when the input is wrong; otherwise back to the case."""
    application = get_application_for_user(request, pk)
    spec = ACTIONS.get(action)
    if spec is None:
        raise Http404
    form = None
    try:
        enforce(spec.may(request.user, application))
        form = spec.form(application, request, True)
        if not form.is_valid():
            return _render_case(request, application, status=400, failed=action, failed_form=form)
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
def mine(request: AuthedRequest) -> HttpResponse:
    # An applicant's own cases, and an enterprise's those its agent may see (``visible_to``).
    own = (
        Application.objects.filter(applicant__user=request.user)
        if is_staff(request.user)
        else Application.objects.visible_to(request.user)
    )
    applications = own.select_related("item_version", "promised_deadline", "applicant").order_by("-created_at")
    page = Paginator(applications, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "applications/mine.html", {"page": page})


@login_required
@require_GET
def inbox(request: AuthedRequest) -> HttpResponse:
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
    application = Application.objects.by_code(form.cleaned_data["number"], form.cleaned_data["code"])
    if application is None:
        context["not_found"] = True
        return render(request, "applications/lookup.html", context, status=404)
    LOOKUP_LIMIT.give_back(address)  # only failures are limited
    context["application"] = application
    context["timeline"] = application.public_timeline()
    return render(request, "applications/lookup.html", context)
