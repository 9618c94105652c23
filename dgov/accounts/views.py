from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from dgov.accounts import actions, lockout, rules
from dgov.accounts.access import AuthedRequest, staff_district
from dgov.accounts.forms import (
    ApplicantForm,
    LoginForm,
    RevealForm,
    StaffForm,
    UnlockCodeForm,
    UnlockRequestForm,
)
from dgov.accounts.models import Applicant, User
from dgov.accounts.roles import ADD_APPLICANT, MANAGE_STAFF, VIEW_APPLICANTS
from dgov.lib.rules import enforce


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


def locked_out(request: HttpRequest, response: Any = None, credentials: Any = None) -> HttpResponse:
    """Shown instead of the log-in page while an account is locked, at this address or
    (after failures from many addresses) everywhere; the latter offers the owner a code."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    username = str((credentials or {}).get("username") or request.POST.get("username") or "")[:150]
    context = {"minutes": minutes, "everywhere": lockout.active_lock(username) is not None, "username": username}
    return render(request, "accounts/locked_out.html", context, status=429)


@sensitive_post_parameters("code")
@require_http_methods(["GET", "POST"])
def unlock(request: HttpRequest) -> HttpResponse:
    """The owner of an account locked everywhere asks for a code by text message, then
    enters it. The answer to asking is the same whether or not a code went out."""
    ask = UnlockRequestForm(request.POST if request.POST.get("step") == "ask" else None)
    enter = UnlockCodeForm(
        request.POST if request.POST.get("step") == "enter" else None,
        initial={"username": request.GET.get("username", "")[:150]},
    )
    if ask.is_bound and ask.is_valid():
        lockout.do_send_unlock_code(ask.cleaned_data["username"])
        messages.info(
            request,
            _("If this account is locked and its owner has a mobile number on record, a code is on its way."),
        )
        return redirect(f"{reverse('accounts:unlock')}?username={quote(ask.cleaned_data['username'])}")
    if enter.is_bound and enter.is_valid():
        if lockout.do_unlock(enter.cleaned_data["username"], enter.cleaned_data["code"]):
            messages.success(request, _("The account is unlocked. Log in again."))
            return redirect("accounts:login")
        enter.add_error("code", _("The code is wrong or has expired. Ask for a new one."))
    status = 400 if (ask.is_bound and ask.errors) or (enter.is_bound and enter.errors) else 200
    return render(request, "accounts/unlock.html", {"ask": ask, "enter": enter}, status=status)


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
