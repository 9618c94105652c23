"""One-time codes sent by text message: log-in, sign-up and password reset.

1. A code is six digits, valid ``CODE_MINUTES`` (5) minutes and ``CODE_TRIES`` (5) tries,
   used once, kept as a keyed hash (``salted_hmac``) of purpose, number and code.
2. At most one code a minute (``PER_MINUTE``) and ten a day (``PER_DAY``) go to one number,
   and at most ``PER_ADDRESS`` an hour are asked for from one client address (text
   messages cost money and annoy their receivers). The limits are counted in the database
   for every worker (``dgov.lib.ratelimit``), before anything else is looked at.
3. The answer never tells whether a number has an account: a code row is written either
   way, and the message is sent only where it can serve (a log-in code to a registered
   number, a sign-up code to a new one; a registered number asking to sign up is told
   by text message that it has an account). Checking a code that was never sent looks
   like checking a wrong one.
4. Every request and every check leaves an audit entry, with the number masked.

The message goes through the outbox (``dgov.notifications``) and the pluggable SMS backend.
"""

import datetime as dt
import secrets
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import override

from dgov.accounts.models import District, OneTimeCode, User
from dgov.audit.models import Outcome
from dgov.audit.trail import record
from dgov.lib import clock
from dgov.lib.personal import mask_phone
from dgov.lib.ratelimit import RateLimit

CODE_MINUTES = 5
CODE_TRIES = 5
PER_MINUTE = RateLimit("accounts.code.minute", limit=1, window_seconds=60)
PER_DAY = RateLimit("accounts.code.day", limit=10, window_seconds=24 * 3600)
PER_ADDRESS = RateLimit("accounts.code.address", limit=30, window_seconds=3600)

Purpose = OneTimeCode.Purpose
APPLICANT_KINDS = (User.Kind.CITIZEN, User.Kind.ENTERPRISE)


