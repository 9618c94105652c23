from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from dgov.accounts.access import AuthedRequest, is_staff, staff_or_403
from dgov.accounts.models import Applicant
from dgov.accounts.roles import Role
from dgov.audit.models import AuditEntry
from dgov.cockpit.home import headline_for
from dgov.lib.nav import links_for

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
    """The public portal's front page, with what the district publishes."""
    from django.conf import settings

    from dgov.campaigns.models import Campaign

    campaign = Campaign.objects.filter(district__code=settings.DEFAULT_DISTRICT_CODE).order_by("-starts_on").first()
    return render(request, "portal/index.html", {"campaign": campaign})


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
    user = staff_or_403(request)
    if role not in Role.values or not user.has_role(Role(role)):
        raise PermissionDenied
    recent = AuditEntry.objects.filter(actor=user).order_by("-id")[:10]
    return render(
        request,
        "portal/workbench.html",
        {
            "role": Role(role),
            "duty": DUTIES[Role(role)],
            "links": links_for(user),
            "recent": recent,
            "figures": headline_for(user, Role(role)),
        },
    )
