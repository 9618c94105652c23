"""The pages of bundles: the public list and guide, the single form, the bundle page
(applicant and staff) with each department's progress and the critical path, the
window's intake list, and the administrators' definitions.

Every write goes through a ``do_*`` function of ``actions``; every protected row is
fetched through ``get_bundle_application_for_user`` (404 alike for missing and forbidden).
"""

from collections.abc import Callable, Sequence
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

from dgov.accounts.access import AuthedRequest, is_staff, staff_district, staff_or_403
from dgov.accounts.models import Applicant, User
from dgov.accounts.roles import ACCEPT
from dgov.applications.actions import do_check_in
from dgov.applications.forms import applicant_search, picked_applicant
from dgov.applications.models import Channel
from dgov.bundles import actions, rules
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
    OPEN_STATUSES,
    VERBS,
    Bundle,
    BundleApplication,
    BundlePart,
    Status,
    progress,
)
from dgov.documents.models import Document
from dgov.documents.storage import do_store_uploads, reuse
from dgov.lib import clock
from dgov.lib.conflicts import Conflict
from dgov.lib.rules import Verdict, enforce, offers
from dgov.notifications.models import Notification
from dgov.services.models import ServiceItem

PAGE_SIZE = 50


def get_bundle_application_for_user(request: AuthedRequest, pk: int) -> BundleApplication:
    """The one guarded way to fetch a bundle application: missing and forbidden look the same."""
    try:
        return (
            BundleApplication.objects.visible_to(request.user)
            .select_related("bundle", "applicant__user", "district", "joint_deadline", "accepted_by")
            .get(pk=pk)
        )
    except BundleApplication.DoesNotExist:
        raise Http404 from None


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


@login_required
@require_http_methods(["GET", "POST"])
def apply(request: AuthedRequest, code: str) -> HttpResponse:
    """One form for every licence of the bundle; a material several licences need is
    handed in once and attached to each."""
    user = request.user
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
                    stored = do_store_uploads(uploads, owner=user, district=bundle.district, label=label, by=None)
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
def mine(request: AuthedRequest) -> HttpResponse:
    actions.sync_due(BundleApplication.objects.filter(applicant__user=request.user))
    rows = (
        BundleApplication.objects.filter(applicant__user=request.user)
        .select_related("bundle", "joint_deadline")
        .order_by("-created_at")
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "bundles/mine.html", {"page": page})


# The bundle page ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Action:
    """One act on a bundle: the rule that shows its button (the one its ``do_*``
    enforces, given the parts), its form, what it does."""

    label: Promise
    may: Callable[[User, BundleApplication, Sequence[BundlePart]], Verdict]
    form: type
    run: Callable[[BundleApplication, User, Any], str]
    danger: bool = False
    collapsed: bool = False


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
    "accept": Action(gettext_lazy("Accept every part"), rules.may_accept_bundle, ConfirmForm, _run_accept),
    "refuse": Action(
        gettext_lazy("Do not accept"), rules.may_refuse_bundle, ReasonsForm, _run_refuse, danger=True, collapsed=True
    ),
    "extend": Action(
        gettext_lazy("Approve an extension of the joint time limit"),
        lambda user, ba, parts: rules.may_extend_bundle(user, ba),
        ExtendForm,
        _run_extend,
        collapsed=True,
    ),
    "issue": Action(
        gettext_lazy("Issue every certificate together"),
        lambda user, ba, parts: rules.may_issue_bundle(user, ba),
        ConfirmForm,
        _run_issue,
    ),
    "complete": Action(
        gettext_lazy("Hand over the results"),
        lambda user, ba, parts: rules.may_complete_bundle(user, ba),
        ConfirmForm,
        _run_complete,
    ),
}


def _render_case(
    request: AuthedRequest,
    bundle_application: BundleApplication,
    *,
    status: int = 200,
    failed: str = "",
    failed_form: Any = None,
    errors: list[str] | None = None,
) -> HttpResponse:
    user = request.user
    staff = is_staff(user)
    parts = actions.parts_of(bundle_application)
    rows = progress(bundle_application, parts)

    def form(name: str, action: Action) -> Any:
        return failed_form if name == failed and failed_form is not None else action.form(prefix=name)

    action_forms = offers(ACTIONS, lambda action: action.may(user, bundle_application, parts), form)
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
        "light": bundle_application.light(clock.today()),
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
def case(request: AuthedRequest, pk: int) -> HttpResponse:
    """The bundle page: each department's progress, the critical path, the joint clock."""
    return _render_case(request, _fresh(request, pk))


