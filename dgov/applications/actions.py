"""Every transition of an application: one function, one transaction, with its timeline
event, its audit entry and its notification written together.

Concurrency: a transition is a conditional UPDATE (``WHERE status IN (...)``); of two
people acting at once exactly one changes the row, the other gets ``Conflict``
(409 in the API). Creation carries an idempotency key, so a retried or double-clicked
submission returns the first application instead of making a second.
"""

import datetime as dt
import itertools
import secrets
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import translation
from django.utils.translation import gettext as _

from dgov.accounts.models import User
from dgov.applications import loading, rules
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
from dgov.audit import trail
from dgov.audit.trail import entry as audit_entry
from dgov.audit.trail import record
from dgov.lib import clock, fastsql
from dgov.lib.conflicts import Conflict
from dgov.lib.rules import enforce
from dgov.notices import drafting
from dgov.notifications import outbox
from dgov.notifications.outbox import notifications, queue
from dgov.workdays.calendar import add_working_days, default_calendar, working_days_between
from dgov.workdays.models import CountedFrom, Deadline

_NUMBER_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"

# The hand-written writes of the hot path (decision 0011; ``_move`` and ``do_submit``
# say why). Every field of a row an INSERT lists is written as the ORM would write it
# (``fastsql.inserting``); a system check refuses what they would skip on these models.

# A transition: the status moves from the expected one (the last %s) or nothing changes;
# the other columns a transition may set are kept where no value is given (NULL).
MOVE = fastsql.Statement(
    """
    UPDATE applications_application
       SET status = %s,
           updated_at = %s,
           supplemented_on = COALESCE(%s, supplemented_on),
           accepted_on = COALESCE(%s, accepted_on),
           deemed_accepted = COALESCE(%s, deemed_accepted),
           accepted_by_id = COALESCE(%s, accepted_by_id),
           legal_deadline_id = COALESCE(%s, legal_deadline_id),
           promised_deadline_id = COALESCE(%s, promised_deadline_id),
           reviewed_by_id = COALESCE(%s, reviewed_by_id),
           decided_by_id = COALESCE(%s, decided_by_id),
           decided_on = COALESCE(%s, decided_on),
           late_legal_days = COALESCE(%s, late_legal_days),
           late_promised_days = COALESCE(%s, late_promised_days),
           completed_on = COALESCE(%s, completed_on),
           reasons = COALESCE(%s, reasons)
     WHERE id = %s AND status = %s
    RETURNING id
    """
)
INSERT_EVENT = fastsql.Statement(
    """
    INSERT INTO applications_applicationevent (application_id, at, by_id, verb, from_status, to_status, note)
    VALUES (%s, %s, %s, %s, %s, %s, %s)
    RETURNING id
    """
)
INSERT_APPLICATION = fastsql.Statement(
    """
    INSERT INTO applications_application
           (district_id, number, verification_code, item_id, item_version_id, department_id,
            applicant_id, submitted_by_id, channel, window_id, idempotency_key, status,
            received_on, supplemented_on, accepted_on, deemed_accepted, accepted_by_id,
            reviewed_by_id, decided_by_id, decided_on, late_legal_days, late_promised_days,
            completed_on, reasons, legal_deadline_id, promised_deadline_id, clock_stopped,
            extended_days, visits, created_at, updated_at)
    VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s,
            %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)
    RETURNING id
    """
)
INSERT_MATERIAL = fastsql.Statement(
    """
    INSERT INTO applications_submittedmaterial (application_id, material_id, document_id, promised)
    VALUES (%s, %s, %s, %s)
    RETURNING id
    """
)
INSERT_DEADLINE = fastsql.Statement(
    """
    INSERT INTO workdays_deadline
           (district_id, label, start_date, counted_from, working_days, extra_days, stopped_days,
            stopped_since, due_date, base_due_date, provisional, closed_at, created_at)
    VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)
    RETURNING id
    """
)
# A deadline of the application (legal or promised) closed by its decision, if its due
# date is still the one the decision's lateness was computed from (else the decision
# reads it again: ``do_decide``).
CLOSE_DEADLINE = fastsql.Statement(
    """
    UPDATE workdays_deadline SET closed_at = %s WHERE id = %s AND closed_at IS NULL AND due_date = %s
    RETURNING id
    """
)
# The certificates issued on an application with their type, newest first as
# ``Certificate.Meta.ordering``: the completion notice links each. The ORM's query took
# 1.7 ms of CPU against 0.09 ms for this one (measured in one process, PostgreSQL).
CERTIFICATES = fastsql.Statement(
    """
    SELECT c.id, c.district_id, c.application_id, c.certificate_type_id, c.identifier, c.number,
           c.verification_code, c.serial, c.version, c.holder_name, c.holder_code,
           c.holder_code_kind, c.issuer_name, c.issuer_code, c.region, c.item_name, c.issued_on,
           c.valid_from, c.valid_to, c.status, c.status_changed_on, c.file_sha256, c.storage_name,
           c.seal_id, c.seal_metadata, c.seal_value, c.issued_by_id, c.issued_at, c.archived_until,
           t.id, t.district_id, t.code, t.name, t.layout, t.validity_years, t.item_id
      FROM certificates_certificate c
      JOIN certificates_certificatetype t ON t.id = c.certificate_type_id
     WHERE c.application_id = %s
     ORDER BY c.issued_at DESC, c.id DESC
    """
)
# A transition's rows written ahead of its UPDATE (``before``: the acceptance's deadlines,
# which it points at) are written only if the application is still in the expected status,
# its row locked first (``fastsql.Gate``).
GATE = fastsql.Statement("SELECT a.id FROM applications_application a WHERE a.id = %s AND a.status = %s", values=True)
# What a transition may set besides the status (``_move``'s keyword arguments).
TRANSITION_FIELDS = tuple(field.name for field in MOVE.fields[2:])


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
    event = ApplicationEvent(
        application=application, by=by, verb=verb, from_status=from_status, to_status=application.status, note=note
    )
    fastsql.run([fastsql.inserting(INSERT_EVENT, event)])


