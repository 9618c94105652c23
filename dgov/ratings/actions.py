"""Every write of the ratings app: one function, one transaction, with its audit entry.

Who may act: each ``do_*`` enforces its predicate of ``rules`` first.

Concurrency: the second rating of a case or visit is refused by a partial unique index,
so two submissions at the same instant leave exactly one (``Conflict`` for the
other); the steps of a rectification and the decision on an appeal are conditional
UPDATEs, so of two supervisors acting at once one wins and the other gets
``Conflict``.
"""

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from dgov.accounts.models import User
from dgov.applications.models import Application, Status, Visit
from dgov.audit.trail import record
from dgov.lib import clock
from dgov.lib.conflicts import Conflict
from dgov.lib.rules import enforce
from dgov.lib.signing import LinkExpired, LinkInvalid, link_token, read_link_token
from dgov.notifications.outbox import notify
from dgov.ratings.models import (
    BAD_LEVELS,
    DEEM_AFTER_DAYS,
    Appeal,
    Level,
    Rating,
    RatingPolicy,
    Rectification,
    Source,
    rating_window,
)
from dgov.ratings.rules import (
    may_appeal,
    may_decide_appeal,
    may_rate,
    may_record_callback,
    may_record_fix,
    may_reply,
    may_save_policy,
)
from dgov.workdays.actions import do_create_deadline
from dgov.workdays.models import CountedFrom, Deadline

LINK_PURPOSE = "ratings.window"


def already_rated() -> Conflict:
    return Conflict(_("This has already been rated; a rating cannot be given twice."))


def already_handled() -> Conflict:
    return Conflict(_("Somebody else acted on this first; the page shows the current state."))


# Rating ---------------------------------------------------------------------------------


def do_rate(
    application: Application,
    *,
    level: int,
    comment: str = "",
    source: Source,
    by: User | None = None,
    visit: Visit | None = None,
    today: dt.date | None = None,
) -> Rating:
    """The applicant rates a case or one visit of it. ``by`` is the logged-in user (page,
    API), or None when the applicant proves who they are with the signed window link.

    A bad rating opens a rectification at once, due after the district's working days."""
    enforce(may_rate(by, application, visit))
    if level not in Level.values:
        raise ValidationError(_("Choose one of the five levels."), code="level")
    today = today or clock.today()
    window_id = visit.window_id if visit is not None else application.window_id
    try:
        with transaction.atomic():
            rating = Rating.objects.create(
                district_id=application.district_id,
                application=application,
                visit=visit,
                department_id=application.department_id,
                window_id=window_id,
                item_id=application.item_id,
                level=level,
                comment=comment.strip(),
                source=source,
                rated_by=by if by is not None else application.applicant.user,
                rated_on=today,
            )
            record(
                "rating.create",
                rating,
                actor=by,
                district=application.district,
                changes={"application": application.number, "level": level, "source": str(source)},
            )
            if level in BAD_LEVELS:
                _open_rectification(rating, today)
    except IntegrityError:
        raise already_rated() from None
    return rating


def _open_rectification(rating: Rating, today: dt.date) -> Rectification:
    policy = RatingPolicy.for_district(rating.district)
    deadline = do_create_deadline(
        district=rating.district,
        label=f"{rating.application.number} rectification",
        start_date=today,
        counted_from=CountedFrom.RATED,
        working_days=policy.rectification_days,
    )
    rectification = Rectification.objects.create(district=rating.district, rating=rating, deadline=deadline)
    record(
        "rectification.open",
        rectification,
        district=rating.district,
        changes={"due": deadline.due_date.isoformat(), "working_days": policy.rectification_days},
    )
    return rectification


# The signed window link ----------------------------------------------------------------


def link_minutes() -> int:
    return int(getattr(settings, "RATING_LINK_MINUTES", 30))


def window_token(application: Application, visit: Visit | None = None) -> str:
    """A short-lived signed token naming the case (and visit) to rate without logging in."""
    return link_token(LINK_PURPOSE, {"a": application.pk, "v": visit.pk if visit else 0})


