"""Pages of the talent register and programmes (staff), and the enterprise's own talent page.

Writes go through ``actions.do_*``; protected rows through ``get_*_for_user`` (404 alike
for missing and forbidden). ID numbers and phones are shown masked.
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dgov.accounts.access import AuthedRequest, StaffRequest, staff_or_403
from dgov.accounts.forms import RevealForm
from dgov.applications.models import Application
from dgov.lib import clock
from dgov.lib.rules import enforce
from dgov.policies.views import profiles_of
from dgov.talent import actions, reports, rules
from dgov.talent.forms import AwardForm, ProgrammeForm, TalentForm
from dgov.talent.models import TALENT_FACTS, Award, Programme, Talent
from dgov.talent.permissions import AWARD, KEEP, VIEW

PAGE_SIZE = 50


def _messages_of(error: ValidationError) -> list[str]:
    return [str(m) for m in error.messages]


def get_programme_for_user(request: HttpRequest, pk: int) -> Programme:
    user = staff_or_403(request, VIEW, KEEP, AWARD)
    try:
        return Programme.objects.visible_to(user).select_related("department", "service_item").get(pk=pk)
    except Programme.DoesNotExist:
        raise Http404 from None


@login_required
@require_http_methods(["GET", "POST"])
def register(request: StaffRequest) -> HttpResponse:
    """The talents landed, newest first; register one."""
    user = staff_or_403(request, VIEW, KEEP, AWARD)
    district = user.district
    assert district is not None
    form = TalentForm(request.POST or None, district_id=district.pk)
    status, errors = 200, []
    if request.method == "POST":
        enforce(rules.may_keep_register(user, district.pk))
        if form.is_valid():
            try:
                actions.do_register_talent(district, form.cleaned_data, by=user)
            except ValidationError as error:
                errors = _messages_of(error)
            else:
                messages.success(request, _("The talent is registered."))
                return redirect("talent:register")
        status = 400
    rows = Talent.objects.visible_to(user).select_related("employer", "project").order_by("-landed_on", "-pk")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "talent/register.html",
        {
            "page": page,
            "form": form,
            "may_keep": rules.may_keep_register(user, district.pk),
            "may_reveal": rules.may_reveal(user, Talent(district=district)),
            "errors": errors,
        },
        status=status,
    )


@login_required
@require_POST
def reveal(request: StaffRequest, pk: int) -> HttpResponse:
    """A talent's full ID or phone number, with a reason (audited)."""
    user = staff_or_403(request)
    talent = Talent.objects.visible_to(user).filter(pk=pk).first()
    if talent is None:
        raise Http404
    enforce(rules.may_reveal(user, talent))
    form = RevealForm(request.POST)
    if not form.is_valid():
        return render(request, "talent/_reveal.html", {"t": talent, "form": form}, status=400)
    value = actions.do_reveal(talent, form.cleaned_data["field"], form.cleaned_data["reason"], by=user)
    return render(request, "accounts/_revealed.html", {"value": value})


@login_required
@require_http_methods(["GET", "POST"])
def programmes(request: StaffRequest) -> HttpResponse:
    user = staff_or_403(request, VIEW, KEEP, AWARD)
    district = user.district
    assert district is not None
    form = ProgrammeForm(request.POST or None, district_id=district.pk)
    status, errors = 200, []
    if request.method == "POST":
        enforce(rules.may_keep_register(user, district.pk))
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k != "conditions"}
            try:
                programme = actions.do_save_programme(district, data, form.parsed, by=user)
            except ValidationError as error:
                errors = _messages_of(error)
            else:
                messages.success(request, _("The programme is saved."))
                return redirect("talent:programme", pk=programme.pk)
        status = 400
    rows = Programme.objects.visible_to(user).select_related("department").order_by("-valid_from", "pk")
    return render(
        request,
        "talent/programmes.html",
        {
            "programmes": rows,
            "form": form,
            "facts": TALENT_FACTS.facts,
            "may_keep": rules.may_keep_register(user, district.pk),
            "today": clock.today(),
            "errors": errors,
        },
        status=status,
    )


def _programme_context(request: HttpRequest, programme: Programme, **extra: Any) -> dict[str, Any]:
    today = clock.today()
    awarded = Award.objects.filter(programme=programme).values("application_id")
    approved = list(
        Application.objects.filter(item_id=programme.service_item_id, status__in=["approved", "completed"])
        .exclude(pk__in=awarded)
        .select_related("applicant")
        .order_by("-decided_on", "pk")[:100]
    )
    return {
        "programme": programme,
        "conditions": [TALENT_FACTS.describe(c) for c in programme.parsed_conditions],
        "approved": [(a, rules.may_award(request.user, programme, a, today)) for a in approved],
        "awards": Award.objects.filter(programme=programme).select_related("talent", "by"),
        "errors": extra.get("errors", []),
    }


@login_required
@require_GET
def programme_page(request: StaffRequest, pk: int) -> HttpResponse:
    programme = get_programme_for_user(request, pk)
    return render(request, "talent/programme.html", _programme_context(request, programme))


@login_required
@require_POST
def award(request: StaffRequest, pk: int) -> HttpResponse:
    programme = get_programme_for_user(request, pk)
    user = staff_or_403(request, AWARD)
    form = AwardForm(request.POST)
    application = None
    if form.is_valid():
        application = (
            Application.objects.visible_to(user)
            .select_related("applicant")
            .filter(number=form.cleaned_data["number"].strip())
            .first()
        )
    if application is None:
        context = _programme_context(request, programme, errors=[_("No application of the district has this number.")])
        return render(request, "talent/programme.html", context, status=400)
    try:
        done = actions.do_award(programme, application, by=user)
    except ValidationError as error:
        context = _programme_context(request, programme, errors=_messages_of(error))
        return render(request, "talent/programme.html", context, status=400)
    messages.success(request, _("%(name)s receives the programme's benefit.") % {"name": done.talent.name})
    return redirect("talent:programme", pk=programme.pk)


@login_required
@require_GET
def figures(request: StaffRequest) -> HttpResponse:
    user = staff_or_403(request, VIEW, KEEP, AWARD)
    district_id = user.district_id
    assert district_id is not None
    year = clock.today().year
    return render(
        request,
        "talent/figures.html",
        {
            "figures": reports.figures(district_id, year),
            "year": year,
            "enterprises": reports.by_enterprise(district_id),
            "projects": reports.by_project(district_id),
        },
    )


@login_required
@require_GET
def mine(request: AuthedRequest) -> HttpResponse:
    """An enterprise's talents in the register, and the programmes in force."""
    profiles = profiles_of(request.user)
    today = clock.today()
    talents = Talent.objects.filter(employer__in=profiles).order_by("-landed_on")
    rows = Programme.objects.in_force(today).filter(district_id__in={p.district_id for p in profiles})
    in_force = [
        (p, [TALENT_FACTS.describe(c) for c in p.parsed_conditions]) for p in rows.select_related("service_item")
    ]
    return render(request, "talent/mine.html", {"talents": talents, "programmes": in_force})
