"""The pages of bundles: the public list and guide, the single form, the bundle page
(applicant and staff) with each department's progress and the critical path, the
window's intake list, and the administrators' definitions.

Every write goes through a ``do_*`` function of ``actions``; every protected row is
fetched through ``get_bundle_application_for_user`` (404 alike for missing and forbidden).
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dgov.accounts.models import Applicant, User
from dgov.accounts.roles import ACCEPT, ISSUE_CERTIFICATE
from dgov.applications.actions import do_check_in
from dgov.applications.forms import ApplicantSearchForm
from dgov.applications.models import Channel, Light
from dgov.applications.views import yellow_days
from dgov.bundles import actions
from dgov.bundles.forms import (
    BundleApplyForm,
    BundleForm,
    ConfirmForm,
    ExtendForm,
    IntakeForm,
    ReasonsForm,
    WindowMaterialsForm,
    WindowStartForm,
)
from dgov.bundles.models import (
    MAX_EXTENSION_DAYS,
    OPEN_STATUSES,
    Bundle,
    BundleApplication,
    Status,
    progress,
)
from dgov.documents.models import Document
from dgov.documents.storage import do_store_uploads, reuse
from dgov.lib import clock
from dgov.lib.conflicts import Conflict
from dgov.notifications.models import Notification
from dgov.services.models import ServiceItem
from dgov.workdays.calendar import working_days_between

PAGE_SIZE = 50

VERBS: dict[str, Promise] = {
    "submit": gettext_lazy("Bundle received"),
    "accept": gettext_lazy("Accepted at one window"),
    "refuse": gettext_lazy("Not accepted"),
    "part_denied": gettext_lazy("A part was denied"),
    "stop": gettext_lazy("Bundle stopped"),
    "decided": gettext_lazy("Every part decided"),
    "extend": gettext_lazy("Joint time limit extended"),
    "issue": gettext_lazy("Certificates issued together"),
    "complete": gettext_lazy("Completed"),
}


def _is_staff(user: Any) -> bool:
    return bool(user.is_authenticated and user.kind == User.Kind.STAFF and user.district_id is not None)


def _require_staff(request: HttpRequest, permission: str = "") -> User:
    user: User = request.user  # type: ignore[assignment]
    if not _is_staff(user) or (permission and not user.has_perm(permission)):
        raise PermissionDenied
    return user


def get_bundle_application_for_user(request: HttpRequest, pk: int) -> BundleApplication:
    """The one guarded way to fetch a bundle application: missing and forbidden look the same."""
    try:
        return (
            BundleApplication.objects.visible_to(request.user)
            .select_related("bundle", "applicant__user", "district", "joint_deadline", "accepted_by")
            .get(pk=pk)
        )
    except BundleApplication.DoesNotExist:
        raise Http404 from None


def _light(bundle_application: BundleApplication, today: dt.date) -> Light | None:
    deadline = bundle_application.joint_deadline
    if deadline is None or bundle_application.status != Status.ACCEPTED:
        return None
    if today > deadline.due_date:
        return Light.RED
    if working_days_between(today, deadline.due_date) <= yellow_days():
        return Light.YELLOW
    return Light.GREEN


# Public: the list, the guide, the single form ----------------------------------------------


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """The bundles an applicant can apply for, each with its licences and departments."""
    bundles = Bundle.objects.public().prefetch_related("links__item__current_version__department").order_by("name")
    return render(request, "bundles/index.html", {"bundles": bundles})


def _public_bundle(request: HttpRequest, code: str) -> Bundle:
    bundles = Bundle.objects.published().filter(code=code).select_related("district")
    user = request.user
    bundle = None
    if user.is_authenticated:
        bundle = bundles.filter(district__applicants__user=user).first()
    bundle = bundle or bundles.filter(district__code=settings.DEFAULT_DISTRICT_CODE).first()
    if bundle is None:
        raise Http404
    return bundle


def _guide_context(bundle: Bundle) -> dict[str, Any]:
    items = bundle.ordered_items()
    groups = actions.material_groups(items)
    return {
        "bundle": bundle,
        "items": items,
        "departments": sorted({item.current_version.department.name for item in items if item.current_version}),
        "groups": [g for g in groups if g.first.to_submit],
        "fetched": [g for g in groups if not g.first.to_submit],
        "separate_days": sum(item.current_version.legal_limit_days for item in items if item.current_version),
    }


@require_GET
def detail(request: HttpRequest, code: str) -> HttpResponse:
    """A bundle's guide: what it yields, who decides, what to bring (each thing once)."""
    return render(request, "bundles/detail.html", _guide_context(_public_bundle(request, code)))