def read_window_token(token: str) -> tuple[int, int]:
    """(application pk, visit pk or 0); ValidationError when forged or expired."""
    try:
        data = read_link_token(LINK_PURPOSE, token, dt.timedelta(minutes=link_minutes()))
    except LinkExpired:
        raise ValidationError(
            _("This rating link has expired; ask the window for a new one."), code="expired"
        ) from None
    except LinkInvalid:
        raise ValidationError(_("This rating link is not valid."), code="bad_link") from None
    return int(data["a"]), int(data["v"])


# Rectification ---------------------------------------------------------------------------


def _step(rectification: Rectification, *, by: User, verb: str, where: dict[str, Any], **fields: Any) -> None:
    """A conditional UPDATE on an open rectification, audited (of two supervisors acting
    at once, the second gets ``Conflict``)."""
    changed = Rectification.objects.filter(pk=rectification.pk, status=Rectification.Status.OPEN, **where).update(
        **fields
    )
    if changed != 1:
        raise already_handled()
    for name, value in fields.items():
        setattr(rectification, name, value)
    record(f"rectification.{verb}", rectification, actor=by, changes={k: str(v) for k, v in fields.items()})


def do_record_callback(rectification: Rectification, *, by: User, note: str, today: dt.date | None = None) -> None:
    """The supervisor called the applicant back and writes down what they said."""
    enforce(may_record_callback(by, rectification))
    if not note.strip():
        raise ValidationError(_("Write down what the applicant said."), code="note")
    with transaction.atomic():
        _step(
            rectification,
            by=by,
            verb="callback",
            where={"called_back_on__isnull": True},
            called_back_on=today or clock.today(),
            callback_note=note.strip(),
            called_back_by=by,
        )


def do_record_fix(rectification: Rectification, *, by: User, fix: str) -> None:
    enforce(may_record_fix(by, rectification))
    if not fix.strip():
        raise ValidationError(_("Describe the rectification measures."), code="fix")
    with transaction.atomic():
        # A fix once recorded stands: a second one (another supervisor, a double submit) is refused.
        _step(
            rectification,
            by=by,
            verb="fix",
            where={"called_back_on__isnull": False, "fix": ""},
            fix=fix.strip(),
            fixed_by=by,
        )


def do_reply(rectification: Rectification, *, by: User, reply: str, today: dt.date | None = None) -> None:
    """Reply to the applicant and close the rectification (and its deadline)."""
    enforce(may_reply(by, rectification))
    if not reply.strip():
        raise ValidationError(_("Write the reply to the applicant."), code="reply")
    today = today or clock.today()
    with transaction.atomic():
        _step(
            rectification,
            by=by,
            verb="close",
            where={"called_back_on__isnull": False},
            status=Rectification.Status.CLOSED,
            reply=reply.strip(),
            closed_on=today,
            closed_by=by,
        )
        Deadline.objects.filter(pk=rectification.deadline_id, closed_at__isnull=True).update(closed_at=clock.now())
        application = rectification.rating.application
        applicant = application.applicant
        with translation.override(settings.LANGUAGE_CODE):
            notify(
                district=application.district,
                recipient=applicant.user,
                subject=_("Your rating of %(number)s: our reply") % {"number": application.number},
                body=reply.strip(),
                obj=application,
                sms_to=applicant.phone if applicant.user_id is None else "",
            )


# Appeals ----------------------------------------------------------------------------------


def do_file_appeal(rating: Rating, *, by: User, ground: str, reason: str) -> Appeal:
    """The rated unit appeals a mistaken or malicious bad rating; one appeal per rating."""
    enforce(may_appeal(by, rating))
    if not reason.strip():
        raise ValidationError(_("An appeal states its reasons."), code="reason")
    try:
        with transaction.atomic():
            appeal = Appeal.objects.create(
                district_id=rating.district_id, rating=rating, ground=ground, reason=reason.strip(), filed_by=by
            )
            record("rating.appeal", appeal, actor=by, changes={"ground": ground, "reason": reason.strip()})
    except IntegrityError:
        raise already_handled() from None
    return appeal


