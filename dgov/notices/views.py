"""The pages of written notices.

Who may see each page:
- ``detail``, ``download``: the applicant the notice is addressed to (sealed ones), and
  staff who may see its case (``service.get_notice_for_user``; 404 alike otherwise);
- ``print_copy``: window clerks (``rules.may_print``);
- ``queue``, ``auto_seal``: seal officers (``rules.may_see_queue``);
- ``templates``, ``template``, ``settings_page``: those who edit the wording
  (``rules.may_edit_templates``);
- ``mine``: the signed-in applicant, their own;
- ``sealed_record``: anyone holding the verification code (rate-limited, as certificates').
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dgov.accounts.access import AuthedRequest, StaffRequest, staff_or_403
from dgov.accounts.models import Department, User
from dgov.certificates.throttle import throttled
from dgov.lib.rules import enforce
from dgov.notices import drafting, sealing, service, templating
from dgov.notices.actions import do_save_settings, do_save_template
from dgov.notices.forms import AutoSealForm, SettingsForm, TemplateForm
from dgov.notices.models import Kind, Notice, NoticeTemplate, NumberPrefix
from dgov.notices.rules import may_edit_templates, may_print, may_seal, may_see_queue


def _district_id(user: User) -> int:
    """The staff member's district (``staff_or_403`` let only staff of a district through)."""
    assert user.district_id is not None
    return user.district_id


@login_required
@require_GET
def detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """A notice: its text, its number and seal, its service. The applicant's first look
    at a sealed notice is the time it was served on them."""
    notice = service.get_notice_for_user(request, pk)
    served_now = service.do_open(notice, request.user)
    staff = request.user.kind == "staff"
    context = {
        "notice": notice,
        "staff": staff,
        "base": "staff_base.html" if staff else "public_base.html",
        "served_now": served_now,
        "events": notice.events.select_related("by") if staff else [],
        "may_print": may_print(request.user, notice),
        "may_seal": may_seal(request.user, notice),
        "verify_path": f"/certificates/v/{notice.verification_code}/" if notice.is_sealed else "",
    }
    return render(request, "notices/detail.html", context)


@login_required
@require_GET
def download(request: AuthedRequest, pk: int) -> FileResponse:
    notice = service.get_notice_for_user(request, pk)
    response = service.pdf_response(notice, inline=False)
    service.do_open(notice, request.user)
    return response


@login_required
@require_POST
def print_copy(request: StaffRequest, pk: int) -> FileResponse:
    """The paper copy at the window: the sealed file itself (same number, same QR code),
    shown for printing; the printing is logged as service on paper."""
    user = staff_or_403(request)
    notice = service.get_notice_for_user(request, pk)
    response = service.pdf_response(notice, inline=True)
    service.do_print(notice, by=user)
    return response


@login_required
@require_http_methods(["GET", "POST"])
def queue(request: StaffRequest) -> HttpResponse:
    """The seal officer's queue: documents waiting for the seal, sealed in one batch; and
    the automatic rule."""
    user = staff_or_403(request)
    enforce(may_see_queue(user))
    waiting = sealing.waiting(_district_id(user))
    if request.method == "POST":
        chosen = [int(pk) for pk in request.POST.getlist("notice") if pk.isascii() and pk.isdigit()][:200]
        done, refused = sealing.do_seal_batch(list(waiting.filter(pk__in=chosen)), user)
        if done:
            messages.success(request, _("%(count)d document(s) sealed and served.") % {"count": len(done)})
        for notice, reason in refused:
            messages.error(request, f"{notice.title} ({notice.case}): {reason}")
        return redirect("notices:queue")
    rows = list(waiting[:200])
    for notice in rows:
        notice.may_seal = may_seal(user, notice)  # type: ignore[attr-defined]
    found, _created = drafting.district_settings(_district_id(user))
    return render(
        request,
        "notices/queue.html",
        {
            "notices": rows,
            "settings": found,
            "auto_form": AutoSealForm(initial={"on": found.auto_seal_by_id == user.pk}),
        },
    )