def _move(
    application: Application,
    *,
    by: User | None,
    to: Status,
    was: Status,
    verb: str,
    note: str = "",
    notice: tuple[str, str] | None = None,
    notice_sms: bool = False,
    before: Sequence[fastsql.Write] = (),
    also: Sequence[fastsql.Write] = (),
    rows: Sequence[Any] = (),
    within: bool = False,
    **fields: Any,
) -> list[Any]:
    """The conditional UPDATE at the heart of every transition (``MOVE``: from ``was`` to
    ``to``, setting ``fields``), written in one statement with ``before`` (INSERTs of
    rows ``fields`` point at), its timeline event, its audit entry, given ``notice``
    (subject, body) the applicant's notifications (also by text message when
    ``notice_sms``), ``also`` and the act's written document when it points at nothing
    unsaved (``drafting.writing``); then the other ``rows`` (unsaved rows of any model: a
    supplement notice, its items and the document pointing at it) through the ORM, in
    order, in the same transaction, and ``application_moved``'s receivers. Returns what
    each of ``also`` returned (its id, or None).

    The statement writes nothing unless the UPDATE changes the row (every other write is
    guarded by it; ``before``, written ahead of it, by a lock of the row in status ``was``:
    ``GATE``): when someone else acted first, ``Conflict`` is raised and nothing is left
    behind. So where nothing else is written with it (no ``rows``, no follower of the
    application: ``loading.followed``) and no transaction is open, on PostgreSQL the
    statement is the transition's whole transaction, without BEGIN and COMMIT
    (``fastsql.alone``); otherwise it runs in one, a savepoint inside a caller's (so that a
    caller catching ``Conflict`` goes on, as ``deem_accepted`` does) unless ``within``: the
    act's own transaction, opened by its ``do_*`` for what it writes after the statement.

    One round trip where the ORM takes four to seven; measured with the lifecycle
    (``bench/README.md``: the steps from 46% to 62–73% of the ceiling)."""
    unknown = set(fields) - set(TRANSITION_FIELDS)
    if unknown:
        raise TypeError(f"MOVE does not set {', '.join(sorted(unknown))}")
    if application.status != was:
        raise already_handled(application)
    event = ApplicationEvent(application=application, by=by, verb=verb, from_status=was, to_status=str(to), note=note)
    trace = audit_entry(
        f"application.{verb}",
        application,
        actor=by,
        changes={"status": [str(was), str(to)], **({"note": note} if note else {})},
    )
    # A row written in ``before`` is pointed at by the id its INSERT returns.
    pending = {id(write.row): fastsql.Ref(n) for n, write in enumerate(before) if write.row is not None}
    given = {name: pending.get(id(fields.get(name)), fields.get(name)) for name in TRANSITION_FIELDS}
    update = fastsql.values(Application, status=to, updated_at=clock.now(), **given)
    documents, rows = drafting.writing(rows)
    writes = [
        *before,
        fastsql.Write(MOVE, [*update, application.pk, was]),
        fastsql.inserting(INSERT_EVENT, event),
        trail.writing(trace),
        *outbox.writing(applicant_notices(application, *notice, sms=notice_sms) if notice else []),
    ]
    first_also = len(writes)
    writes += [*also, *documents]
    gate = fastsql.Gate(GATE, [application.pk, was]) if before else None
    alone = fastsql.alone() and not rows and not loading.followed(application)
    with fastsql.unless_alone(alone, savepoint=not within):
        found = fastsql.run(writes, guard=len(before), gate=gate)
        if found[len(before)] is None:
            raise already_handled(application)
        _create(rows)
        application.status = to
        for name, value in fields.items():
            setattr(application, name, value)
        application_moved.send(Application, application=application, verb=verb, by=by)
    return found[first_also : first_also + len(also)]


