from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from dgov.accounts.models import Applicant, User
from dgov.accounts.roles import Role
from dgov.audit.models import AuditEntry


def index(request: HttpRequest) -> HttpResponse:
    """The public portal's front page."""
    return render(request, "portal/index.html")


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Each person lands on their own home: staff on their role's workbench."""
    user = request.user
    if user.kind == User.Kind.STAFF:  # type: ignore[union-attr]
        role = user.primary_role  # type: ignore[union-attr]
        if role is None:
            raise PermissionDenied
        return redirect("portal:workbench", role=role.value)
    return redirect("portal:my")


@login_required
def my(request: HttpRequest) -> HttpResponse:
    """An applicant's own page."""
    profiles = Applicant.objects.filter(user=request.user).select_related("district__city")
    return render(request, "portal/my.html", {"profiles": profiles})


@login_required
def workbench(request: HttpRequest, role: str) -> HttpResponse:
    user = request.user
    if role not in Role.values or not user.has_role(Role(role)):  # type: ignore[union-attr]
        raise PermissionDenied
    recent = AuditEntry.objects.filter(actor=user).order_by("-id")[:10]
    return render(
        request,
        "portal/workbench.html",
        {"role": Role(role), "recent": recent, "other_roles": [r for r in user.roles if r.value != role]},  # type: ignore[union-attr]
    )
