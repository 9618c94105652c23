from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from dgov.accounts.access import AuthedRequest, is_staff, staff_or_403
from dgov.accounts.models import Applicant, Department, District
from dgov.accounts.roles import Role
from dgov.audit.models import AuditEntry
from dgov.cockpit.home import headline_for
from dgov.lib import clock
from dgov.lib.todo import queues_for

# What each role answers for, in one sentence (the workbench's first line).
DUTIES: dict[Role, Promise] = {
    Role.WINDOW_CLERK: _(
        "Accept applications of any department at your window, issue one complete supplement notice, register walk-in applicants."
    ),
    Role.REVIEWER: _("Review the materials of accepted applications for your department."),
    Role.DEPARTMENT_APPROVER: _("Approve or deny your department's applications within their time limits."),
    Role.SEAL_OFFICER: _("Issue certificates with the centrally held approval seal once an approval is recorded."),
    Role.CENTRE_SUPERVISOR: _(
        "Watch every queue of the service centre, the red and yellow cards, and the call-backs of bad ratings."
    ),
    Role.PROJECT_SECRETARY: _("Contact your key projects every week and carry their issues to the departments."),
    Role.INVESTMENT_OFFICER: _("Move leads through the pipeline to signing and operation."),
    Role.HIRED_AGENT: _("Register the leads you bring; follow them to signing."),
    Role.ENTERPRISE_SERVICE: _(
        "Keep the policy library, grant benefits to the enterprises that qualify, follow financing needs and talent."
    ),
    Role.FUND_MANAGER: _("Propose the guidance fund's commitments, record tranches and exits."),
    Role.INSPECTOR: _("Supervise task tables, problem lists and their public rectification."),
    Role.UNIT_HEAD: _("Report your unit's progress, problems and rectifications."),
    Role.DISTRICT_LEADER: _("See the district's services, projects and campaign at a glance."),
    Role.AUDITOR: _("Read the audit trail and check that it is intact."),
    Role.ADMINISTRATOR: _("Keep staff accounts, roles and the working-day calendar up to date."),
}


def index(request: HttpRequest) -> HttpResponse:
    """The front door: search, hot searches, the look-up of a case and the check of a
    certificate without logging in, the items by life event and by department, and one's
    own cases, certificates and ratings once logged in; then what the district publishes."""
    from django.conf import settings

    from dgov.applications.forms import LookupForm
    from dgov.campaigns.models import Campaign
    from dgov.certificates.forms import VerifyForm
    from dgov.services import search
    from dgov.services.forms import SearchForm
    from dgov.services.models import Audience, Event, ServiceItem, with_published_counts

    district = District.objects.filter(code=settings.DEFAULT_DISTRICT_CODE).first()
    context: dict[str, Any] = {
        "search_form": SearchForm(),
        "lookup_form": LookupForm(),
        "verify_form": VerifyForm(),
    }
    if district is not None:
        events = list(with_published_counts(Event.objects.filter(district=district)))
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
        context.update(
            hot=search.hot_searches(district.pk),
            most_asked=search.most_asked(district.pk, limit=6),
            citizen_events=[e for e in events if e.kind == Audience.CITIZEN and e.item_count],
            enterprise_events=[e for e in events if e.kind == Audience.ENTERPRISE and e.item_count],
            departments=departments,
            campaign=Campaign.objects.filter(district=district).order_by("-starts_on").first(),
        )
    user = request.user
    if user.is_authenticated and not is_staff(user):
        from dgov.accounts.models import Agent
        from dgov.applications.models import Application

        context["open_cases"] = Application.objects.visible_to(user).open().count()
        context["has_enterprise"] = (
            Applicant.objects.filter(user_id=user.pk, kind=Applicant.Kind.ENTERPRISE).exists()
            or Agent.objects.for_user(user).exists()
        )
    return render(request, "portal/index.html", context)


@login_required
def home(request: AuthedRequest) -> HttpResponse:
    """Each person lands on their own home: staff on their role's workbench."""
    user = request.user
    if is_staff(user):
        role = user.primary_role
        if role is None:
            raise PermissionDenied
        return redirect("portal:workbench", role=role.value)
    return redirect("portal:my")


@login_required
def my(request: AuthedRequest) -> HttpResponse:
    """An applicant's own page."""
    profiles = Applicant.objects.filter(user_id=request.user.pk or 0).select_related("district__city")
    return render(request, "portal/my.html", {"profiles": profiles})


@login_required
def workbench(request: AuthedRequest, role: str) -> HttpResponse:
    """The person's to-do (待办): each queue they work from with its lights, what falls
    due today and on the next working day, the oldest and the red items
    (``dgov.lib.todo``); the cockpit's headline figures for the leader and the supervisor."""
    user = staff_or_403(request)
    if role not in Role.values or not user.has_role(Role(role)):
        raise PermissionDenied
    recent = AuditEntry.objects.filter(actor=user).order_by("-id")[:10]
    today = clock.today()
    queues = queues_for(user, today)
    return render(
        request,
        "portal/workbench.html",
        {
            "role": Role(role),
            "duty": DUTIES[Role(role)],
            "queues": queues,
            "any_red": any(q.red for q in queues),
            "today": today,
            "recent": recent,
            "figures": headline_for(user, Role(role)),
        },
    )


LARGE_TEXT_COOKIE = "dgov_large_text"


@require_POST
def large_text(request: HttpRequest) -> HttpResponse:
    """Switch the large-text, high-contrast mode (适老化) on or off and go back to the page
    it was switched on; remembered for a year in a cookie, logged in or not."""
    from django.utils.http import url_has_allowed_host_and_scheme

    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        back = "/"
    response = redirect(back)
    if request.POST.get("on") == "1":
        response.set_cookie(
            LARGE_TEXT_COOKIE, "1", max_age=365 * 24 * 3600, samesite="Lax", secure=request.is_secure(), httponly=True
        )
    else:
        response.delete_cookie(LARGE_TEXT_COOKIE, samesite="Lax")
    return response


def favicon(request: HttpRequest) -> HttpResponse:
    """Old browsers and bookmarks ask for /favicon.ico: send them to the icon every page names."""
    from django.templatetags.static import static

    return redirect(static("dgov/favicon.svg"), permanent=True)