def do_decide_appeal(appeal: Appeal, *, by: User, uphold: bool, decision: str) -> None:
    """A supervisor decides. Upheld: the rating leaves the statistics and its open
    rectification is withdrawn."""
    enforce(may_decide_appeal(by, appeal))
    if not decision.strip():
        raise ValidationError(_("A decision states its reasons."), code="decision")
    to = Appeal.Status.UPHELD if uphold else Appeal.Status.REJECTED
    with transaction.atomic():
        changed = Appeal.objects.filter(pk=appeal.pk, status=Appeal.Status.PENDING).update(
            status=to, decision=decision.strip(), decided_by=by, decided_at=clock.now()
        )
        if changed != 1:
            raise already_handled()
        appeal.status = to
        appeal.decision = decision.strip()
        if uphold:
            Rating.objects.filter(pk=appeal.rating_id).update(excluded=True)
            rectification = Rectification.objects.filter(rating_id=appeal.rating_id).first()
            if rectification is not None and rectification.is_open:
                withdrawn = Rectification.objects.filter(pk=rectification.pk, status=Rectification.Status.OPEN).update(
                    status=Rectification.Status.WITHDRAWN, closed_on=clock.today(), closed_by=by
                )
                Deadline.objects.filter(pk=rectification.deadline_id, closed_at__isnull=True).update(
                    closed_at=clock.now()
                )
                if withdrawn:
                    record(
                        "rectification.withdraw",
                        rectification,
                        actor=by,
                        changes={"status": [Rectification.Status.OPEN.value, Rectification.Status.WITHDRAWN.value]},
                    )
        record(
            "rating.appeal_decide",
            appeal,
            actor=by,
            changes={
                "status": [Appeal.Status.PENDING.value, to.value],
                "decision": decision.strip(),
                **({"rating_excluded": [False, True]} if uphold else {}),
            },
        )


# Policy and the deemed ratings ------------------------------------------------------------


def do_save_policy(district: Any, *, by: User, deem_unrated: bool, rectification_days: int) -> RatingPolicy:
    enforce(may_save_policy(by, district))
    with transaction.atomic():
        policy, _created = RatingPolicy.objects.select_for_update().get_or_create(district=district)
        before = {"deem_unrated": policy.deem_unrated, "rectification_days": policy.rectification_days}
        policy.deem_unrated = deem_unrated
        policy.rectification_days = rectification_days
        policy.updated_by = by
        policy.save()
        after = {"deem_unrated": deem_unrated, "rectification_days": rectification_days}
        record(
            "rating.policy",
            policy,
            actor=by,
            changes={k: [before[k], after[k]] for k in after if before[k] != after[k]},
        )
    return policy


def deem_ratings(today: dt.date | None = None, limit: int = 500) -> int:
    """Job: where the district's policy says so, a case still unrated once its rating
    window has ended (``rating_window``: 7 natural days after completion, carried to the
    next working day) counts as 基本满意, rated on the day after the window. Inside the
    window the applicant's own rating is never pre-empted. Idempotent: the unique index
    refuses a second rating, and the candidates exclude rated cases. Returns how many
    were deemed."""
    today = today or clock.today()
    districts = list(RatingPolicy.objects.filter(deem_unrated=True).values_list("district_id", flat=True))
    if not districts:
        return 0
    # A window ends on its 7th day at the earliest: later ones are checked one by one.
    cutoff = today - dt.timedelta(days=DEEM_AFTER_DAYS + 1)
    candidates = (
        Application.objects.filter(
            district_id__in=districts, status=Status.COMPLETED, completed_on__lte=cutoff, completed_on__isnull=False
        )
        .exclude(pk__in=Rating.objects.filter(visit__isnull=True).values("application_id"))
        .select_related("applicant", "district")
        .order_by("completed_on", "pk")[:limit]
    )
    deemed = 0
    for application in candidates:
        window = rating_window(application.completed_on)  # type: ignore[arg-type]
        if today <= window.date:
            continue
        try:
            with transaction.atomic():
                rating = Rating.objects.create(
                    district_id=application.district_id,
                    application=application,
                    department_id=application.department_id,
                    window_id=application.window_id,
                    item_id=application.item_id,
                    level=Level.BASICALLY_SATISFIED,
                    source=Source.DEEMED,
                    rated_on=window.date + dt.timedelta(days=1),
                )
                record(
                    "rating.deem",
                    rating,
                    district=application.district,
                    changes={"level": rating.level, "window_ended": window.date.isoformat()},
                )
        except IntegrityError:
            continue
        deemed += 1
    return deemed
