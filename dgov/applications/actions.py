"""Every transition of an application: one function, one transaction, with its timeline
event, its audit entry and its notification written together.

Concurrency: a transition is a conditional UPDATE (``WHERE status IN (...)``); of two
people acting at once exactly one changes the row, the other gets ``Conflict``
(409 in the API). Creation carries an idempotency key, so a retried or double-clicked
submission returns the first application instead of making a second.
"""

import datetime as dt
import secrets
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import translation
from django.utils.translation import gettext as _

from dgov.accounts.models import User
from dgov.applications import rules
from dgov.applications.lateness import days_late
from dgov.applications.models import (
    CLOCK_STATUSES,
    SUPPLEMENT_NOTICE_DAYS,
    Application,
    ApplicationEvent,
    Channel,
    ClockStop,
    Status,
    SubmittedMaterial,
    SupplementItem,
    SupplementNotice,
    Visit,
)
from dgov.applications.rules import already_handled
from dgov.applications.signals import application_moved
from dgov.audit.trail import entry as audit_entry
from dgov.audit.trail import record
from dgov.lib import clock, fastsql
from dgov.lib.conflicts import Conflict
from dgov.lib.rules import enforce
from dgov.notices import drafting
from dgov.notifications.outbox import notifications, queue
from dgov.workdays.calendar import add_working_days, default_calendar, working_days_between
from dgov.workdays.models import CountedFrom, Deadline

_NUMBER_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


def new_number(district_code: str, today: dt.date, *, kind: str = "") -> str:
    """Readable and unique without a shared counter: district, ``kind`` (``N`` for a
    bundle), date, 6 random characters."""
    suffix = "".join(secrets.choice(_NUMBER_ALPHABET) for _ in range(6))
    return f"{district_code}-{kind}{today:%Y%m%d}-{suffix}"


def applicant_notices(case: Any, subject: str, body: str, *, sms: bool = False) -> list[Any]:
    """The notifications that tell the applicant of ``case`` (an application or a bundle
    application), unsaved: in the app and by e-mail when they have an account, by text
    message to the phone on file when they do not, or always when ``sms`` (办结)."""
    applicant = case.applicant
    with translation.override(settings.LANGUAGE_CODE):
        return notifications(
            district=case.district,
            recipient=applicant.user,
            subject=str(subject),
            body=str(body),
            obj=case,
            sms_to=applicant.phone if applicant.user_id is None or sms else "",
        )


def notify_applicant(case: Any, subject: str, body: str) -> None:
    """Tell the applicant of ``case`` (see ``applicant_notices``)."""
    queue(applicant_notices(case, subject, body))


def _event(application: Application, *, by: User | None, verb: str, from_status: str = "", note: str = "") -> None:
    fastsql.insert(
        ApplicationEvent(
            application=application, by=by, verb=verb, from_status=from_status, to_status=application.status, note=note
        )
    )


def _move(
    application: Application,
    *,
    by: User | None,
    to: Status,
    allowed_from: Iterable[Status],
    verb: str,
    note: str = "",
    notice: tuple[str, str] | None = None,
    notice_sms: bool = False,
    also: Sequence[tuple[str, Sequence[Any]]] = (),
    first: Sequence[Any] = (),
    rows: Sequence[Any] = (),
    **fields: Any,
) -> None:
    """The conditional UPDATE at the heart of every transition, written in one statement
    with its timeline event, its audit entry and, given ``notice`` (subject, body), the
    applicant's notifications and further ``rows`` to insert; ``also`` and ``first`` as in
    ``fastsql.update_where``'s ``also`` and ``before``."""
    before = application.status
    event = ApplicationEvent(
        application=application, by=by, verb=verb, from_status=before, to_status=str(to), note=note
    )
    trace = audit_entry(
        f"application.{verb}",
        application,
        actor=by,
        changes={"status": [before, str(to)], **({"note": note} if note else {})},
    )
    written = [event, trace, *(applicant_notices(application, *notice, sms=notice_sms) if notice else []), *rows]
    changed = fastsql.update_where(
        Application,
        application.pk,
        {"status": to, "updated_at": clock.now(), **fields},
        column="status",
        allowed=list(allowed_from),
        then=written,
        also=also,
        before=first,
    )
    if changed != 1:
        raise already_handled(application)
    application.status = to
    for name, value in fields.items():
        setattr(application, name, value)
    application_moved.send(Application, application=application, verb=verb, by=by)


