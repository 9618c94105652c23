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
