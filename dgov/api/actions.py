"""Issuing and revoking API tokens, each audited."""

import secrets

from django.db import transaction

from dgov.accounts.models import User
from dgov.api.models import PREFIX_LENGTH, ApiToken, digest
from dgov.api.rules import may_manage_token
from dgov.audit.trail import record
from dgov.lib import clock
from dgov.lib.rules import enforce


def do_create_api_token(user: User, name: str, *, by: User | None = None) -> tuple[ApiToken, str]:
    """A new token for ``user`` and its secret, which is shown once and never stored
    (``by`` None: the platform itself, the ``create_api_token`` command)."""
    if by is not None:
        enforce(may_manage_token(by, user))
    prefix = secrets.token_hex(PREFIX_LENGTH // 2)
    while ApiToken.objects.filter(prefix=prefix).exists():
        prefix = secrets.token_hex(PREFIX_LENGTH // 2)
    secret = f"{prefix}.{secrets.token_urlsafe(32)}"
    with transaction.atomic():
        token = ApiToken.objects.create(user=user, name=name, prefix=prefix, sha256=digest(secret))
        record(
            "api.token_create",
            token,
            actor=by,
            district=getattr(user, "district", None),
            changes={"user": user.username, "name": name, "prefix": prefix},
        )
    return token, secret


def do_revoke_api_token(token: ApiToken, *, by: User | None = None) -> bool:
    """Revoke ``token``; False if it already was (``by`` None: the platform itself)."""
    if by is not None:
        enforce(may_manage_token(by, token.user))
    with transaction.atomic():
        changed = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=clock.now())
        if changed:
            record("api.token_revoke", token, actor=by, district=getattr(token.user, "district", None))
    return bool(changed)
