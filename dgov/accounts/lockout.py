"""The lock-out (issue 19 §4), on django-axes.

1. The address is the client's (``dgov.lib.addresses``), not the proxy's.
2. ``AXES_FAILURE_LIMIT`` (5) failures lock the *pair* of account and address for
   ``AXES_COOLOFF_TIME``: five people behind one proxy or office NAT who mistype their
   own passwords lock nobody else out, and a guesser at one address is stopped.
3. An account that failed from ``LOGIN_ACCOUNT_ADDRESSES`` (10) different addresses
   within the cool-off time is locked from every address (a guesser spreading over many
   addresses): ``AccountLock``. Its owner (in the app, by e-mail and text message) and
   the administrators of its district (in the app and by e-mail) are alerted through the
   outbox, and the lock is audited.
4. The owner lifts that lock at once with a one-time code sent by text message to the
   phone on record (``do_send_unlock_code``, ``do_unlock``); otherwise it lifts after the
   cool-off time. Codes are six digits, kept as a keyed hash, valid ten minutes and five
   tries, at most one a minute and five a lock; asking never tells whether the account
   exists or is locked.
"""

import secrets
from datetime import timedelta
from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.db import transaction
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import override

from dgov.accounts.models import AccountLock, District, UnlockCode, User
from dgov.accounts.roles import Role
from dgov.audit.models import Outcome
from dgov.audit.trail import record
from dgov.lib import clock

CODE_MINUTES = 10
CODE_TRIES = 5
CODES_PER_LOCK = 5
CODE_EVERY = timedelta(minutes=1)


def active_lock(username: str) -> AccountLock | None:
    """The lock on ``username`` that holds now, if any."""
    if not username:
        return None
    since = clock.now() - settings.AXES_COOLOFF_TIME
    return (
        AccountLock.objects.filter(username=username, unlocked_at__isnull=True, locked_at__gt=since)
        .order_by("-locked_at")
        .first()
    )


def addresses_tried(username: str) -> int:
    """How many addresses failed to log in to ``username`` within the cool-off time."""
    since = clock.now() - settings.AXES_COOLOFF_TIME
    return (
        AccessAttempt.objects.filter(username=username, attempt_time__gt=since, failures_since_start__gt=0)
        .values("ip_address")
        .distinct()
        .count()
    )