@login_required
@require_POST
def auto_seal(request: StaffRequest) -> HttpResponse:
    user = staff_or_403(request)
    form = AutoSealForm(request.POST)
    form.is_valid()
    sealing.do_set_auto_seal(user.district, by=user, on=bool(form.cleaned_data.get("on")))
    if form.cleaned_data.get("on"):
        messages.success(request, _("Waiting documents are now sealed automatically on your authority."))
    else:
        messages.success(request, _("Automatic sealing is off."))
    return redirect("notices:queue")


@login_required
@require_GET
def mine(request: AuthedRequest) -> HttpResponse:
    """The applicant's documents, newest first, each with whether it has been opened."""
    notices = (
        Notice.objects.held_by(request.user)
        .select_related("application", "bundle_application")
        .order_by("-sealed_at", "-pk")[:500]
    )
    return render(request, "notices/mine.html", {"notices": notices})


@login_required
@require_GET
def templates(request: StaffRequest) -> HttpResponse:
    user = staff_or_403(request)
    enforce(may_edit_templates(user))
    current, _made = drafting.ensure_templates(_district_id(user))
    rows = [(kind, current[kind]) for kind in Kind]
    return render(request, "notices/templates.html", {"rows": rows})


@login_required
@require_http_methods(["GET", "POST"])
def template(request: StaffRequest, kind: str) -> HttpResponse:
    """One kind's wording: every version, and a form for the next."""
    user = staff_or_403(request)
    enforce(may_edit_templates(user))
    if kind not in Kind.values:
        raise Http404
    current, _made = drafting.ensure_templates(_district_id(user))
    latest = current[kind]
    form = TemplateForm(request.POST or None, kind=kind, initial={"title": latest.title, "body": latest.body})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                do_save_template(user.district, kind, by=user, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("A new version of the wording is saved."))
                return redirect("notices:template", kind=kind)
        status = 400
    allowed = sorted(templating.COMMON | templating.AVAILABLE[kind])
    context = {
        "kind": Kind(kind),
        "form": form,
        "versions": NoticeTemplate.objects.filter(district_id=_district_id(user), kind=kind).select_related(
            "created_by"
        ),
        "placeholders": [(name, templating.PLACEHOLDERS[name]) for name in allowed],
        "required": [element.label for element in (*templating.COMMON_ELEMENTS, *templating.REQUIRED[kind])],
    }
    return render(request, "notices/template.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def settings_page(request: StaffRequest) -> HttpResponse:
    user = staff_or_403(request)
    enforce(may_edit_templates(user))
    found, _created = drafting.district_settings(_district_id(user))
    departments = Department.objects.filter(district_id=_district_id(user)).order_by("code")
    prefixes = dict(NumberPrefix.objects.filter(department__in=departments).values_list("department_id", "prefix"))
    form = SettingsForm(request.POST or None, instance=found, departments=departments, prefixes=prefixes)
    if request.method == "POST":
        if form.is_valid():
            values = {name: form.cleaned_data[name] for name in SettingsForm.Meta.fields}
            do_save_settings(user.district, values=values, prefixes=form.prefixes(), by=user)
            messages.success(request, _("The settings are saved."))
            return redirect("notices:settings")
        return render(request, "notices/settings.html", {"form": form}, status=400)
    return render(request, "notices/settings.html", {"form": form})


@throttled
@require_GET
def sealed_record(request: HttpRequest, code: str, name: str) -> HttpResponse:
    """For the OpenSSL check: a notice's sealed metadata and its SM2 seal (DER), by its
    verification code."""
    notice = Notice.objects.sealed().filter(verification_code=code.strip().upper()[:32]).first()
    if notice is None:
        raise Http404
    if name == "metadata.json":
        data, filename, content_type = notice.seal_metadata.encode(), "metadata.json", "application/json"
    elif name == "seal.der":
        data, filename, content_type = bytes.fromhex(notice.seal_value), "seal.der", "application/octet-stream"
    else:
        raise Http404
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