def _store(uploads: list[Any], *, owner: Any, district: Any, label: str, by: Any) -> list[Document]:
    return do_store_uploads(uploads, owner=owner, district=district, label=label, by=by) if uploads else []


@login_required
@require_http_methods(["GET", "POST"])
def apply(request: HttpRequest, code: str) -> HttpResponse:
    """One form for every licence of the bundle; a material several licences need is
    handed in once and attached to each."""
    user: User = request.user  # type: ignore[assignment]
    bundle = _public_bundle(request, code)
    context = _guide_context(bundle)
    applicant = Applicant.objects.filter(user=user, district_id=bundle.district_id).first()
    context["applicant"] = applicant
    if applicant is None:
        return render(request, "bundles/apply.html", context, status=200 if request.method == "GET" else 403)
    documents = Document.objects.filter(owner_id=user.pk)
    form = BundleApplyForm(request.POST or None, request.FILES or None, groups=context["groups"], documents=documents)
    context["form"] = form
    if request.method == "GET":
        return render(request, "bundles/apply.html", context)
    if not form.is_valid():
        return render(request, "bundles/apply.html", context, status=400)
    key = str(form.cleaned_data["key"])
    existing = BundleApplication.objects.filter(submitted_by=user, idempotency_key=key).first()
    if existing is None:
        try:
            with transaction.atomic():
                chosen: list[tuple[Any, Document | None, bool]] = []
                for group, uploads, reused, promised in form.cleaned_data["groups"]:
                    label = group.first.name
                    stored = _store(uploads, owner=user, district=bundle.district, label=label, by=None)
                    chosen += [(group, document, False) for document in stored]
                    if reused is not None:
                        chosen.append((group, reuse(reused, user), False))
                    if promised and not stored and reused is None:
                        chosen.append((group, None, True))
                existing, created = actions.do_submit_bundle(
                    bundle, applicant=applicant, by=user, channel=Channel.ONLINE, idempotency_key=key, materials=chosen
                )
                if not created:  # the same key won a moment ago in a parallel request
                    transaction.set_rollback(True)
        except ValidationError as error:
            context["errors"] = [str(m) for m in error.messages]
            return render(request, "bundles/apply.html", context, status=400)
        messages.success(request, _("Bundle application %(number)s is submitted.") % {"number": existing.number})
    return redirect("bundles:case", pk=existing.pk)


@login_required
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    actions.sync_due(BundleApplication.objects.filter(applicant__user=request.user))  # type: ignore[misc]
    rows = (
        BundleApplication.objects.filter(applicant__user=request.user)  # type: ignore[misc]
        .select_related("bundle", "joint_deadline")
        .order_by("-created_at")
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "bundles/mine.html", {"page": page})


# The bundle page ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Action:
    label: Promise
    allowed: Callable[[BundleApplication, User], bool]
    form: type
    run: Callable[[BundleApplication, User, Any], str]
    danger: bool = False
    collapsed: bool = False


def _own(bundle_application: BundleApplication, user: User) -> bool:
    return bundle_application.applicant.user_id is not None and bundle_application.applicant.user_id == user.pk


def _handles(user: User, bundle_application: BundleApplication, permission: str) -> bool:
    return _is_staff(user) and user.has_perm(permission) and not _own(bundle_application, user)


