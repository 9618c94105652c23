"""The pages of applicants' own accounts: opening one (citizen or enterprise), logging in
by a text-message code, a forgotten or changed password, an enterprise's agents.

Every code flow is one form with two buttons: ``step=send`` validates the mobile number
alone and sends a code (``codes.do_send_code``), ``step=verify`` checks everything and
spends the code (``codes.check_code``). The page answers the same whether or not the
number has an account.
"""

import contextlib
import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.crypto import salted_hmac
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from dgov.accounts import actions, codes, rules
from dgov.accounts.access import AuthedRequest
from dgov.accounts.forms import (
    AgentForm,
    AgentPermissionsForm,
    CitizenSignupForm,
    CodeLoginForm,
    CodeResetForm,
    EmailResetForm,
    EnterpriseSignupForm,
    PasswordChangeForm,
    PasswordSetForm,
    SendCodeForm,
)
from dgov.accounts.models import Agent, Applicant, District, OneTimeCode, User
from dgov.lib.addresses import client_address
from dgov.lib.conflicts import Conflict
from dgov.lib.links import public_url
from dgov.lib.personal import mask_phone
from dgov.lib.ratelimit import RateLimit
from dgov.lib.rules import enforce
from dgov.lib.signing import LinkExpired, LinkInvalid, link_token, read_link_token

Purpose = OneTimeCode.Purpose
BACKEND = "django.contrib.auth.backends.ModelBackend"
RESET_PURPOSE = "accounts.password_reset"
RESET_LINK_AGE = dt.timedelta(hours=1)
RESET_MAILS = RateLimit("accounts.reset_mail", limit=5, window_seconds=3600)


def _district() -> District:
    district = District.objects.filter(code=settings.DEFAULT_DISTRICT_CODE).first() or District.objects.first()
    if district is None:
        raise Http404
    return district


def _next(request: HttpRequest) -> str:
    """Where to go after logging in: a local ``next``, else one's home."""
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if wanted and url_has_allowed_host_and_scheme(wanted, {request.get_host()}, require_https=request.is_secure()):
        return wanted
    return reverse(settings.LOGIN_REDIRECT_URL)


def _send_step(
    request: HttpRequest, purpose: str, form_class: type, template: str, context: dict[str, Any]
) -> HttpResponse:
    """``step=send``: the number alone is checked and a code sent; the form comes back
    unbound with what was typed, so no other field shows an error yet."""
    sender = SendCodeForm(request.POST)
    initial = {k: v for k, v in request.POST.items() if k not in ("csrfmiddlewaretoken", "step", "code")}
    form = form_class(initial=initial, **context.pop("form_kwargs", {}))
    context["form"] = form
    if not sender.is_valid():
        form._errors = {"phone": sender.errors["phone"]}  # shown on the unbound form's phone field
        return render(request, template, context, status=400)
    phone = sender.cleaned_data["phone"]
    form.initial["phone"] = phone
    try:
        codes.do_send_code(purpose, phone, address=client_address(request))
    except codes.CodeRefused as refusal:
        context["code_error"] = str(refusal)
        return render(request, template, context, status=refusal.status)
    context["code_sent_to"] = mask_phone(phone)
    return render(request, template, context)


# Log-in by code ----------------------------------------------------------------------------


@sensitive_post_parameters("code")
@require_http_methods(["GET", "POST"])
def login_code(request: HttpRequest) -> HttpResponse:
    """Log in with a code sent to the account's mobile number (citizens and enterprises)."""
    template = "accounts/login_code.html"
    context: dict[str, Any] = {"next": _next(request) if request.method == "POST" or "next" in request.GET else ""}
    if request.method == "GET":
        context["form"] = CodeLoginForm()
        return render(request, template, context)
    if request.POST.get("step") == "send":
        return _send_step(request, Purpose.LOGIN, CodeLoginForm, template, context)
    form = CodeLoginForm(request.POST)
    context["form"] = form
    if not form.is_valid():
        return render(request, template, context, status=400)
    phone = form.cleaned_data["phone"]
    try:
        codes.check_code(Purpose.LOGIN, phone, form.cleaned_data["code"])
    except codes.CodeRefused as refusal:
        form.add_error("code", str(refusal))
        return render(request, template, context, status=400)
    user = codes.account_for(phone)
    if user is None:  # a code is never sent to a number without an account
        form.add_error("code", _("The code is wrong: ask for a new one."))
        return render(request, template, context, status=400)
    codes.verified(user, phone)
    login(request, user, backend=BACKEND)
    return redirect(_next(request))


