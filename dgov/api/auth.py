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
from dgov.lib import fastsql


@cache
def _token_sql() -> tuple[str, list[Any], list[Any]]:
    """The token with its user, the user's groups with their permissions, and the user's
    own permissions: one statement, so that an API request pays one round trip for who is
    asking instead of two. Rows: kind 0 (token and user columns), kind 1 (group name,
    permission), kind 2 (a permission given to the user directly)."""
    quote = connection.ops.quote_name
    token_fields = list(ApiToken._meta.concrete_fields)
    user_fields = list(User._meta.concrete_fields)
    user_groups = User.groups.through._meta.db_table
    user_perms = User.user_permissions.through._meta.db_table
    group_perms = Group.permissions.through._meta.db_table
    group, perm, ctype = Group._meta.db_table, Permission._meta.db_table, ContentType._meta.db_table
    token_table, user_table = ApiToken._meta.db_table, User._meta.db_table
    columns = ", ".join([f"t.{quote(f.column)}" for f in token_fields] + [f"u.{quote(f.column)}" for f in user_fields])
    nulls = ", ".join(["NULL"] * (len(token_fields) + len(user_fields)))
    active = "t.sha256 = %s AND t.revoked_at IS NULL"
    sql = (
        f"SELECT 0, {columns}, NULL, NULL, NULL FROM {token_table} t"  # noqa: S608 — names from models
        f" JOIN {user_table} u ON u.id = t.user_id WHERE {active}"
        " UNION ALL"
        f" SELECT 1, {nulls}, g.name, ct.app_label, p.codename FROM {token_table} t"
        f" JOIN {user_groups} ug ON ug.user_id = t.user_id"
        f" JOIN {group} g ON g.id = ug.group_id"
        f" LEFT JOIN {group_perms} gp ON gp.group_id = g.id"
        f" LEFT JOIN {perm} p ON p.id = gp.permission_id"
        f" LEFT JOIN {ctype} ct ON ct.id = p.content_type_id"
        f" WHERE {active}"
        " UNION ALL"
        f" SELECT 2, {nulls}, NULL, ct.app_label, p.codename FROM {token_table} t"
        f" JOIN {user_perms} up ON up.user_id = t.user_id"
        f" JOIN {perm} p ON p.id = up.permission_id"
        f" JOIN {ctype} ct ON ct.id = p.content_type_id"
        f" WHERE {active}"
    )
    return sql, token_fields, user_fields


def authenticate_token(token: str) -> ApiToken | None:
    """The active token and its user, with the user's roles and permissions loaded."""
    sql, token_fields, user_fields = _token_sql()
    key = digest(token)
    with fastsql.cursor() as cursor:
        cursor.execute(sql, [key, key, key])
        rows = cursor.fetchall()
    head = [row for row in rows if row[0] == 0]
    if not head:
        return None
    values = list(head[0][1:-3])
    found = fastsql.from_row(ApiToken, values[: len(token_fields)])
    user = fastsql.from_row(User, values[len(token_fields) :])
    found.user = user
    roles, perms = set(), set()
    for row in rows:
        if row[0] == 1 and row[-3] is not None:
            roles.add(row[-3])
        if row[0] != 0 and row[-1] is not None:
            perms.add(f"{row[-2]}.{row[-1]}")
    user._role_codes = sorted(roles)
    if user.is_active and not user.is_superuser:
        user._perm_cache = perms  # type: ignore[attr-defined]
    return found


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        """The token's user, who then acts as ``request.user``: the ``do_*`` functions
        and the audit trail's request context see the same actor as on the pages."""
        if not token or len(token) > 200:
            return None
        found = authenticate_token(token)
        if found is None or not found.user.is_active:
            return None
        found.touch()
        request.user = found.user
        request.api_token = found  # type: ignore[attr-defined]
        return found.user


token_auth = TokenAuth()