def _run_accept(ba: BundleApplication, user: User, form: Any) -> str:
    actions.do_accept_bundle(ba, by=user)
    return _("Every part is accepted and sent to its department.")


def _run_refuse(ba: BundleApplication, user: User, form: Any) -> str:
    actions.do_refuse_bundle(ba, by=user, reasons=form.cleaned_data["reasons"])
    return _("The bundle is not accepted; the applicant is told the reasons.")


def _run_extend(ba: BundleApplication, user: User, form: Any) -> str:
    actions.do_extend_bundle(ba, by=user, **form.cleaned_data)
    return _("The joint time limit is extended; the applicant is told the reason.")


def _run_issue(ba: BundleApplication, user: User, form: Any) -> str:
    certificates = actions.do_issue_bundle(ba, by=user)
    return _("%(count)d certificate(s) issued together.") % {"count": len(certificates)}


def _run_complete(ba: BundleApplication, user: User, form: Any) -> str:
    actions.do_complete_bundle(ba, by=user)
    return _("The results are handed over; the bundle is completed.")


ACTIONS: dict[str, Action] = {
    "accept": Action(
        gettext_lazy("Accept every part"),
        lambda a, u: a.status == Status.SUBMITTED and _handles(u, a, ACCEPT),
        ConfirmForm,
        _run_accept,
    ),
    "refuse": Action(
        gettext_lazy("Do not accept"),
        lambda a, u: a.status == Status.SUBMITTED and _handles(u, a, ACCEPT),
        ReasonsForm,
        _run_refuse,
        danger=True,
        collapsed=True,
    ),
    "extend": Action(
        gettext_lazy("Approve an extension of the joint time limit"),
        lambda a, u: (
            a.status == Status.ACCEPTED and a.extended_days < MAX_EXTENSION_DAYS and _handles(u, a, actions.EXTEND)
        ),
        ExtendForm,
        _run_extend,
        collapsed=True,
    ),
    "issue": Action(
        gettext_lazy("Issue every certificate together"),
        lambda a, u: a.status == Status.READY and _handles(u, a, ISSUE_CERTIFICATE),
        ConfirmForm,
        _run_issue,
    ),
    "complete": Action(
        gettext_lazy("Hand over the results"),
        lambda a, u: a.status == Status.ISSUED and _handles(u, a, ACCEPT),
        ConfirmForm,
        _run_complete,
    ),
}


def _render_case(
    request: HttpRequest,
    bundle_application: BundleApplication,
    *,
    status: int = 200,
    failed: str = "",
    failed_form: Any = None,
    errors: list[str] | None = None,
) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    staff = _is_staff(user)
    parts = actions.parts_of(bundle_application)
    rows = progress(bundle_application, parts)
    action_forms = []
    for name, action in ACTIONS.items():
        if name == failed:
            action_forms.append((name, action, failed_form))
        elif action.allowed(bundle_application, user):
            action_forms.append((name, action, action.form(prefix=name)))
    deadline = bundle_application.joint_deadline
    certificates = []
    if bundle_application.status in (Status.ISSUED, Status.COMPLETED):
        from dgov.certificates.models import Certificate

        certificates = list(
            Certificate.objects.filter(application__bundle_part__bundle_application=bundle_application).order_by("pk")
        )
    context = {
        "ba": bundle_application,
        "staff": staff,
        "base": "staff_base.html" if staff else "public_base.html",
        "rows": rows,
        "light": _light(bundle_application, clock.today()),
        "deadline": deadline,
        "due": deadline.compute_due() if deadline else None,
        "changes": list(deadline.changes.all()) if deadline else [],
        "events": [
            {"event": e, "label": VERBS.get(e.verb, e.verb)}
            for e in bundle_application.events.select_related("by").order_by("at", "pk")
        ],
        "certificates": certificates,
        "notifications": []
        if staff
        else Notification.objects.for_user(user).filter(
            object_type=BundleApplication._meta.label_lower, object_id=str(bundle_application.pk)
        ),
        "action_forms": action_forms,
        "action_errors": errors or [],
        "failed": failed,
    }
    return render(request, "bundles/case.html", context, status=status)


