"""``Authorization: Bearer <token>`` for staff systems and applicants' own programs."""

from functools import cache
from typing import Any

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.http import HttpRequest
from ninja.security import HttpBearer

from dgov.accounts.models import User
from dgov.api.models import ApiToken, digest


@cache
def _roles_and_permissions_sql() -> str:
    """Group names with their permissions, then the user's own permissions, in one
    statement. Written out because the ORM's UNION cost more to compile (~1.5 ms CPU a
    request) than the database takes to run it."""
    user_groups = User.groups.through._meta.db_table
    user_perms = User.user_permissions.through._meta.db_table
    group_perms = Group.permissions.through._meta.db_table
    group, perm, ctype = Group._meta.db_table, Permission._meta.db_table, ContentType._meta.db_table
    return (
        f"SELECT g.name, ct.app_label, p.codename FROM {user_groups} ug"  # noqa: S608 — table names from models
        f" JOIN {group} g ON g.id = ug.group_id"
        f" LEFT JOIN {group_perms} gp ON gp.group_id = g.id"
        f" LEFT JOIN {perm} p ON p.id = gp.permission_id"
        f" LEFT JOIN {ctype} ct ON ct.id = p.content_type_id"
        " WHERE ug.user_id = %s"
        " UNION ALL"
        f" SELECT NULL, ct.app_label, p.codename FROM {user_perms} up"
        f" JOIN {perm} p ON p.id = up.permission_id"
        f" JOIN {ctype} ct ON ct.id = p.content_type_id"
        " WHERE up.user_id = %s"
    )


def load_roles_and_permissions(user: Any) -> None:
    """Fill the user's role and permission caches in one query instead of three (groups
    for ``role_codes``, then user and group permissions for ``has_perm``): every API
    request needs both.

    ``_perm_cache`` is what ``ModelBackend.get_all_permissions`` keeps; a superuser's is
    left to Django, which gives them every permission."""
    roles, perms = set(), set()
    with connection.cursor() as cursor:
        cursor.execute(_roles_and_permissions_sql(), [user.pk, user.pk])
        for role, app_label, codename in cursor.fetchall():
            if role is not None:
                roles.add(role)
            if codename is not None:
                perms.add(f"{app_label}.{codename}")
    user._role_codes = sorted(roles)
    if user.is_active and not user.is_superuser:
        user._perm_cache = perms


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        """The token's user, who then acts as ``request.user``: the ``do_*`` functions
        and the audit trail's request context see the same actor as on the pages."""
        if not token or len(token) > 200:
            return None
        try:
            found = ApiToken.objects.active().select_related("user").order_by().get(sha256=digest(token))
        except ApiToken.DoesNotExist:
            return None
        if not found.user.is_active:
            return None
        found.touch()
        load_roles_and_permissions(found.user)
        request.user = found.user
        request.api_token = found  # type: ignore[attr-defined]
        return found.user


token_auth = TokenAuth()
