from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from dgov.accounts import actions, rules
from dgov.accounts.access import AuthedRequest, staff_district
from dgov.accounts.forms import ApplicantForm, LoginForm, RevealForm, StaffForm
from dgov.accounts.models import Applicant, User
from dgov.accounts.roles import ADD_APPLICANT, MANAGE_STAFF, VIEW_APPLICANTS
from dgov.lib.rules import enforce


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


def locked_out(request: HttpRequest, credentials: Any = None, *args: Any, **kwargs: Any) -> HttpResponse:
    """Shown instead of the log-in page while an account or an address is locked."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "accounts/locked_out.html", {"minutes": minutes}, status=429)


def get_applicant_for_user(request: AuthedRequest, pk: int) -> Applicant:
    """The one guarded way to fetch an applicant: missing and forbidden look the same."""
    try:
        return Applicant.objects.visible_to(request.user).get(pk=pk)
    except Applicant.DoesNotExist:
        raise Http404 from None


@login_required
def applicant_list(request: AuthedRequest) -> HttpResponse:
    district = staff_district(request, VIEW_APPLICANTS)
    applicants = Applicant.objects.visible_to(request.user).order_by("-created_at")[:200]
    context = {"applicants": applicants, "may_reveal": rules.may_reveal(request.user, district)}
    return render(request, "accounts/applicant_list.html", context)


@sensitive_post_parameters("id_number", "phone")
@login_required
def applicant_create(request: AuthedRequest) -> HttpResponse:
    district = staff_district(request, ADD_APPLICANT)
    form = ApplicantForm(request.POST or None, district=district)
    if request.method == "POST":
        if form.is_valid():
            try:
                actions.do_register_applicant(by=request.user, district=district, **form.cleaned_data)
            except IntegrityError:
                form.add_error(None, _("This applicant was registered a moment ago by someone else."))
            else:
                messages.success(request, _("The applicant is registered."))
                return redirect("accounts:applicants")
        return render(request, "accounts/applicant_form.html", {"form": form}, status=400)
    return render(request, "accounts/applicant_form.html", {"form": form})


@login_required
@require_POST
def reveal(request: AuthedRequest, pk: int) -> HttpResponse:
    applicant = get_applicant_for_user(request, pk)
    enforce(rules.may_reveal(request.user, applicant.district_id))
    form = RevealForm(request.POST)
    if not form.is_valid():
        return render(request, "accounts/_reveal.html", {"applicant": applicant, "form": form}, status=400)
    value = actions.do_reveal(
        by=request.user,
        applicant=applicant,
        field=form.cleaned_data["field"],
        reason=form.cleaned_data["reason"],
    )
    return render(request, "accounts/_revealed.html", {"applicant": applicant, "value": value, "form": form})


@login_required
def staff_list(request: AuthedRequest) -> HttpResponse:
    district = staff_district(request, MANAGE_STAFF)
    staff = (
        User.objects.filter(district=district, kind=User.Kind.STAFF)
        .select_related("department", "window")
        .prefetch_related("groups")
        .order_by("username")
    )
    return render(request, "accounts/staff_list.html", {"staff": staff})


@sensitive_post_parameters("password")
@login_required
def staff_create(request: AuthedRequest) -> HttpResponse:
    district = staff_district(request, MANAGE_STAFF)
    form = StaffForm(request.POST or None, district=district)
    if request.method == "POST":
        if form.is_valid():
            try:
                actions.do_create_staff(by=request.user, district=district, **form.cleaned_data)
            except IntegrityError:
                form.add_error("username", _("This user name is taken."))
            else:
                messages.success(request, _("The staff account is created."))
                return redirect("accounts:staff")
        return render(request, "accounts/staff_form.html", {"form": form}, status=400)
    return render(request, "accounts/staff_form.html", {"form": form})