@login_required
@require_GET
def case(request: HttpRequest, pk: int) -> HttpResponse:
    """The bundle page: each department's progress, the critical path, the joint clock."""
    return _render_case(request, _fresh(request, pk))


def _fresh(request: HttpRequest, pk: int) -> BundleApplication:
    """The bundle application, moved on first if its parts have moved since (the parts are
    decided on the ordinary case pages)."""
    bundle_application = get_bundle_application_for_user(request, pk)
    if actions.sync_due(BundleApplication.objects.filter(pk=bundle_application.pk)):
        bundle_application = get_bundle_application_for_user(request, pk)
    return bundle_application


@login_required
@require_POST
def act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """One act on a bundle: 409 when someone acted first, 403 with the reason when the
    role does not allow it, 400 with every message when the input is wrong."""
    bundle_application = _fresh(request, pk)
    spec = ACTIONS.get(action)
    if spec is None:
        raise Http404
    user: User = request.user  # type: ignore[assignment]
    form = spec.form(request.POST, prefix=action)
    if not form.is_valid():
        return _render_case(request, bundle_application, status=400, failed=action, failed_form=form)
    if not spec.allowed(bundle_application, user) and not _is_staff(user):
        raise PermissionDenied
    try:
        with transaction.atomic():
            message = spec.run(bundle_application, user, form)
    except Conflict as error:
        fresh = get_bundle_application_for_user(request, pk)
        return _render_case(request, fresh, status=409, errors=[str(error)])
    except PermissionDenied as error:
        reason = str(error) or _("Your role does not allow this action.")
        return _render_case(request, bundle_application, status=403, failed=action, failed_form=form, errors=[reason])
    except ValidationError as error:
        return _render_case(
            request,
            bundle_application,
            status=400,
            failed=action,
            failed_form=form,
            errors=[str(m) for m in error.messages],
        )
    messages.success(request, message)
    return redirect("bundles:case", pk=bundle_application.pk)


# Staff: the window, intake and the definitions ------------------------------------------------------------


def _search_applicants(applicants: Any, q: str) -> Any:
    from django.db.models import Q

    match = Q(name__icontains=q)
    if len(q) == 4:
        match |= Q(id_number__iendswith=q) | Q(credit_code__iendswith=q)
    return applicants.filter(match).order_by("name")[:20]


@login_required
@require_http_methods(["GET", "POST"])
def window_new(request: HttpRequest) -> HttpResponse:
    """Register a walk-in's bundle at the window: who, which bundle, which materials were
    handed over (each once). Records the visit in person on every part."""
    user = _require_staff(request, ACCEPT)
    applicants = Applicant.objects.visible_to(user)
    bundles = Bundle.objects.published().filter(district_id=user.district_id).order_by("name")
    search = ApplicantSearchForm(request.GET)
    q = search.cleaned_data["q"].strip() if search.is_valid() else ""
    context: dict[str, Any] = {"search": search, "results": _search_applicants(applicants, q) if q else None}
    chosen_both = "applicant" in request.GET and "bundle" in request.GET
    start = WindowStartForm(request.GET if chosen_both else None, applicants=applicants, bundles=bundles)
    context["start"] = start
    if not start.is_bound or not start.is_valid():
        if request.method == "POST":
            return render(request, "bundles/window_new.html", context, status=400)
        picked = request.GET.get("applicant", "")
        context["chosen"] = applicants.filter(pk=int(picked)).first() if picked.isascii() and picked.isdigit() else None
        return render(request, "bundles/window_new.html", context)
    applicant, bundle = start.cleaned_data["applicant"], start.cleaned_data["bundle"]
    context.update(_guide_context(bundle))
    form = WindowMaterialsForm(request.POST or None, request.FILES or None, groups=context["groups"])
    context.update(chosen=applicant, form=form)
    if request.method == "GET":
        return render(request, "bundles/window_new.html", context)
    if not form.is_valid():
        return render(request, "bundles/window_new.html", context, status=400)
    key = str(form.cleaned_data["key"])
    existing = BundleApplication.objects.filter(submitted_by=user, idempotency_key=key).first()
    if existing is None:
        owner = applicant.user or user
        try:
            with transaction.atomic():
                chosen: list[tuple[Any, Document | None, bool]] = []
                for group, uploads, promised, handed in form.cleaned_data["groups"]:
                    stored = _store(uploads, owner=owner, district=bundle.district, label=group.first.name, by=user)
                    chosen += [(group, document, False) for document in stored]
                    if not stored and (handed or promised):
                        chosen.append((group, None, promised and not handed))
                existing, created = actions.do_submit_bundle(
                    bundle,
                    applicant=applicant,
                    by=user,
                    channel=Channel.WINDOW,
                    idempotency_key=key,
                    materials=chosen,
                    window=user.window,
                )
                if created:
                    for part in actions.parts_of(existing):
                        do_check_in(part.application, by=user, window=user.window)
                else:
                    transaction.set_rollback(True)
        except ValidationError as error:
            context["errors"] = [str(m) for m in error.messages]
            return render(request, "bundles/window_new.html", context, status=400)
        messages.success(request, _("Bundle application %(number)s is registered.") % {"number": existing.number})
    return redirect("bundles:case", pk=existing.pk)


