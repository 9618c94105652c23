from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.db.models import Count, Prefetch
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dgov.accounts.access import AuthedRequest, staff_district
from dgov.accounts.models import Department, District
from dgov.accounts.roles import MANAGE_CATALOGUE
from dgov.lib.xlsx import ImportRejected
from dgov.ops.replica import reads_from_replica
from dgov.services import actions, search
from dgov.services import guide as guide_rules
from dgov.services.forms import (
    CatalogueImportForm,
    GuideFileForm,
    MaterialFormSet,
    ProcedureFormSet,
    SearchForm,
    VersionForm,
)
from dgov.services.localise import localised
from dgov.services.models import (
    Audience,
    Event,
    GuideFile,
    GuideFileKind,
    Handling,
    ServiceItem,
    ServiceItemVersion,
    one_trip_statistic,
    version_values,
    with_published_counts,
)


def _public_district() -> District:
    """The district whose catalogue the public portal shows."""
    return get_object_or_404(District, code=settings.DEFAULT_DISTRICT_CODE)


def _listed(items: Any) -> Any:
    return items.select_related("current_version__department").order_by("current_version__name", "code")


# -- Public pages ----------------------------------------------------------------------


def catalogue(request: HttpRequest) -> HttpResponse:
    """The catalogue's front page: search box, the one-trip figure, ways to browse."""
    district = _public_district()
    counts = dict(
        ServiceItem.objects.published()
        .filter(district=district)
        .values_list("current_version__department")
        .annotate(n=Count("pk"))
        .order_by()
    )
    departments = list(Department.objects.filter(pk__in=counts).order_by("code"))
    for department in departments:
        department.item_count = counts[department.pk]  # type: ignore[attr-defined]
    events = list(with_published_counts(Event.objects.filter(district=district)))
    return render(
        request,
        "services/catalogue.html",
        {
            "district": district,
            "form": SearchForm(),
            "statistic": one_trip_statistic(district),
            "departments": departments,
            "citizen_events": [e for e in events if e.kind == Audience.CITIZEN],
            "enterprise_events": [e for e in events if e.kind == Audience.ENTERPRISE],
        },
    )


def department_items(request: HttpRequest, pk: int) -> HttpResponse:
    district = _public_district()
    department = get_object_or_404(Department, district=district, pk=pk)
    items = _listed(ServiceItem.objects.published().filter(district=district, current_version__department=department))
    return render(request, "services/department.html", {"department": department, "items": items})


def event_items(request: HttpRequest, pk: int) -> HttpResponse:
    district = _public_district()
    event = get_object_or_404(Event, district=district, pk=pk)
    items = _listed(ServiceItem.objects.published().filter(district=district, events=event))
    return render(request, "services/event.html", {"event": event, "items": items})


def guide(request: HttpRequest, code: str, number: int | None = None) -> HttpResponse:
    """The public guide (办事指南) of the version in force, or of an earlier version
    (the one an application was filed under)."""
    item = get_object_or_404(
        ServiceItem.objects.public()
        .select_related("current_version__department", "current_version__window")
        .prefetch_related(
            Prefetch("events", queryset=Event.objects.order_by("kind", "order", "name")),
        ),
        code=code,
    )
    version = item.current_version
    assert version is not None
    if number is not None and number != version.number:
        version = get_object_or_404(
            ServiceItemVersion.objects.select_related("department", "window"), item=item, number=number
        )
    materials = list(version.materials.all())
    procedures = list(version.procedures.all())
    files = list(GuideFile.objects.current().filter(item=item).defer("data"))
    for material in materials:
        material.files = [f for f in files if f.material_name == material.name]  # type: ignore[attr-defined]
    steps = guide_rules.flow(version, procedures)
    return render(
        request,
        "services/guide.html",
        {
            "item": item,
            "version": version,
            "is_current": version.pk == item.current_version_id,
            "materials": materials,
            "procedures": procedures,
            "submitted_count": sum(1 for m in materials if m.to_submit),
            "has_rongque": any(m.rongque for m in materials),
            "action": guide_action(item, version),
            "steps": steps,
            "flow_svg": guide_rules.flow_svg(steps, label=_("The flow of %(name)s") % {"name": localised(version)}),
            "result_samples": [f for f in files if f.kind == GuideFileKind.RESULT_SAMPLE],
            "has_article": bool(guide_rules.ARTICLE.search(version.legal_basis)),
        },
    )