class CodeRefused(Exception):
    """A code request over a limit (429), or a code that does not prove the number (400);
    the message says which in the user's language."""

    def __init__(self, message: str, *, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


def account_for(phone: str) -> User | None:
    """The applicant account that proved ``phone``, if any (staff log in by password)."""
    return User.objects.filter(phone=phone, phone_verified=True, kind__in=APPLICANT_KINDS, is_active=True).first()


def _hash(purpose: str, phone: str, code: str) -> str:
    return salted_hmac("dgov.accounts.code", f"{purpose}:{phone}:{code}", algorithm="sha256").hexdigest()


def _district() -> District | None:
    return District.objects.filter(code=settings.DEFAULT_DISTRICT_CODE).first() or District.objects.first()


def _message(purpose: str, code: str, registered: bool) -> str | None:
    """The text message for a request, or None when nothing is sent."""
    minutes = {"code": code, "minutes": CODE_MINUTES}
    if purpose == Purpose.SIGNUP:
        if registered:
            return _(
                "This number already has an account on the district's service platform: log in with a text-message "
                "code instead. If you did not ask, ignore this message."
            )
        return (
            _("Your code to open an account: %(code)s (valid %(minutes)d minutes). Do not tell it to anyone.") % minutes
        )
    if not registered:
        return None
    if purpose == Purpose.LOGIN:
        return _("Your log-in code: %(code)s (valid %(minutes)d minutes). Do not tell it to anyone.") % minutes
    return (
        _("Your code to set a new password: %(code)s (valid %(minutes)d minutes). Do not tell it to anyone.") % minutes
    )


def do_send_code(purpose: str, phone: str, *, address: str) -> None:
    """Write a code for ``phone`` and send it where it can serve (module docstring);
    ``CodeRefused`` (429) over a limit. Nothing tells the caller whether it was sent."""
    from dgov.notifications.outbox import notify

    if not PER_MINUTE.take(phone):
        raise CodeRefused(_("A code was sent to this number less than a minute ago: wait a minute."), status=429)
    if not PER_DAY.take(phone):
        raise CodeRefused(_("This number has had 10 codes today: try again tomorrow."), status=429)
    if not PER_ADDRESS.take(address):
        raise CodeRefused(_("Too many codes were asked for from your address: try again in an hour."), status=429)
    now = clock.now()
    code = f"{secrets.randbelow(10**6):06d}"
    registered = account_for(phone) is not None
    text = _message(purpose, code, registered)
    with transaction.atomic():
        OneTimeCode.objects.create(
            purpose=purpose,
            target=phone,
            code_hash=_hash(purpose, phone, code),
            created_at=now,
            expires_at=now + dt.timedelta(minutes=CODE_MINUTES),
        )
        record(
            "auth.code_request",
            None,
            object_type="accounts.onetimecode",
            object_id=mask_phone(phone),
            changes={"purpose": purpose},
        )
        district = _district()
        if text is not None and district is not None:
            with override(settings.LANGUAGE_CODE):
                notify(
                    district=district,
                    recipient=None,
                    subject=str(Purpose(purpose).label),
                    body=text,
                    email=False,
                    sms_to=phone,
                )


def check_code(purpose: str, phone: str, code: str) -> None:
    """Spend ``code`` if it is the latest live code of ``purpose`` sent to ``phone``;
    ``CodeRefused`` saying why not (asked for none, expired, tried too often, wrong).

    A try is counted by a conditional UPDATE before the comparison, so parallel guesses
    cannot share one try, and a right code is spent by another, so it serves once."""
    now = clock.now()
    latest = (
        OneTimeCode.objects.filter(purpose=purpose, target=phone, used_at__isnull=True).order_by("-created_at").first()
    )
    refusal = None
    if latest is None:
        refusal = _("Ask for a code first: none is waiting for this number.")
    elif latest.expires_at <= now:
        refusal = _("This code has expired (a code is valid for %(minutes)d minutes): ask for a new one.") % {
            "minutes": CODE_MINUTES
        }
    elif not OneTimeCode.objects.filter(pk=latest.pk, tries__lt=CODE_TRIES).update(tries=F("tries") + 1):
        refusal = _("This code was tried %(tries)d times: ask for a new one.") % {"tries": CODE_TRIES}
    elif not constant_time_compare(latest.code_hash, _hash(purpose, phone, code)):
        left = CODE_TRIES - latest.tries - 1
        refusal = (
            _("The code is wrong: %(left)d tries left.") % {"left": left}
            if left > 0
            else _("The code is wrong, and this was its last try: ask for a new one.")
        )
    elif not OneTimeCode.objects.filter(pk=latest.pk, used_at__isnull=True).update(used_at=now):
        refusal = _("This code was used a moment ago: ask for a new one.")
    if refusal is not None:
        record(
            "auth.code_refused",
            None,
            outcome=Outcome.DENIED,
            object_type="accounts.onetimecode",
            object_id=mask_phone(phone),
            changes={"purpose": purpose},
        )
        raise CodeRefused(refusal)
    record(
        "auth.code_accepted",
        None,
        object_type="accounts.onetimecode",
        object_id=mask_phone(phone),
        changes={"purpose": purpose},
    )


def remaining_seconds(phone: str) -> int:
    """Seconds until ``phone`` may be sent another code (for the page's hint)."""
    latest = (
        OneTimeCode.objects.filter(target=phone).order_by("-created_at").values_list("created_at", flat=True).first()
    )
    if latest is None:
        return 0
    return max(0, 60 - int((clock.now() - latest).total_seconds()))


def verified(user: Any, phone: str) -> None:
    """Mark ``user``'s ``phone`` as proved (after ``check_code``), and link the agent rows
    an enterprise added for that number."""
    from dgov.accounts.models import Agent

    User.objects.filter(pk=user.pk).update(phone=phone, phone_verified=True)
    user.phone, user.phone_verified = phone, True
    Agent.objects.filter(phone=phone, removed_at__isnull=True, user__isnull=True).update(user=user)