# Opening an account ------------------------------------------------------------------------


def _sign_up(request: HttpRequest, form_class: type, template: str, kind: str) -> HttpResponse:
    district = _district()
    context: dict[str, Any] = {"next": _next(request) if "next" in request.GET or "next" in request.POST else ""}
    if request.method == "GET":
        context["form"] = form_class(district=district)
        return render(request, template, context)
    if request.POST.get("step") == "send":
        context["form_kwargs"] = {"district": district}
        return _send_step(request, Purpose.SIGNUP, form_class, template, context)
    form = form_class(request.POST, district=district)
    context["form"] = form
    if not form.is_valid():
        return render(request, template, context, status=400)
    data = form.cleaned_data
    try:
        codes.check_code(Purpose.SIGNUP, data["phone"], data["code"])
    except codes.CodeRefused as refusal:
        form.add_error("code", str(refusal))
        return render(request, template, context, status=400)
    if kind == Applicant.Kind.ENTERPRISE:
        profile = {
            "name": data["enterprise"],
            "credit_code": data["credit_code"],
            "representative": data["representative"],
            "representative_id_number": data["representative_id_number"],
        }
    else:
        profile = {"name": data["name"], "id_number": data["id_number"]}
    try:
        user = actions.do_sign_up(
            district=district,
            kind=kind,
            username=data["username"],
            password=data["password"],
            phone=data["phone"],
            email=data["email"],
            profile=profile,
        )
    except IntegrityError:
        form.add_error(
            None,
            _(
                "An account with this number, user name or identity was opened a moment ago: log in, or ask for a new code."
            ),
        )
        return render(request, template, context, status=409)
    login(request, user, backend=BACKEND)
    messages.success(request, _("Your account is open."))
    return redirect(context["next"] or reverse("portal:my"))


@sensitive_post_parameters("id_number", "phone", "code", "password")
@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    """A citizen opens an account: mobile number proved by a code, ID number checked."""
    return _sign_up(request, CitizenSignupForm, "accounts/signup.html", Applicant.Kind.CITIZEN)


@sensitive_post_parameters("representative_id_number", "phone", "code", "password")
@require_http_methods(["GET", "POST"])
def signup_enterprise(request: HttpRequest) -> HttpResponse:
    """The legal representative opens the enterprise's account by its credit code."""
    return _sign_up(request, EnterpriseSignupForm, "accounts/signup_enterprise.html", Applicant.Kind.ENTERPRISE)


# Forgotten and changed passwords ------------------------------------------------------------


def _reset_state(user: User) -> str:
    """Changes when the password does: a reset link serves once."""
    return salted_hmac("dgov.accounts.reset", f"{user.pk}:{user.password}").hexdigest()[:20]


@sensitive_post_parameters("code", "new_password", "repeat")
@require_http_methods(["GET", "POST"])
def password_forgot(request: HttpRequest) -> HttpResponse:
    """Set a new password with a code sent to the phone, or ask for an e-mail link."""
    template = "accounts/password_forgot.html"
    context: dict[str, Any] = {"email_form": EmailResetForm()}
    step = request.POST.get("step")
    if request.method == "GET":
        context["form"] = CodeResetForm()
        return render(request, template, context)
    if step == "send":
        return _send_step(request, Purpose.RESET, CodeResetForm, template, context)
    if step == "email":
        return _mail_reset_link(request, template, context)
    form = CodeResetForm(request.POST)
    context["form"] = form
    if not form.is_valid():
        return render(request, template, context, status=400)
    phone = form.cleaned_data["phone"]
    try:
        codes.check_code(Purpose.RESET, phone, form.cleaned_data["code"])
    except codes.CodeRefused as refusal:
        form.add_error("code", str(refusal))
        return render(request, template, context, status=400)
    user = codes.account_for(phone)
    if user is None:
        form.add_error("code", _("The code is wrong: ask for a new one."))
        return render(request, template, context, status=400)
    actions.do_set_password(user, form.cleaned_data["new_password"], how="code")
    messages.success(request, _("Your new password is set: log in with it."))
    return redirect("accounts:login")


