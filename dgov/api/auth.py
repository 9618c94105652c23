"""``Authorization: Bearer <token>`` for staff systems and applicants' own programs."""

from typing import Any

from django.contrib.auth.models import Permission
from django.db.models.signals import post_delete, post_save
from django.http import HttpRequest
from ninja.security import HttpBearer

from dgov.api.models import ApiToken, digest
from dgov.lib import fastsql

# The token with its user (kind 0), the user's roles with the ids of their permissions
# (kind 1) and the ids of the permissions given to the user directly (kind 2). The
# permissions' names come from ``permission_names`` (PostgreSQL's CPU for this statement:
# 37–53 µs, against 110–137 µs when it joined the permission and content type of each
# row, ``bench/README.md`` 2026-12-04).
TOKEN = fastsql.Statement(
    """
    SELECT 0,
           t.id, t.user_id, t.name, t.prefix, t.sha256, t.created_at, t.last_used_at, t.revoked_at,
           u.id, u.password, u.last_login, u.is_superuser, u.username, u.first_name, u.last_name,
           u.email, u.is_staff, u.is_active, u.date_joined, u.kind, u.full_name, u.district_id,
           u.department_id, u.window_id, u.phone, u.phone_verified,
           NULL, NULL
      FROM api_apitoken t
      JOIN accounts_user u ON u.id = t.user_id
     WHERE t.sha256 = %s AND t.revoked_at IS NULL
    UNION ALL
    SELECT 1,
           NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
           NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
           NULL,
           g.name, gp.permission_id
      FROM api_apitoken t
      JOIN accounts_user_groups ug ON ug.user_id = t.user_id
      JOIN auth_group g ON g.id = ug.group_id
      LEFT JOIN auth_group_permissions gp ON gp.group_id = g.id
     WHERE t.sha256 = %s AND t.revoked_at IS NULL
    UNION ALL
    SELECT 2,
           NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
           NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
           NULL,
           NULL, up.permission_id
      FROM api_apitoken t
      JOIN accounts_user_user_permissions up ON up.user_id = t.user_id
     WHERE t.sha256 = %s AND t.revoked_at IS NULL
    """
)

# Permission id → "app_label.codename", as ``ModelBackend`` names a permission. Which
# permissions a user holds is read with the token on every request (a role given or taken
# counts at once, in every process); only the name of each permission id is kept here. A
# permission row keeps its name for life (``migrate`` makes them; a new one gets a new id,
# which makes this read the table again), and saving or deleting one forgets them all.
_names: dict[int, str] = {}


def permission_names(ids: set[int]) -> set[str]:
    """The names of the permissions ``ids`` (the table read once per process, and again
    when an id is new to it)."""
    global _names
    names = _names  # replaced whole, never changed in place: a thread reads one or the other
    if not ids <= names.keys():
        rows = Permission.objects.values_list("pk", "content_type__app_label", "codename")
        names = _names = {pk: f"{app_label}.{codename}" for pk, app_label, codename in rows}
    return {names[pk] for pk in ids if pk in names}


def _forget_names(**kwargs: Any) -> None:
    global _names
    _names = {}


post_save.connect(_forget_names, sender=Permission, dispatch_uid="dgov.api.auth.names")
post_delete.connect(_forget_names, sender=Permission, dispatch_uid="dgov.api.auth.names.delete")


def authenticate_token(token: str) -> ApiToken | None:
    """The active token and its user, with the user's roles and permissions loaded: one
    statement (``TOKEN``) where the ORM takes four (the token with its user, the roles,
    the user's and the roles' permissions). Measured (``bench/hot_reads.py``, 2026-12-03):
    the ORM with prepared statements took 16.9× the time (rounds 6–24×)."""
    key = digest(token)
    rows = fastsql.fetch(TOKEN, [key, key, key])
    head = next((row for row in rows if row[0] == 0), None)
    if head is None:
        return None
    found = fastsql.instances(TOKEN, head)
    token_row, user = found["t"], found["u"]
    token_row.user = user
    # The last two columns: role, permission id.
    user._role_codes = sorted({row[-2] for row in rows if row[0] == 1})
    if user.is_active and not user.is_superuser:
        # What ModelBackend.get_all_permissions would read, in its cache.
        user._perm_cache = permission_names({row[-1] for row in rows if row[0] != 0 and row[-1] is not None})
    return token_row


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