def _fresh(request: AuthedRequest, pk: int) -> BundleApplication:
    """The bundle application, moved on first if its parts have moved since (the parts are
    decided on the ordinary case pages)."""
    bundle_application = get_bundle_application_for_user(request, pk)
    if actions.sync_due(BundleApplication.objects.filter(pk=bundle_application.pk)):
        bundle_application = get_bundle_application_for_user(request, pk)
    return bundle_application


@login_required
@require_POST
def act(request: AuthedRequest, pk: int, action: str) -> HttpResponse:
    """One act on a bundle: the act's rule (the one its button shows), then the form, then
    the ``do_*`` function. 409 when someone acted first, 403 with the reason when the rule
    does not allow it, 400 with every message when the input is wrong."""
    bundle_application = _fresh(request, pk)
    spec = ACTIONS.get(action)
    if spec is None:
        raise Http404
    user = request.user
    form = None
    try:
        enforce(spec.may(user, bundle_application, actions.parts_of(bundle_application)))
        form = spec.form(request.POST, prefix=action)
        if not form.is_valid():
            return _render_case(request, bundle_application, status=400, failed=action, failed_form=form)
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


@login_required
@require_http_methods(["GET", "POST"])
def window_new(request: AuthedRequest) -> HttpResponse:
    """Register a walk-in's bundle at the window: who, which bundle, which materials were
    handed over (each once). Records the visit in person on every part."""
    user = staff_or_403(request, ACCEPT)
    applicants = Applicant.objects.visible_to(user)
    bundles = Bundle.objects.published().filter(district_id=user.district_id).order_by("name")
    context: dict[str, Any] = applicant_search(request.GET, applicants)
    chosen_both = "applicant" in request.GET and "bundle" in request.GET
    start = WindowStartForm(request.GET if chosen_both else None, applicants=applicants, bundles=bundles)
    context["start"] = start
    if not start.is_bound or not start.is_valid():
        if request.method == "POST":
            return render(request, "bundles/window_new.html", context, status=400)
        context["chosen"] = picked_applicant(request.GET, applicants)
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
                    stored = do_store_uploads(
                        uploads, owner=owner, district=bundle.district, label=group.first.name, by=user
                    )
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
def intake(request: AuthedRequest) -> HttpResponse:
    """The window's list: bundles to accept, bundles in parallel approval, bundles whose
    certificates are to be issued or handed over."""
    user = staff_or_403(request)
    form = IntakeForm(request.GET)
    chosen = form.cleaned_data["status"] if form.is_valid() else ""
    actions.sync_due(BundleApplication.objects.visible_to(user))
    rows = BundleApplication.objects.visible_to(user).select_related("bundle", "applicant", "joint_deadline")
    rows = rows.filter(status=chosen) if chosen else rows.filter(status__in=OPEN_STATUSES)
    page = Paginator(rows.order_by("received_on", "pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    today = clock.today()
    for row in page:
        row.joint_light = row.light(today)  # type: ignore[attr-defined]
    return render(request, "bundles/intake.html", {"form": form, "page": page})


@login_required
@require_GET
def manage(request: AuthedRequest) -> HttpResponse:
    user = staff_or_403(request, rules.MANAGE)
    bundles = (
        Bundle.objects.visible_to(user).prefetch_related("links__item__current_version__department").order_by("name")
    )
    return render(request, "bundles/manage.html", {"bundles": bundles})


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: AuthedRequest, pk: int | None = None) -> HttpResponse:
    """Define or change a bundle: its items, its joint limit, its policy on denial."""
    district = staff_district(request, rules.MANAGE)
    user = request.user
    bundle = None
    if pk is not None:
        bundle = Bundle.objects.visible_to(user).filter(pk=pk).first()
        if bundle is None:
            raise Http404
    items = (
        ServiceItem.objects.published()
        .filter(district=district)
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
            bundle, district=district, data=data, items=form.cleaned_data["item_list"], by=user
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