@login_required
@require_GET
def intake(request: HttpRequest) -> HttpResponse:
    """The window's list: bundles to accept, bundles in parallel approval, bundles whose
    certificates are to be issued or handed over."""
    user = _require_staff(request)
    form = IntakeForm(request.GET)
    chosen = form.cleaned_data["status"] if form.is_valid() else ""
    actions.sync_due(BundleApplication.objects.visible_to(user))
    rows = BundleApplication.objects.visible_to(user).select_related("bundle", "applicant", "joint_deadline")
    rows = rows.filter(status=chosen) if chosen else rows.filter(status__in=OPEN_STATUSES)
    page = Paginator(rows.order_by("received_on", "pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    today = clock.today()
    for row in page:
        row.light = _light(row, today)  # type: ignore[attr-defined]
    return render(request, "bundles/intake.html", {"form": form, "page": page})


@login_required
@require_GET
def manage(request: HttpRequest) -> HttpResponse:
    user = _require_staff(request, actions.MANAGE)
    bundles = (
        Bundle.objects.visible_to(user).prefetch_related("links__item__current_version__department").order_by("name")
    )
    return render(request, "bundles/manage.html", {"bundles": bundles})


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Define or change a bundle: its items, its joint limit, its policy on denial."""
    user = _require_staff(request, actions.MANAGE)
    bundle = None
    if pk is not None:
        bundle = Bundle.objects.visible_to(user).filter(pk=pk).first()
        if bundle is None:
            raise Http404
    items = (
        ServiceItem.objects.published()
        .filter(district_id=user.district_id)
        .select_related("current_version__department")
        .order_by("code")
    )
    form = BundleForm(request.POST or None, instance=bundle, items=items)
    context = {"form": form, "bundle": bundle}
    if request.method == "GET":
        return render(request, "bundles/edit.html", context)
    if not form.is_valid():
        return render(request, "bundles/edit.html", context, status=400)
    data = {
        name: form.cleaned_data[name]
        for name in ("code", "name", "description", "limit_days", "on_denial", "published")
    }
    try:
        saved = actions.do_save_bundle(
            bundle, district=user.district, data=data, items=form.cleaned_data["item_list"], by=user
        )
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            for field, errors in error.error_dict.items():
                for e in errors:
                    form.add_error(field if field in form.fields else None, e)
        else:
            for message in error.messages:
                form.add_error(None, message)
        return render(request, "bundles/edit.html", context, status=400)
    messages.success(request, _("Bundle “%(name)s” is saved.") % {"name": saved.name})
    return redirect("bundles:manage")