@dataclass(frozen=True)
class GuideAction:
    """The guide's main button (在线办理 / 预约), or the window that handles the item."""

    kind: str
    label: str
    url: str = ""
    window: Any = None


def guide_action(item: ServiceItem, version: ServiceItemVersion) -> GuideAction:
    apply_url = reverse("applications:apply", args=[item.code])
    if version.handling == Handling.ONLINE:
        return GuideAction("online", _("Apply online"), apply_url)
    if version.handling == Handling.APPOINTMENT:
        try:
            url = reverse("hall:appointments")
        except NoReverseMatch:
            url = apply_url
        return GuideAction("appointment", _("Book an appointment"), url)
    return GuideAction("window", _("Handled at a window"), window=version.window)


def guide_file(request: HttpRequest, code: str, pk: int, name: str) -> HttpResponse:
    """A blank form, a sample or a sample of the result, as a download."""
    item = get_object_or_404(ServiceItem.objects.public(), code=code)
    file = get_object_or_404(GuideFile.objects.current(), item=item, pk=pk)
    response = HttpResponse(bytes(file.data), content_type=file.content_type)
    response["Content-Disposition"] = content_disposition_header(True, file.file_name) or "attachment"
    response["Cache-Control"] = "public, max-age=3600"
    return response


@reads_from_replica
def search_view(request: HttpRequest) -> HttpResponse:
    district = _public_district()
    form = SearchForm(request.GET)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    items = ServiceItem.objects.filter(district=district)
    results = search.search(items, query)
    context: dict[str, Any] = {"form": form, "query": query, "results": results}
    if results.terms and not results.total:
        context["suggestions"] = search.did_you_mean(items, district.pk, query)
        context["most_asked"] = search.most_asked(district.pk)
    elif results.total:
        search.log_search(district.pk, query, results.total)
    status = 200 if form.is_valid() else 400
    return render(request, "services/search.html", context, status=status)


# -- Staff editing ---------------------------------------------------------------------


def get_item_for_user(request: AuthedRequest, pk: int) -> ServiceItem:
    """The one guarded way to fetch an item for editing: missing and forbidden look the same."""
    try:
        return ServiceItem.objects.visible_to(request.user).select_related("current_version").get(pk=pk)
    except ServiceItem.DoesNotExist:
        raise Http404 from None


@login_required
def staff_items(request: AuthedRequest) -> HttpResponse:
    district = staff_district(request, MANAGE_CATALOGUE)
    items = _listed(ServiceItem.objects.visible_to(request.user))
    return render(request, "services/staff_items.html", {"items": items, "statistic": one_trip_statistic(district)})


def _initial(version: ServiceItemVersion | None) -> tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]:
    if version is None:
        return {}, [], []
    data = {field: getattr(version, field) for field in actions.VERSION_FIELDS}
    data["department"] = version.department_id
    data["window"] = version.window_id
    materials = [{f: getattr(m, f) for f in actions.MATERIAL_FIELDS} for m in version.materials.all()]
    procedures = [{f: getattr(p, f) for f in actions.PROCEDURE_FIELDS} for p in version.procedures.all()]
    return data, materials, procedures


@login_required
def staff_edit(request: AuthedRequest, pk: int | None = None) -> HttpResponse:
    """Edit an item's guide (or create an item); saving publishes a new version."""
    district = staff_district(request, MANAGE_CATALOGUE)
    item = get_item_for_user(request, pk) if pk is not None else None
    initial, material_rows, procedure_rows = _initial(item.current_version if item else None)
    post = request.POST if request.method == "POST" else None
    form = VersionForm(post, initial=initial, district=district, new=item is None)
    materials: Any = MaterialFormSet(post, initial=material_rows, prefix="materials")
    procedures: Any = ProcedureFormSet(post, initial=procedure_rows, prefix="procedures")
    context = {"item": item, "form": form, "materials": materials, "procedures": procedures}
    if post is None:
        if item is not None and item.current_version is not None:
            files = GuideFile.objects.current().filter(item=item).defer("data")
            context["findings"] = guide_rules.lint(version_values(initial), item.current_version.materials.all(), files)
            context["checked"] = True
        return render(request, "services/staff_edit.html", context)
    if form.is_valid() and materials.is_valid() and procedures.is_valid():
        data = dict(form.cleaned_data, district=district)
        try:
            item = actions.do_publish_version(
                item, data, materials.rows(), procedures.rows(), request.user, complete=True
            )
        except ValidationError as error:
            form.add_error(None, error)
        except IntegrityError:
            form.add_error(None, _("Someone else changed this item a moment ago; reload and try again."))
        else:
            assert item.current is not None
            messages.success(
                request,
                _("Version %(number)s of “%(name)s” is published.")
                % {"number": item.current.number, "name": item.current.name},
            )
            return redirect("services:staff_items")
    return render(request, "services/staff_edit.html", context, status=400)


