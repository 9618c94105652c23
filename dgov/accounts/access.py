"""Who is asking: the one staff accessor and the typed requests of views.

``staff_or_403(request, *permissions)`` is the only way a staff view learns its user: a
staff member of a district holding at least one of ``permissions`` (any staff member
when none is named), else ``PermissionDenied``. Object-level rules live in each app's
``may_*`` predicates (``dgov.lib.rules``), not here.
"""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from dgov.accounts.models import District, User
from dgov.lib.access import ANY_SIGNED_IN, POST_ONLY, PUBLIC, Seen


class AuthedRequest(HttpRequest):
    """A request behind ``login_required``: its user is a ``User``."""

    user: User  # type: ignore[assignment]


class StaffRequest(AuthedRequest):
    """A request whose user passed ``staff_or_403``."""


def is_staff(user: Any) -> bool:
    """A signed-in staff member of a district (staff accounts always belong to one)."""
    return bool(
        getattr(user, "is_authenticated", False)
        and getattr(user, "kind", None) == User.Kind.STAFF
        and user.district_id is not None
    )


def staff_or_403(request: HttpRequest, *permissions: str) -> User:
    """The staff member making ``request``, holding at least one of ``permissions``."""
    user = request.user
    if not is_staff(user):
        raise PermissionDenied
    if permissions and not any(user.has_perm(p) for p in permissions):
        raise PermissionDenied
    return user  # type: ignore[return-value]


def staff_district(request: HttpRequest, *permissions: str) -> District:
    """The district of the staff member making ``request`` (see ``staff_or_403``)."""
    district = staff_or_403(request, *permissions).district
    assert district is not None
    return district


# Who may open each route of this app with GET: the role × URL matrix holds every
# persona's answer against it (``dgov.lib.access``, decision 0025).
VIEWS: dict[str, Seen] = {
    "accounts/login/": PUBLIC,
    "accounts/login/code/": PUBLIC,
    "accounts/signup/": PUBLIC,
    "accounts/signup/enterprise/": PUBLIC,
    "accounts/password/forgot/": PUBLIC,
    "accounts/password/reset/<str:token>/": Seen(rest="400", anonymous="400"),
    "accounts/password/change/": ANY_SIGNED_IN,
    "accounts/enterprise/": ANY_SIGNED_IN,
    "accounts/enterprise/<int:pk>/agents/add/": POST_ONLY,
    "accounts/enterprise/agents/<int:pk>/change/": POST_ONLY,
    "accounts/enterprise/agents/<int:pk>/remove/": POST_ONLY,
    "accounts/unlock/": PUBLIC,
    "accounts/staff/applicants/": Seen(
        ok="window_clerk reviewer department_approver centre_supervisor enterprise_service district_leader auditor administrator"
    ),
    "accounts/staff/applicants/new/": Seen(ok="window_clerk"),
    "accounts/staff/applicants/<int:pk>/reveal/": POST_ONLY,
    "accounts/staff/people/": Seen(ok="administrator"),
    "accounts/staff/people/new/": Seen(ok="administrator"),
}