# Creation ------------------------------------------------------------------------------


def do_submit(
    *,
    item: Any,
    applicant: Any,
    by: User,
    channel: Channel,
    idempotency_key: str,
    materials: Sequence[tuple[Any, Any, bool]] = (),
    window: Any = None,
    today: dt.date | None = None,
    looked_up: bool = False,
) -> tuple[Application, bool]:
    """File an application under the item's current version. ``materials`` holds
    (material, document or None, promised-later). Returns (application, created).
    ``looked_up``: the caller has just searched for the key and found nothing (the
    unique constraint still decides a race)."""
    enforce(rules.may_submit(by, item, applicant))
    if not idempotency_key:
        raise ValidationError(_("A submission needs an idempotency key."), code="idempotency")
    if not looked_up:
        existing = Application.objects.filter(submitted_by=by, idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing, False
    version = item.current_version
    today = today or clock.today()
    for _attempt in range(5):
        try:
            with transaction.atomic():
                application = Application(
                    district=item.district,
                    number=new_number(item.district.code, today),
                    verification_code=f"{secrets.randbelow(10**6):06d}",
                    item=item,
                    item_version=version,
                    department_id=version.department_id,
                    applicant=applicant,
                    submitted_by=by,
                    channel=channel,
                    window=window,
                    idempotency_key=idempotency_key,
                    received_on=today,
                )
                notices = applicant_notices(
                    application,
                    _("Application %(number)s received") % {"number": application.number},
                    _("Your application for %(item)s was received on %(date)s. Verification code: %(code)s.")
                    % {"item": version.name, "date": today.isoformat(), "code": application.verification_code},
                )
                for notice in notices:
                    notice.object_id = fastsql.HEAD_PK
                # The application with its materials, timeline event, audit entry and
                # notification: one statement on PostgreSQL.
                fastsql.insert_together(
                    [
                        application,
                        *(
                            SubmittedMaterial(
                                application=application, material=material, document=document, promised=promised
                            )
                            for material, document, promised in materials
                        ),
                        ApplicationEvent(application=application, by=by, verb="submit", to_status=application.status),
                        audit_entry(
                            "application.submit",
                            application,
                            actor=by,
                            changes={"item": item.code, "channel": channel},
                            object_id=fastsql.HEAD_PK,
                        ),
                        *notices,
                    ]
                )
                return application, True
        except IntegrityError:
            # Either the same key arrived twice at once (return the first), or the random
            # number collided (try another).
            existing = Application.objects.filter(submitted_by=by, idempotency_key=idempotency_key).first()
            if existing is not None:
                return existing, False
    raise RuntimeError("could not allocate an application number")


# Intake (window clerk) -----------------------------------------------------------------


def do_request_supplement(
    application: Application, *, by: User, problems: Sequence[tuple[Any, str]], reason: str = ""
) -> SupplementNotice:
    """One notice that lists every missing or faulty material (一次性告知, Art. 32). A
    second notice, after the supplement (``rules.may_request_supplement``), states in
    ``reason`` why the first could not have named it; the centre's supervisors are told."""
    enforce(rules.may_request_supplement(by, application))
    if not problems:
        raise ValidationError(_("List at least one missing or faulty material."), code="empty")
    further = rules.further_notice(application)
    if further and not reason.strip():
        raise ValidationError(
            _(
                "The supplement is in: a second notice must say why the first notice could not have named "
                "this material."
            ),
            code="reason",
        )
    today = clock.today()
    listing = "\n".join(
        f"{n}. {material.name}: {problem}" if material is not None else f"{n}. {problem}"
        for n, (material, problem) in enumerate(problems, 1)
    )
    notice = SupplementNotice(
        application=application, issued_on=today, issued_by=by, reason=reason.strip() if further else ""
    )
    told = _supervisors_told(application, listing, notice.reason) if further else []
    document = drafting.supplement(application, by=by, supplement_notice=notice, problems=problems)
    with transaction.atomic():
        # The notice, its items and its document are written in the transition's statement.
        _move(
            application,
            by=by,
            to=Status.SUPPLEMENT,
            allowed_from=[Status.SUBMITTED],
            verb="request_supplement",
            note=notice.reason,
            notice=(
                _("Application %(number)s: please supplement your materials") % {"number": application.number},
                _("Please supplement all of the following at once:\n%(list)s") % {"list": listing},
            ),
            rows=[
                notice,
                *(SupplementItem(notice=notice, material=material, problem=problem) for material, problem in problems),
                *told,
                *drafting.rows(document),
            ],
        )
    return notice


def _supervisors_told(application: Application, listing: str, reason: str) -> list[Any]:
    """The notifications that show a second supplement notice to the centre's supervisors."""
    from django.contrib.auth import get_user_model

    from dgov.accounts.roles import Role

    rows: list[Any] = []
    supervisors = get_user_model().objects.filter(
        district_id=application.district_id, is_active=True, groups__name=Role.CENTRE_SUPERVISOR.value
    )
    with translation.override(settings.LANGUAGE_CODE):
        for supervisor in supervisors.distinct():
            rows += notifications(
                district=application.district,
                recipient=supervisor,
                subject=str(_("Application %(number)s: a second supplement notice") % {"number": application.number}),
                body=str(
                    _("Why the first notice could not name it: %(reason)s\n%(list)s")
                    % {"reason": reason, "list": listing}
                ),
                obj=application,
            )
    return rows


def do_supplement(application: Application, *, by: User, documents: Sequence[tuple[Any, Any]]) -> None:
    """The applicant hands in the supplement; the day it is complete becomes the day the
    acceptance clock counts from (Art. 32)."""
    enforce(rules.may_supplement(by, application))
    today = clock.today()
    handed_in = [SubmittedMaterial(application=application, material=m, document=d) for m, d in documents]
    # Materials on paper (no document) cannot repeat a row: they go in the transition's
    # statement; an uploaded document handed in again is skipped (ignore_conflicts).
    on_paper = all(d is None for _m, d in documents)
    completing = fastsql.update_statement(
        SupplementNotice, {"completed_on": today}, {"application": application.pk, "completed_on": None}
    )
    with transaction.atomic():
        _move(
            application,
            by=by,
            to=Status.SUBMITTED,
            allowed_from=[Status.SUPPLEMENT],
            verb="supplement",
            also=[completing],
            rows=handed_in if on_paper else [],
            supplemented_on=today,
        )
        if not on_paper:
            SubmittedMaterial.objects.bulk_create(handed_in, ignore_conflicts=True)


def do_refuse(application: Application, *, by: User, reasons: str) -> None:
    enforce(rules.may_refuse(by, application))
    if not reasons.strip():
        raise ValidationError(_("A refusal states its reasons."), code="reasons")
    # 不予受理决定书: no refusal is recorded without it.
    document = drafting.refusal(application, by=by, reasons=reasons)
    with transaction.atomic():
        _move(
            application,
            by=by,
            to=Status.REFUSED,
            allowed_from=[Status.SUBMITTED],
            verb="refuse",
            note=reasons,
            notice=(
                _("Application %(number)s not accepted") % {"number": application.number},
                _("Reasons: %(reasons)s") % {"reasons": reasons},
            ),
            rows=drafting.rows(document),
            reasons=reasons,
        )


def acceptance_day(application: Application, today: dt.date) -> tuple[dt.date, bool, str]:
    """The day the clocks count from, whether acceptance is deemed, and what that day is
    (``CountedFrom``), by Art. 32: the supplement day once a supplement is complete (deemed
    when nobody acted within the 5 working days after it); the day of receipt when no
    notice came within 5 working days of it; else today."""
    if today > application.supplement_notice_due():
        if application.supplemented_on is not None:
            return application.supplemented_on, True, CountedFrom.SUPPLEMENTED
        return application.received_on, True, CountedFrom.RECEIVED
    if application.supplemented_on is not None:
        return application.supplemented_on, False, CountedFrom.SUPPLEMENTED
    return today, False, CountedFrom.ACCEPTED


def _clocks(application: Application, accepted_on: dt.date, counted_from: str) -> tuple[Deadline, Deadline]:
    """The legal and promised deadlines counted from ``accepted_on``, unsaved: the
    acceptance's statement inserts them and points the application at them."""
    # The process-wide calendar (cached WORKDAYS_CACHE_SECONDS): a calendar edit reaches
    # every process within that time, and do_set_day recomputes the open deadlines it moves.
    version = application.item_version
    deadlines = []
    for label, days in (("legal", version.legal_limit_days), ("promised", version.promised_limit_days)):
        deadline = Deadline(
            district_id=application.district_id,
            label=f"{application.number} {label}",
            start_date=accepted_on,
            counted_from=counted_from,
            working_days=days,
        )
        deadline.apply(deadline.compute_due(default_calendar))
        deadlines.append(deadline)
    legal, promised = deadlines
    return legal, promised


def do_accept(application: Application, *, by: User | None, today: dt.date | None = None) -> None:
    """Accept at the window; ``by`` None: deemed accepted by the platform (Art. 32)."""
    if by is not None:
        enforce(rules.may_accept(by, application))
    today = today or clock.today()
    accepted_on, deemed, counted_from = acceptance_day(application, today)
    with transaction.atomic():
        legal, promised = _clocks(application, accepted_on, counted_from)
        document = drafting.acceptance(
            application, by=by, accepted_on=accepted_on, deemed=deemed, legal=legal, promised=promised
        )
        _move(
            application,
            by=by,
            to=Status.ACCEPTED,
            allowed_from=[Status.SUBMITTED],
            verb="accept",
            accepted_on=accepted_on,
            accepted_by=by,
            deemed_accepted=deemed,
            legal_deadline=legal,
            promised_deadline=promised,
            first=[legal, promised],
            rows=drafting.rows(document),
            notice=(
                _("Application %(number)s accepted") % {"number": application.number},
                _("Accepted on %(date)s; the decision is due by %(due)s.")
                % {"date": accepted_on.isoformat(), "due": promised.due_date.isoformat()},
            ),
        )


def deem_accepted(today: dt.date | None = None, limit: int = 500) -> int:
    """Job: an application left without a supplement notice for 5 working days after its
    receipt counts as accepted on the day it was received; one left unaccepted for 5
    working days after its supplement counts as accepted on the supplement day (Art.
    32). Returns how many were moved."""
    today = today or clock.today()
    # A day x is past its 5 working days when x is before the 5th working day before today.
    latest = today
    for _n in range(SUPPLEMENT_NOTICE_DAYS):
        latest = default_calendar.previous_working_day(latest)
    cutoff = latest - dt.timedelta(days=1)
    moved = 0
    candidates = (
        Application.objects.filter(status=Status.SUBMITTED)
        .filter(Q(supplemented_on__isnull=True, received_on__lte=cutoff) | Q(supplemented_on__lte=cutoff))
        .select_related("item_version", "applicant", "district")
        .order_by("received_on", "pk")[:limit]
    )
    for application in candidates:
        if today <= application.supplement_notice_due():
            continue
        try:
            do_accept(application, by=None, today=today)
        except Conflict:
            continue
        moved += 1
    return moved


# Review and decision -------------------------------------------------------------------


def do_review(application: Application, *, by: User, note: str = "") -> None:
    enforce(rules.may_review(by, application))
    with transaction.atomic():
        _move(
            application,
            by=by,
            to=Status.REVIEWED,
            allowed_from=[Status.ACCEPTED],
            verb="review",
            note=note,
            reviewed_by=by,
        )


def _closing_clocks(application: Application) -> list[tuple[str, list[Any]]]:
    """The UPDATE that closes the application's open deadlines, for ``_move``'s ``also``."""
    ids = [i for i in (application.legal_deadline_id, application.promised_deadline_id) if i]
    if not ids:
        return []
    return [fastsql.update_statement(Deadline, {"closed_at": clock.now()}, {"id": ids, "closed_at": None})]


def do_decide(application: Application, *, by: User, approve: bool, reasons: str = "") -> None:
    """Approve or deny (``rules.may_decide``); a denial states its reasons."""
    enforce(rules.may_decide(by, application))
    if not approve and not reasons.strip():
        raise ValidationError(_("A denial states its reasons."), code="reasons")
    to = Status.APPROVED if approve else Status.DENIED
    if approve:
        subject = _("Application %(number)s approved") % {"number": application.number}
        body = _("Your application was approved; the result will be issued at the exit window or online.")
    else:
        subject = _("Application %(number)s denied") % {"number": application.number}
        body = _("Reasons: %(reasons)s") % {"reasons": reasons}
    today = clock.today()
    document = drafting.decision(application, by=by, approve=approve, reasons=reasons, decided_on=today)
    with transaction.atomic():
        dues = _due_dates(application)
        _move(
            application,
            by=by,
            to=to,
            allowed_from=[Status.REVIEWED],
            verb="approve" if approve else "deny",
            note=reasons,
            notice=(subject, body),
            also=_closing_clocks(application),
            rows=drafting.rows(document),
            decided_by=by,
            decided_on=today,
            reasons=reasons,
            **_lateness(application, today, dues),
        )
        # The lateness goes in the decision's UPDATE, from the due dates read before it. Now
        # that the row is locked and the deadlines closed, nothing can move them any more
        # (an extension needs an open case, the calendar recomputes open deadlines only);
        # one that moved in between (committed before the UPDATE took the row) is read
        # again here and the lateness set again: a second row version only in that race.
        if (again := _due_dates(application)) != dues:
            late = _lateness(application, today, again)
            Application.objects.filter(pk=application.pk).update(**late)
            for name, value in late.items():
                setattr(application, name, value)


def _due_dates(application: Application) -> dict[int, dt.date]:
    ids = [i for i in (application.legal_deadline_id, application.promised_deadline_id) if i]
    return dict(Deadline.objects.filter(pk__in=ids).values_list("pk", "due_date")) if ids else {}


def _lateness(application: Application, today: dt.date, dues: dict[int, dt.date]) -> dict[str, Any]:
    """How late a decision today comes against each limit (``lateness``)."""
    return {
        "late_legal_days": days_late(today, dues.get(application.legal_deadline_id)),  # type: ignore[arg-type]
        "late_promised_days": days_late(today, dues.get(application.promised_deadline_id)),  # type: ignore[arg-type]
    }


def completion_notice(application: Application) -> str:
    """办结: what the applicant is told, with the links (through ``DGOV_PUBLIC_URL``) to
    rate the service and to each certificate issued (one query: the certificates)."""
    from django.urls import reverse

    from dgov.certificates.models import Certificate
    from dgov.lib.links import public_url

    lines = [str(_("Your application is completed."))]
    for certificate in Certificate.objects.filter(application=application).select_related("certificate_type"):
        lines.append(
            _("Your %(name)s %(number)s: %(link)s")
            % {
                "name": certificate.certificate_type.name,
                "number": certificate.number,
                "link": public_url(reverse("certificates:verify_code", args=[certificate.verification_code])),
            }
        )
    lines.append(
        _("Rate the service: %(link)s") % {"link": public_url(reverse("ratings:rate_case", args=[application.pk]))}
    )
    return "\n".join(lines)


def do_complete(application: Application, *, by: User) -> None:
    enforce(rules.may_complete(by, application))
    with transaction.atomic():
        _move(
            application,
            by=by,
            to=Status.COMPLETED,
            allowed_from=[Status.APPROVED],
            verb="complete",
            notice=(
                _("Application %(number)s completed") % {"number": application.number},
                completion_notice(application),
            ),
            notice_sms=True,
            completed_on=clock.today(),
        )


# Clocks --------------------------------------------------------------------------------


def stop_key(stop: ClockStop) -> str:
    """The key of a clock stop on every deadline it stops (``DeadlineStop.key``)."""
    return f"application-stop:{stop.pk}"


def stated_procedure(application: Application, procedure: str) -> Any:
    """The special procedure of the item's guide named ``procedure``; None when the guide
    states none (nothing to check against). A guide that states some refuses any other."""
    stated = list(application.item_version.procedures.all())
    if not stated:
        return None
    found = next((p for p in stated if p.name == procedure.strip()), None)
    if found is None:
        raise ValidationError(
            _("This item's special procedures are: %(names)s.") % {"names": "、".join(p.name for p in stated)},
            code="procedure",
        )
    return found


def do_stop_clock(
    application: Application,
    *,
    by: User,
    procedure: str,
    expected_days: int,
    notice: str,
    counts_toward_limit: bool = False,
) -> ClockStop:
    """A special procedure stops the clock (Art. 45); the applicant gets the written notice.
    Unless the procedure counts toward the limit, the case's deadlines stop, and with them
    every deadline that follows them (a bundle's joint limit, the green channel's date).

    When the item's guide states its special procedures, the stop must be one of them, is
    expected to take at most the stated maximum, and counts toward the limit or not as the
    guide says (``stated_procedure``)."""
    from dgov.workdays.actions import do_stop_deadlines

    enforce(rules.may_stop_clock(by, application))
    if not notice.strip():
        raise ValidationError(
            _("The applicant must be told in writing how long it is expected to take."), code="notice"
        )
    today = clock.today()
    stated = stated_procedure(application, procedure)
    if stated is not None:
        if expected_days > stated.max_days:
            raise ValidationError(
                _("%(procedure)s takes at most %(max)d working days for this item; %(days)d were asked for.")
                % {"procedure": stated.name, "max": stated.max_days, "days": expected_days},
                code="too_long",
            )
        counts_toward_limit = stated.counts_toward_limit
    with transaction.atomic():
        changed = Application.objects.filter(pk=application.pk, status__in=CLOCK_STATUSES, clock_stopped=False).update(
            clock_stopped=True
        )
        if changed != 1:
            raise already_handled(application)
        application.clock_stopped = True
        stop = ClockStop.objects.create(
            application=application,
            procedure=procedure,
            started_on=today,
            expected_days=expected_days,
            notice=notice,
            counts_toward_limit=counts_toward_limit,
            started_by=by,
        )
        if not counts_toward_limit:
            do_stop_deadlines(
                [application.legal_deadline, application.promised_deadline],
                key=stop_key(stop),
                reason=f"{application.number} {procedure}",
                on=today,
                by=by,
            )
        drafting.save(drafting.special_procedure(application, by=by, stop=stop))
        _event(application, by=by, verb="stop_clock", note=f"{procedure}: {notice}")
        record(
            "application.stop_clock",
            application,
            actor=by,
            changes={"procedure": procedure, "expected_days": expected_days},
        )
        notify_applicant(
            application,
            _("Application %(number)s: %(procedure)s") % {"number": application.number, "procedure": procedure},
            notice,
        )
    return stop


def do_resume_clock(application: Application, *, by: User, today: dt.date | None = None) -> ClockStop:
    """The clock runs again; unless the procedure counts toward the limit, every deadline
    it stopped moves by the working days stopped (``do_resume_deadlines``)."""
    from dgov.workdays.actions import do_resume_deadlines

    enforce(rules.may_resume_clock(by, application))
    today = today or clock.today()
    with transaction.atomic():
        changed = Application.objects.filter(pk=application.pk, clock_stopped=True).update(clock_stopped=False)
        if changed != 1:
            raise already_handled(application)
        application.clock_stopped = False
        stop = ClockStop.objects.get(application=application, ended_on__isnull=True)
        stop.ended_on = today
        stop.days_stopped = max(working_days_between(stop.started_on, today), 0)
        stop.save(update_fields=["ended_on", "days_stopped"])
        # The clock stands still for at most the guide's maximum: days beyond it count.
        stated = next((p for p in application.item_version.procedures.all() if p.name == stop.procedure), None)
        excused = min(stop.days_stopped, stated.max_days) if stated is not None else stop.days_stopped
        if not stop.counts_toward_limit:
            # The deadlines' stop ends on the last excused working day (today when uncapped).
            end = today if excused == stop.days_stopped else add_working_days(stop.started_on, excused).date
            do_resume_deadlines(stop_key(stop), on=min(end, today) if excused else stop.started_on, by=by)
        _event(application, by=by, verb="resume_clock", note=stop.procedure)
        record("application.resume_clock", application, actor=by, changes={"days_stopped": stop.days_stopped})
    return stop


def do_extend(application: Application, *, by: User, days: int, reason: str) -> None:
    """Extend the decision limit (Art. 42: by the agency head, at most 10 working days,
    the reason told to the applicant), while the limit runs. The promised date moves too;
    the promise as made stays on the deadline (``base_due_date``) for the competition."""
    from dgov.workdays.actions import do_extend_deadline

    enforce(rules.may_extend(by, application))
    rules.EXTENSION.check(application.extended_days, days, reason)
    today = clock.today()
    with transaction.atomic():
        changed = Application.objects.filter(
            pk=application.pk, status__in=CLOCK_STATUSES, extended_days=application.extended_days
        ).update(extended_days=F("extended_days") + days)
        if changed != 1:
            raise already_handled(application)
        application.extended_days += days
        legal = application.legal_deadline
        before = legal.compute_due() if legal is not None else None
        for deadline in (legal, application.promised_deadline):
            # A promise already broken stays broken: only a running limit is extended.
            if deadline is not None and not deadline.ended(today):
                extended = do_extend_deadline(deadline, days=days, reason=reason, by=by, today=today)
                if deadline is legal and before is not None:
                    # 延长办理期限告知书: the reason and the new date (Art. 42).
                    drafting.save(
                        drafting.extension(
                            application, by=by, days=days, reason=reason, before=before, after=extended.compute_due()
                        )
                    )
        _event(application, by=by, verb="extend", note=reason)
        record("application.extend", application, actor=by, changes={"days": days, "reason": reason})
        notify_applicant(
            application,
            _("Application %(number)s: time limit extended") % {"number": application.number},
            _("The time limit is extended by %(days)d working days. Reason: %(reason)s")
            % {"days": days, "reason": reason},
        )


def do_check_in(application: Application, *, by: User, window: Any = None) -> Visit:
    """The applicant checks in at a window: one more visit in person."""
    enforce(rules.may_check_in(by, application))
    with transaction.atomic():
        visit = Visit.objects.create(application=application, window=window or by.window, clerk=by)
        Application.objects.filter(pk=application.pk).update(visits=F("visits") + 1)
        application.refresh_from_db(fields=["visits"])
        _event(application, by=by, verb="check_in")
        record("application.check_in", application, actor=by, changes={"visits": application.visits})
    return visit