@reads_from_replica
@login_required
def staff_export(request: AuthedRequest) -> FileResponse:
    """The district's whole catalogue as one .xlsx workbook (format: ``spreadsheet``)."""
    from dgov.services.spreadsheet import export_catalogue

    district = staff_district(request, MANAGE_CATALOGUE)
    return export_catalogue(district)


@login_required
def staff_import(request: AuthedRequest) -> HttpResponse:
    """Import a workbook: changed guides get a new version; all or nothing."""
    from dgov.services.spreadsheet import parse_catalogue

    district = staff_district(request, MANAGE_CATALOGUE)
    if request.method != "POST":
        return render(request, "services/staff_import.html", {"form": CatalogueImportForm()})
    form = CatalogueImportForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            parsed = parse_catalogue(form.cleaned_data["file"], district)
            result = actions.do_import_catalogue(district, parsed, by=request.user)
        except ImportRejected as error:
            for problem in error.messages[:200]:
                form.add_error(None, problem)
        except IntegrityError:
            form.add_error(None, _("Someone else changed the catalogue a moment ago; try again."))
        else:
            messages.success(
                request,
                _("Imported: %(created)s new items, %(updated)s new versions, %(unchanged)s unchanged.")
                % {"created": len(result.created), "updated": len(result.updated), "unchanged": len(result.unchanged)},
            )
            return redirect("services:staff_items")
    return render(request, "services/staff_import.html", {"form": form}, status=400)


def _files_page(request: AuthedRequest, item: ServiceItem, form: GuideFileForm, status: int = 200) -> HttpResponse:
    version = item.current_version
    files = GuideFile.objects.current().filter(item=item).defer("data")
    findings = guide_rules.lint(version_values(_initial(version)[0]), version.materials.all(), files) if version else []
    return render(
        request,
        "services/staff_files.html",
        {"item": item, "form": form, "files": files, "findings": findings, "checked": True},
        status=status,
    )


def _material_names(item: ServiceItem) -> list[str]:
    version = item.current_version
    return [m.name for m in version.materials.all() if m.to_submit] if version else []


@login_required
def staff_files(request: AuthedRequest, pk: int) -> HttpResponse:
    """An item's blank forms and samples, and what its guide still lacks."""
    staff_district(request, MANAGE_CATALOGUE)
    item = get_item_for_user(request, pk)
    if request.method != "POST":
        return _files_page(request, item, GuideFileForm(materials=_material_names(item)))
    form = GuideFileForm(request.POST, request.FILES, materials=_material_names(item))
    if not form.is_valid():
        return _files_page(request, item, form, status=400)
    from dgov.services.files import do_attach_file

    data = form.cleaned_data
    attached = do_attach_file(
        by=request.user, item=item, kind=data["kind"], material_name=data["material_name"], upload=data["file"]
    )
    messages.success(request, _("“%(name)s” is attached to the guide.") % {"name": attached.file_name})
    return redirect("services:staff_files", pk=item.pk)


@login_required
@require_POST
def staff_file_remove(request: AuthedRequest, pk: int) -> HttpResponse:
    staff_district(request, MANAGE_CATALOGUE)
    try:
        file = GuideFile.objects.select_related("item").get(
            pk=pk, item__in=ServiceItem.objects.visible_to(request.user), removed_at__isnull=True
        )
    except GuideFile.DoesNotExist:
        raise Http404 from None
    from dgov.services.files import do_remove_file

    do_remove_file(by=request.user, file=file)
    messages.success(request, _("“%(name)s” is removed from the guide.") % {"name": file.file_name})
    return redirect("services:staff_files", pk=file.item_id)