class LockoutHandler(AxesDatabaseHandler):
    """Axes' database handler, with the account-wide lock of point 3."""

    def is_locked(self, request: Any, credentials: dict[str, Any] | None = None) -> bool:
        if super().is_locked(request, credentials):
            return True
        return active_lock(get_client_username(request, credentials) or "") is not None

    def user_login_failed(self, sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is None:
            return
        username = get_client_username(request, credentials) or ""
        if not username:
            return
        if active_lock(username) is not None:
            # Axes records a failure during a lock-out and answers it from its own
            # count; the account lock is ours to answer.
            request.axes_locked_out = True
            return
        tried = addresses_tried(username)
        if tried >= settings.LOGIN_ACCOUNT_ADDRESSES:
            lock_account(username, tried)
            request.axes_locked_out = True


def lock_account(username: str, tried: int) -> AccountLock:
    """Lock ``username`` everywhere, audit it, and alert its owner and the administrators."""
    from dgov.notifications.outbox import notify

    owner = User.objects.filter(username=username).select_related("district").first()
    with transaction.atomic():
        lock = AccountLock.objects.create(username=username, user=owner, addresses=tried, locked_at=clock.now())
        record(
            "auth.account_locked",
            owner,
            outcome=Outcome.DENIED,
            object_type="accounts.user",
            object_id=str(owner.pk) if owner else username,
            changes={"addresses": tried},
        )
        if owner is None:
            return lock
        district = owner.district or District.objects.filter(code=settings.DEFAULT_DISTRICT_CODE).first()
        if district is None:
            return lock
        minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
        with override(settings.LANGUAGE_CODE):
            notify(
                district=district,
                recipient=owner,
                subject=_("Your account is locked"),
                body=_(
                    "Someone failed to log in to your account %(username)s from %(count)d different places, so it "
                    "is locked for %(minutes)d minutes. If it was not you, change your password once you are back "
                    "in. To unlock it now, ask for a code on the log-in page."
                )
                % {"username": username, "count": tried, "minutes": minutes},
                sms_to=owner.phone,
            )
            administrators = User.objects.filter(district=district, groups__name=Role.ADMINISTRATOR).distinct()
            for administrator in administrators:
                notify(
                    district=district,
                    recipient=administrator,
                    subject=_("An account is locked after failed log-ins from many places"),
                    body=_(
                        "Failed log-ins to the account %(username)s came from %(count)d different places within "
                        "%(minutes)d minutes: it is locked, and its owner was told."
                    )
                    % {"username": username, "count": tried, "minutes": minutes},
                )
    return lock


def _hash(code: str, lock: AccountLock) -> str:
    return salted_hmac("dgov.accounts.unlock", f"{lock.pk}:{code}").hexdigest()


def do_send_unlock_code(username: str) -> bool:
    """Send a code to the owner of the locked account ``username``; False (and nothing
    sent) when there is no such lock, no phone on record, or a code went out too
    recently. The caller answers the same either way."""
    from dgov.notifications.outbox import notify

    lock = active_lock(username)
    owner = lock.user if lock is not None else None
    if lock is None or owner is None or not owner.phone:
        return False
    now = clock.now()
    with transaction.atomic():
        sent = list(UnlockCode.objects.select_for_update().filter(lock=lock).order_by("-created_at"))
        if len(sent) >= CODES_PER_LOCK or (sent and now - sent[0].created_at < CODE_EVERY):
            return False
        code = f"{secrets.randbelow(10**6):06d}"
        UnlockCode.objects.create(
            lock=lock, code_hash=_hash(code, lock), created_at=now, expires_at=now + timedelta(minutes=CODE_MINUTES)
        )
        district = owner.district or District.objects.filter(code=settings.DEFAULT_DISTRICT_CODE).first()
        if district is None:
            return False
        with override(settings.LANGUAGE_CODE):
            notify(
                district=district,
                recipient=None,
                subject=_("Unlock code"),
                body=_("Your code to unlock the account %(username)s: %(code)s (valid %(minutes)d minutes).")
                % {"username": username, "code": code, "minutes": CODE_MINUTES},
                email=False,
                sms_to=owner.phone,
            )
        record("auth.unlock_code_sent", owner, actor=owner, object_type="accounts.user", object_id=str(owner.pk))
    return True


def do_unlock(username: str, code: str) -> bool:
    """Lift the lock on ``username`` if ``code`` is its latest, unexpired code; each
    wrong try counts, and a code is spent after ``CODE_TRIES``."""
    lock = active_lock(username)
    if lock is None:
        return False
    now = clock.now()
    with transaction.atomic():
        latest = (
            UnlockCode.objects.select_for_update()
            .filter(lock=lock, used_at__isnull=True, expires_at__gt=now, tries__lt=CODE_TRIES)
            .order_by("-created_at")
            .first()
        )
        if latest is None:
            return False
        if not constant_time_compare(latest.code_hash, _hash(code.strip(), lock)):
            latest.tries += 1
            latest.save(update_fields=["tries"])
            record(
                "auth.unlock_failed",
                lock.user,
                outcome=Outcome.DENIED,
                object_type="accounts.user",
                object_id=str(lock.user_id or username),
            )
            return False
        latest.used_at = now
        latest.save(update_fields=["used_at"])
        AccountLock.objects.filter(pk=lock.pk).update(unlocked_at=now)
        record("auth.unlock", lock.user, actor=lock.user, object_type="accounts.user", object_id=str(lock.user_id))
    reset(username=username)  # the failures that led to the lock start from nothing
    return True