def _mail_reset_link(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    from dgov.notifications.models import Channel
    from dgov.notifications.outbox import notifications, queue

    form = EmailResetForm(request.POST)
    context.update(form=CodeResetForm(), email_form=form)
    if not form.is_valid():
        return render(request, template, context, status=400)
    email = form.cleaned_data["email"].strip().lower()
    if not RESET_MAILS.take(email) or not RESET_MAILS.take(f"address:{client_address(request)}"):
        context["email_error"] = _("Too many links were asked for: try again in an hour.")
        return render(request, template, context, status=429)
    user = (
        User.objects.filter(email__iexact=email, is_active=True, kind__in=codes.APPLICANT_KINDS).order_by("pk").first()
    )
    if user is not None:
        token = link_token(RESET_PURPOSE, {"u": user.pk, "s": _reset_state(user)})
        link = public_url(reverse("accounts:password_reset", args=[token]))
        rows = notifications(
            district=_district(),
            recipient=user,
            subject=_("Set a new password"),
            body=_(
                "Open this link within an hour to set a new password for %(username)s: %(link)s\n"
                "If you did not ask for it, ignore this message: your password stays as it is."
            )
            % {"username": user.username, "link": link},
        )
        queue([row for row in rows if row.channel == Channel.EMAIL])
    context["email_sent"] = True
    return render(request, template, context)


@sensitive_post_parameters("new_password", "repeat")
@require_http_methods(["GET", "POST"])
def password_reset(request: HttpRequest, token: str) -> HttpResponse:
    """The e-mailed link: valid an hour, once."""
    template = "accounts/password_reset.html"
    try:
        value = read_link_token(RESET_PURPOSE, token, RESET_LINK_AGE)
    except LinkExpired:
        return render(
            request,
            template,
            {"link_error": _("This link has expired (a link is valid for an hour): ask for a new one.")},
            status=400,
        )
    except LinkInvalid:
        return render(request, template, {"link_error": _("This link is not valid: ask for a new one.")}, status=400)
    user_pk = value.get("u") if isinstance(value, dict) else None
    user = User.objects.filter(pk=user_pk, is_active=True).first() if isinstance(user_pk, int) else None
    if user is None or value.get("s") != _reset_state(user):
        return render(
            request, template, {"link_error": _("This link was used already: ask for a new one.")}, status=400
        )
    form = PasswordSetForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        actions.do_set_password(user, form.cleaned_data["new_password"], how="email")
        messages.success(request, _("Your new password is set: log in with it."))
        return redirect("accounts:login")
    return render(request, template, {"form": form}, status=400 if request.method == "POST" else 200)


@sensitive_post_parameters("old_password", "new_password", "repeat")
@login_required
@require_http_methods(["GET", "POST"])
def password_change(request: AuthedRequest) -> HttpResponse:
    form = PasswordChangeForm(request.POST or None, user=request.user)
    if request.method == "POST":
        if form.is_valid():
            actions.do_set_password(request.user, form.cleaned_data["new_password"], how="change")
            update_session_auth_hash(request, request.user)
            messages.success(request, _("Your password is changed."))
            return redirect("portal:home")
        return render(request, "accounts/password_change.html", {"form": form}, status=400)
    return render(request, "accounts/password_change.html", {"form": form})


# An enterprise and its agents -------------------------------------------------------------


def get_enterprise_for_user(request: AuthedRequest, pk: int) -> Applicant:
    """An enterprise whose own account is the user's: missing and forbidden look the same."""
    try:
        return Applicant.objects.select_related("district").get(
            pk=pk, kind=Applicant.Kind.ENTERPRISE, user=request.user
        )
    except Applicant.DoesNotExist:
        raise Http404 from None


def get_agent_for_user(request: AuthedRequest, pk: int) -> Agent:
    try:
        return Agent.objects.select_related("enterprise__district").get(
            pk=pk, enterprise__user=request.user, removed_at__isnull=True
        )
    except Agent.DoesNotExist:
        raise Http404 from None


def _enterprise_page(request: AuthedRequest, *, failed: Any = None, status: int = 200) -> HttpResponse:
    enterprises = list(
        Applicant.objects.filter(user=request.user, kind=Applicant.Kind.ENTERPRISE).select_related("district")
    )
    for enterprise in enterprises:
        agents = Agent.objects.filter(enterprise=enterprise, removed_at__isnull=True).select_related("user")
        enterprise.agent_rows = [  # type: ignore[attr-defined]
            (
                agent,
                failed
                if isinstance(failed, AgentPermissionsForm) and failed.instance.pk == agent.pk
                else AgentPermissionsForm(instance=agent, prefix=f"agent{agent.pk}"),
            )
            for agent in agents
        ]
        add = failed if isinstance(failed, AgentForm) and failed.enterprise.pk == enterprise.pk else None
        enterprise.add_form = add or AgentForm(enterprise=enterprise, prefix=f"add{enterprise.pk}")  # type: ignore[attr-defined]
    acting = Agent.objects.for_user(request.user).select_related("enterprise")
    return render(request, "accounts/enterprise.html", {"enterprises": enterprises, "acting": acting}, status=status)


@login_required
@require_http_methods(["GET"])
def enterprise(request: AuthedRequest) -> HttpResponse:
    """The enterprise's page: its agents and what each may do; for an agent, whom they act for."""
    return _enterprise_page(request)


@login_required
@require_POST
def agent_add(request: AuthedRequest, pk: int) -> HttpResponse:
    enterprise = get_enterprise_for_user(request, pk)
    enforce(rules.may_manage_agents(request.user, enterprise))
    form = AgentForm(request.POST, enterprise=enterprise, prefix=f"add{enterprise.pk}")
    if not form.is_valid():
        return _enterprise_page(request, failed=form, status=400)
    data = form.cleaned_data
    try:
        actions.do_add_agent(by=request.user, enterprise=enterprise, **data)
    except IntegrityError:
        form.add_error("phone", _("This number is an agent of the enterprise already."))
        return _enterprise_page(request, failed=form, status=409)
    messages.success(request, _("%(name)s is added as an agent and told by text message.") % {"name": data["name"]})
    return redirect("accounts:enterprise")


@login_required
@require_POST
def agent_change(request: AuthedRequest, pk: int) -> HttpResponse:
    agent = get_agent_for_user(request, pk)
    form = AgentPermissionsForm(request.POST, instance=Agent.objects.get(pk=agent.pk), prefix=f"agent{agent.pk}")
    if not form.is_valid():
        return _enterprise_page(request, failed=form, status=400)
    actions.do_change_agent(by=request.user, agent=agent, **{k: form.cleaned_data[k] for k in Agent.PERMISSIONS})
    messages.success(request, _("The permissions of %(name)s are saved.") % {"name": agent.name})
    return redirect("accounts:enterprise")


@login_required
@require_POST
def agent_remove(request: AuthedRequest, pk: int) -> HttpResponse:
    agent = get_agent_for_user(request, pk)
    with contextlib.suppress(Conflict):  # removed by a parallel request: the wish is met
        actions.do_remove_agent(by=request.user, agent=agent)
    messages.success(request, _("%(name)s no longer acts for the enterprise.") % {"name": agent.name})
    return redirect("accounts:enterprise")