def _create(rows: Sequence[Any]) -> None:
    """Insert unsaved ``rows`` through the ORM, in order: each run of rows of one model in
    one INSERT (``bulk_create`` points a row at an earlier one saved before it, e.g. a
    supplement item at its notice)."""
    for _model, run in itertools.groupby(rows, key=type):
        batch = list(run)
        type(batch[0])._default_manager.bulk_create(batch)


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
            # One statement: on PostgreSQL outside a transaction it is its own (a lost
            # race on the key or the number fails it whole); else in a savepoint.
            with fastsql.unless_alone(fastsql.alone(), savepoint=True):
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
                # The application, its materials, timeline event, audit entry and
                # notification in one statement, the rows after it pointing at the id it
                # returns (one round trip where the ORM takes five statements).
                new = fastsql.HEAD_PK  # the id the application's INSERT returns
                notices = applicant_notices(
                    application,
                    _("Application %(number)s received") % {"number": application.number},
                    _("Your application for %(item)s was received on %(date)s. Verification code: %(code)s.")
                    % {"item": version.name, "date": today.isoformat(), "code": application.verification_code},
                )
                fastsql.run(
                    [
                        fastsql.inserting(INSERT_APPLICATION, application),
                        *(
                            fastsql.inserting(
                                INSERT_MATERIAL,
                                SubmittedMaterial(
                                    application=application, material=material, document=document, promised=promised
                                ),
                                application_id=new,
                            )
                            for material, document, promised in materials
                        ),
                        fastsql.inserting(
                            INSERT_EVENT,
                            ApplicationEvent(
                                application=application, by=by, verb="submit", to_status=application.status
                            ),
                            application_id=new,
                        ),
                        fastsql.inserting(
                            trail.ENTRY,
                            audit_entry(
                                "application.submit",
                                application,
                                actor=by,
                                changes={"item": item.code, "channel": channel},
                                object_id=fastsql.HEAD_PK,
                            ),
                        ),
                        *(fastsql.inserting(outbox.NOTIFICATION, row, object_id=new) for row in notices),
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
    # The supervisors' notifications in the transition's statement; the notice, its
    # items and its document after it (the ORM's: one transition in five).
    _move(
        application,
        by=by,
        to=Status.SUPPLEMENT,
        was=Status.SUBMITTED,
        verb="request_supplement",
        note=notice.reason,
        notice=(
            _("Application %(number)s: please supplement your materials") % {"number": application.number},
            _("Please supplement all of the following at once:\n%(list)s") % {"list": listing},
        ),
        also=outbox.writing(told),
        rows=[
            notice,
            *(SupplementItem(notice=notice, material=material, problem=problem) for material, problem in problems),
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
    with transaction.atomic():
        _move(
            application,
            by=by,
            to=Status.SUBMITTED,
            was=Status.SUPPLEMENT,
            verb="supplement",
            supplemented_on=today,
            within=True,
        )
        SupplementNotice.objects.filter(application=application, completed_on__isnull=True).update(completed_on=today)
        # A document handed in again is not repeated.
        SubmittedMaterial.objects.bulk_create(
            [SubmittedMaterial(application=application, material=m, document=d) for m, d in documents],
            ignore_conflicts=True,
        )


def do_refuse(application: Application, *, by: User, reasons: str) -> None:
    enforce(rules.may_refuse(by, application))
    if not reasons.strip():
        raise ValidationError(_("A refusal states its reasons."), code="reasons")
    # 不予受理决定书: no refusal is recorded without it.
    document = drafting.refusal(application, by=by, reasons=reasons)
    _move(
        application,
        by=by,
        to=Status.REFUSED,
        was=Status.SUBMITTED,
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
    legal, promised = _clocks(application, accepted_on, counted_from)
    document = drafting.acceptance(
        application, by=by, accepted_on=accepted_on, deemed=deemed, legal=legal, promised=promised
    )
    _move(
        application,
        by=by,
        # The deadlines in the same statement, first: the transition's UPDATE points at them.
        before=[fastsql.inserting(INSERT_DEADLINE, legal), fastsql.inserting(INSERT_DEADLINE, promised)],
        to=Status.ACCEPTED,
        was=Status.SUBMITTED,
        verb="accept",
        accepted_on=accepted_on,
        accepted_by=by,
        deemed_accepted=deemed,
        legal_deadline=legal,
        promised_deadline=promised,
        rows=drafting.rows(document),
        notice=(
            _("Application %(number)s accepted") % {"number": application.number},
            _("Accepted on %(date)s; the decision is due by %(due)s.")
            % {"date": accepted_on.isoformat(), "due": promised.due_text},
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
    _move(
        application,
        by=by,
        to=Status.REVIEWED,
        was=Status.ACCEPTED,
        verb="review",
        note=note,
        reviewed_by=by,
    )


def _deadline_ids(application: Application) -> list[int]:
    return [pk for pk in (application.legal_deadline_id, application.promised_deadline_id) if pk is not None]


def _closing_clocks(application: Application, dues: dict[int, dt.date], closed_at: dt.datetime) -> list[fastsql.Write]:
    """For ``_move``'s ``also``: the UPDATEs that close the application's open deadlines,
    each only if its due date is still the one in ``dues``."""
    at = fastsql.values(Deadline, closed_at=closed_at)
    return [
        fastsql.Write(CLOSE_DEADLINE, [*at, pk, *fastsql.values(Deadline, due_date=dues.get(pk))])
        for pk in _deadline_ids(application)
    ]


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
    today, now = clock.today(), clock.now()
    document = drafting.decision(application, by=by, approve=approve, reasons=reasons, decided_on=today)
    with transaction.atomic():
        dues = _due_dates(application, loaded=True)
        closed = _move(
            application,
            by=by,
            to=to,
            was=Status.REVIEWED,
            verb="approve" if approve else "deny",
            note=reasons,
            notice=(subject, body),
            also=_closing_clocks(application, dues, now),
            rows=drafting.rows(document),
            within=True,
            decided_by=by,
            decided_on=today,
            reasons=reasons,
            **_lateness(application, today, dues),
        )
        # The lateness goes in the decision's UPDATE, from the due dates read before it (as
        # loaded with the case where they were: the API's read, no query of its own), and
        # the same statement closes each deadline whose due date is still the one read.
        # One that moved in between (an extension committed before the statement took the
        # rows) is left open by it: closed here, its due date read again and the lateness
        # set again (a second row version only in that race). Now that the row is locked
        # and the deadlines closed, nothing can move them any more (an extension needs an
        # open case, the calendar recomputes open deadlines only).
        if None in closed:
            Deadline.objects.filter(pk__in=_deadline_ids(application), closed_at__isnull=True).update(closed_at=now)
            if (again := _due_dates(application)) != dues:
                late = _lateness(application, today, again)
                Application.objects.filter(pk=application.pk).update(**late)
                for name, value in late.items():
                    setattr(application, name, value)


def _due_dates(application: Application, *, loaded: bool = False) -> dict[int, dt.date]:
    """The due dates of the application's two deadlines by id; with ``loaded``, as loaded
    with it where both were (the API's one-statement read), else read now."""
    fields = [Application._meta.get_field(name) for name in ("legal_deadline", "promised_deadline")]
    if loaded and all(field.is_cached(application) for field in fields):  # type: ignore[union-attr]
        deadlines = [field.get_cached_value(application) for field in fields]  # type: ignore[union-attr]
        return {d.pk: d.due_date for d in deadlines if isinstance(d, Deadline)}
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

    from dgov.lib.links import public_url

    lines = [str(_("Your application is completed."))]
    for row in fastsql.fetch(CERTIFICATES, [application.pk]):
        found = fastsql.instances(CERTIFICATES, row)
        certificate = found["c"]
        lines.append(
            _("Your %(name)s %(number)s: %(link)s")
            % {
                "name": found["t"].name,
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
    _move(
        application,
        by=by,
        to=Status.COMPLETED,
        was=Status.APPROVED,
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
