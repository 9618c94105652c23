"""Every act of project service and of the green channel: one function, one transaction,
its audit entry written with it (全程留痕).

Who may act: each ``do_*`` enforces its predicate of ``rules`` first (403 with the
reason, or 409 for a step already done).

Concurrency: state changes are conditional UPDATEs (``WHERE status = …``); of two people
acting at once one wins and the other gets ``Conflict``. A contact is counted once
(``counted_at IS NULL``), and the project's last counted contact only moves forward.
"""

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from dgov.accounts.models import User
from dgov.accounts.roles import Role
from dgov.audit.trail import record
from dgov.investment.models import Project, Stage
from dgov.lib import clock
from dgov.lib.conflicts import Conflict
from dgov.lib.rules import enforce
from dgov.lib.signing import LinkExpired, LinkInvalid, link_token, read_link_token
from dgov.secretaries import rules
from dgov.secretaries.models import (
    AssignmentChange,
    Contact,
    Engagement,
    EnterpriseIssue,
    GreenChannelCase,
    IssueStatus,
    IssueStep,
    Level,
    Method,
    Rating,
    Secretaryship,
)
from dgov.secretaries.rules import enterprise_may_answer
from dgov.workdays.actions import do_close_deadline, do_create_deadline
from dgov.workdays.lights import Light
from dgov.workdays.models import CountedFrom, Deadline

T = TypeVar("T")
CONFIRM_PURPOSE = "secretaries.contact.confirm"
RATE_PURPOSE = "secretaries.issue.rate"
LINK_MAX_AGE = 60 * 60 * 24 * 30  # a confirmation or rating link works for 30 days


def already_handled() -> Conflict:
    """Somebody else acted first."""
    return Conflict(_("This was already handled by someone else."))


def _staff_with_role(user: Any, role: Role, district_id: int) -> bool:
    return user.kind == User.Kind.STAFF and user.district_id == district_id and user.has_role(role)


# Assignment ------------------------------------------------------------------------------


def do_assign(
    project: Project, *, secretary: User, leader: User, by: User, reason: str = "", today: dt.date | None = None
) -> Secretaryship:
    """Name the key project's secretary and responsible leader, or reassign them; the
    previous holders stay in the trail."""
    enforce(rules.may_assign(by, project))
    if not _staff_with_role(secretary, Role.PROJECT_SECRETARY, project.district_id):
        raise ValidationError(_("The secretary must be a project secretary of this district."), code="secretary")
    if not _staff_with_role(leader, Role.DISTRICT_LEADER, project.district_id):
        raise ValidationError(_("The responsible leader must be a district leader."), code="leader")
    today = today or clock.today()
    with transaction.atomic():
        current = Secretaryship.objects.select_for_update().filter(project=project).first()
        if current is None:
            try:
                with transaction.atomic():
                    current = Secretaryship.objects.create(
                        district_id=project.district_id,
                        project=project,
                        secretary=secretary,
                        leader=leader,
                        assigned_on=today,
                        stage_when_assigned=project.stage,
                        last_contact_on=today,
                    )
            except IntegrityError:
                raise already_handled() from None
            before_secretary, before_leader = None, None
        else:
            if current.secretary_id == secretary.pk and current.leader_id == leader.pk:
                raise ValidationError(_("Nothing changes: they already answer for this project."), code="same")
            if not reason.strip():
                raise ValidationError(_("A reassignment states its reason."), code="reason")
            before_secretary, before_leader = current.secretary, current.leader
            if current.secretary_id != secretary.pk:
                # The new secretary's scorecard measures progress from the day they took over.
                current.assigned_on, current.stage_when_assigned = today, project.stage
            current.secretary, current.leader = secretary, leader
            current.save()
        AssignmentChange.objects.create(
            secretaryship=current,
            from_secretary=before_secretary,
            to_secretary=secretary,
            from_leader=before_leader,
            to_leader=leader,
            reason=reason,
            by=by,
        )
        record(
            "secretaries.assign",
            current,
            actor=by,
            changes={
                "secretary": [getattr(before_secretary, "pk", None), secretary.pk],
                "leader": [getattr(before_leader, "pk", None), leader.pk],
                **({"reason": reason} if reason else {}),
            },
        )
    return current


# Contacts --------------------------------------------------------------------------------


def _by_key(rows: Any, idempotency_key: str) -> Any:
    """What a repeated submission (the same key, the same person) already recorded."""
    return rows.filter(idempotency_key=idempotency_key).first() if idempotency_key else None


def _once(rows: Any, idempotency_key: str, create: Callable[[], T]) -> T:
    """Create, or return what the same submission made a moment before: when two arrive
    at once, the unique index on (person, key) lets one in and the other finds it."""
    try:
        with transaction.atomic():
            return create()
    except IntegrityError:
        existing = _by_key(rows, idempotency_key)
        if existing is None:
            raise
        return existing  # type: ignore[no-any-return]


def contact_by_key(by: User, idempotency_key: str) -> Contact | None:
    """The contact a repeated submission (same key, same secretary) already recorded."""
    return _by_key(Contact.objects.filter(secretary=by), idempotency_key)  # type: ignore[no-any-return]


def do_log_contact(
    project: Project,
    *,
    by: User,
    on: dt.date,
    method: str,
    people: str,
    discussion: str,
    issues_raised: str = "",
    documents: Sequence[Any] = (),
    idempotency_key: str = "",
    today: dt.date | None = None,
) -> Contact:
    """Record a contact; with evidence attached it counts at once, otherwise when the
    enterprise confirms it. A repeated submission (same key) returns the first contact."""
    enforce(rules.may_serve(by, project))
    secretaryship = Secretaryship.of(project)
    assert secretaryship is not None  # may_serve: the project's own secretary
    existing = contact_by_key(by, idempotency_key)
    if existing is not None:
        return existing
    today = today or clock.today()
    if on > today:
        raise ValidationError(_("A contact cannot be dated in the future."), code="future")
    if on < secretaryship.assigned_on - dt.timedelta(days=30):
        raise ValidationError(_("A contact cannot be dated before the project had its secretary."), code="past")
    if method not in Method.values:
        raise ValidationError(_("Choose how the contact took place."), code="method")
    return _once(
        Contact.objects.filter(secretary=by),
        idempotency_key,
        lambda: _create_contact(project, by, on, method, people, discussion, issues_raised, documents, idempotency_key),
    )


def _create_contact(
    project: Project,
    by: User,
    on: dt.date,
    method: str,
    people: str,
    discussion: str,
    issues_raised: str,
    documents: Sequence[Any],
    idempotency_key: str,
) -> Contact:
    with transaction.atomic():
        contact = Contact.objects.create(
            district_id=project.district_id,
            project=project,
            secretary=by,
            on=on,
            method=method,
            people=people,
            discussion=discussion,
            issues_raised=issues_raised,
            idempotency_key=idempotency_key,
        )
        if documents:
            contact.attachments.add(*documents)
        record(
            "secretaries.contact.log",
            contact,
            actor=by,
            changes={"on": on.isoformat(), "method": method, "attachments": len(documents)},
        )
        if documents:
            _count(contact, by=by, why="evidence")
    return contact


def do_attach_evidence(contact: Contact, *, by: User, documents: Sequence[Any]) -> None:
    enforce(rules.may_serve(by, contact.project))
    if not documents:
        raise ValidationError(_("Attach at least one file."), code="empty")
    with transaction.atomic():
        contact.attachments.add(*documents)
        record("secretaries.contact.evidence", contact, actor=by, changes={"attachments": len(documents)})
        _count(contact, by=by, why="evidence")


def do_confirm_contact(contact: Contact, *, name: str, user: User | None = None) -> bool:
    """The enterprise confirms the contact (through the signed link, or as its user).
    Returns False when it was confirmed before (nothing changes)."""
    enforce(rules.may_confirm_contact(user, contact))
    if not enterprise_may_answer(user, contact.project):
        user = None  # somebody holding the link: the link answers for the enterprise
    name = name.strip() or (str(user) if user is not None else "")
    if not name:
        raise ValidationError(_("Say who confirms for the enterprise."), code="name")
    with transaction.atomic():
        changed = Contact.objects.filter(pk=contact.pk, confirmed_at__isnull=True).update(
            confirmed_at=clock.now(), confirmed_by_name=name[:100]
        )
        if not changed:
            return False
        contact.refresh_from_db(fields=["confirmed_at", "confirmed_by_name"])
        record(
            "secretaries.contact.confirm",
            contact,
            actor=user,
            district=contact.district,
            changes={"confirmed_by": name[:100], "via": "user" if user is not None else "link"},
        )
        _count(contact, by=user, why="confirmed")
    return True


def _count(contact: Contact, *, by: User | None, why: str) -> None:
    """Count the contact toward the weekly rule, once; move the project's last contact
    forward (never back) and mark the month's visit or the quarter's meeting as held."""
    if not Contact.objects.filter(pk=contact.pk, counted_at__isnull=True).update(counted_at=clock.now()):
        return
    Secretaryship.objects.filter(project_id=contact.project_id).update(counted_contacts=F("counted_contacts") + 1)
    Secretaryship.objects.filter(project_id=contact.project_id, last_contact_on__lt=contact.on).update(
        last_contact_on=contact.on
    )
    kind = {Method.VISIT: Engagement.Kind.MONTHLY_VISIT, Method.MEETING: Engagement.Kind.QUARTERLY_MEETING}.get(
        Method(contact.method)
    )
    if kind is not None:
        Engagement.objects.filter(
            project_id=contact.project_id, kind=kind, period_start=period_start(kind, contact.on), held_by__isnull=True
        ).update(held_by=contact)
    record("secretaries.contact.count", contact, actor=by, district=contact.district, changes={"why": why})


def confirmation_token(contact: Contact) -> str:
    return link_token(CONFIRM_PURPOSE, {"contact": contact.pk})


def contact_from_token(token: str) -> Contact | None:
    return _from_token(Contact.objects.all(), CONFIRM_PURPOSE, "contact", token)


def _from_token(rows: Any, purpose: str, key: str, token: str) -> Any:
    """The row a signed link names (None when forged, expired or gone)."""
    try:
        data = read_link_token(purpose, token, LINK_MAX_AGE)
    except (LinkExpired, LinkInvalid):
        return None
    return rows.select_related("project", "district").filter(pk=data.get(key)).first()


# Visits and meetings ---------------------------------------------------------------------


def period_start(kind: str, day: dt.date) -> dt.date:
    if kind == Engagement.Kind.MONTHLY_VISIT:
        return day.replace(day=1)
    return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def do_schedule(project: Project, *, by: User, kind: str, planned_on: dt.date) -> Engagement:
    """Plan the month's visit or the quarter's meeting (one of each per period)."""
    enforce(rules.may_serve(by, project))
    if kind not in Engagement.Kind.values:
        raise ValidationError(_("Choose a visit or a meeting."), code="kind")
    start = period_start(kind, planned_on)
    try:
        with transaction.atomic():
            engagement = Engagement.objects.create(
                district_id=project.district_id,
                project=project,
                kind=kind,
                period_start=start,
                planned_on=planned_on,
                created_by=by,
            )
            # A visit or meeting already held and counted in that period fulfils it.
            method = Method.VISIT if kind == Engagement.Kind.MONTHLY_VISIT else Method.MEETING
            held = (
                Contact.objects.counted()
                .filter(project=project, method=method, on__gte=start, on__lte=engagement.period_end)
                .order_by("on")
                .first()
            )
            if held is not None:
                engagement.held_by = held
                engagement.save(update_fields=["held_by"])
            record(
                "secretaries.schedule",
                engagement,
                actor=by,
                changes={"kind": kind, "planned_on": planned_on.isoformat()},
            )
    except IntegrityError:
        raise ValidationError(
            _("This project already has its %(kind)s for that period.") % {"kind": Engagement.Kind(kind).label.lower()},
            code="duplicate",
        ) from None
    return engagement


# Enterprise issues -----------------------------------------------------------------------


def _deadline(issue_label: str, district_id: int, level: str, start: dt.date) -> Deadline:
    """A level's time limit, counted from the day the issue reached it."""
    return do_create_deadline(
        district=district_id,
        label=issue_label,
        start_date=start,
        counted_from=CountedFrom.ROUTED,
        working_days=rules.issue_days(level),
    )


def _check_department(department: Any, project: Project) -> None:
    if department is None:
        raise ValidationError(_("Choose the department the issue goes to."), code="department")
    if department.district_id != project.district_id:
        raise ValidationError(_("The department must belong to the project's district."), code="department")


def do_raise_issue(
    project: Project,
    *,
    by: User,
    kind: str,
    title: str,
    department: Any,
    description: str = "",
    contact: Contact | None = None,
    idempotency_key: str = "",
    today: dt.date | None = None,
) -> EnterpriseIssue:
    """Route the enterprise's issue to a department, with a deadline in working days.
    A repeated submission (same key) returns the first issue."""
    enforce(rules.may_serve(by, project))
    mine = EnterpriseIssue.objects.filter(raised_by=by)
    existing = _by_key(mine, idempotency_key)
    if existing is not None:
        return existing  # type: ignore[no-any-return]
    _check_department(department, project)
    if contact is not None and contact.project_id != project.pk:
        raise ValidationError(_("That contact belongs to another project."), code="contact")
    today = today or clock.today()
    return _once(
        mine,
        idempotency_key,
        lambda: _create_issue(project, by, kind, title, department, description, contact, idempotency_key, today),
    )


def _create_issue(
    project: Project,
    by: User,
    kind: str,
    title: str,
    department: Any,
    description: str,
    contact: Contact | None,
    idempotency_key: str,
    today: dt.date,
) -> EnterpriseIssue:
    with transaction.atomic():
        deadline = _deadline(f"{project.name} {title}", project.district_id, Level.DEPARTMENT, today)
        issue = EnterpriseIssue.objects.create(
            district_id=project.district_id,
            project=project,
            contact=contact,
            raised_by=by,
            raised_on=today,
            kind=kind,
            title=title,
            description=description,
            level=Level.DEPARTMENT,
            department=department,
            deadline=deadline,
            idempotency_key=idempotency_key,
        )
        IssueStep.objects.create(
            issue=issue,
            level=Level.DEPARTMENT,
            department=department,
            started_on=today,
            deadline=deadline,
            by=by,
        )
        record(
            "secretaries.issue.raise",
            issue,
            actor=by,
            changes={"kind": kind, "department": department.pk, "due": deadline.due_date.isoformat()},
        )
    return issue


def _close_step(issue: EnterpriseIssue, outcome: str, *, by: User, note: str, today: dt.date) -> None:
    IssueStep.objects.filter(issue=issue, outcome=IssueStep.Outcome.PENDING).update(
        outcome=outcome, note=note, closed_by=by, closed_on=today
    )


def do_resolve_issue(
    issue: EnterpriseIssue, *, by: User, resolution: str, today: dt.date | None = None
) -> EnterpriseIssue:
    enforce(rules.may_resolve_issue(by, issue))
    if not resolution.strip():
        raise ValidationError(_("Say how the issue was resolved."), code="resolution")
    today = today or clock.today()
    on_time = issue.light(today) != Light.RED
    with transaction.atomic():
        changed = EnterpriseIssue.objects.filter(pk=issue.pk, level=issue.level, status=IssueStatus.OPEN).update(
            status=IssueStatus.RESOLVED,
            resolution=resolution,
            resolved_on=today,
            resolved_by=by,
            resolved_on_time=on_time,
        )
        if changed != 1:
            raise already_handled()
        issue.refresh_from_db()
        Deadline.objects.filter(pk=issue.deadline_id, closed_at__isnull=True).update(closed_at=clock.now())
        _close_step(issue, IssueStep.Outcome.RESOLVED, by=by, note=resolution, today=today)
        record(
            "secretaries.issue.resolve",
            issue,
            actor=by,
            changes={"status": ["open", "resolved"], "level": issue.level, "on_time": on_time},
        )
    return issue


def do_decline_issue(issue: EnterpriseIssue, *, by: User, reason: str, today: dt.date | None = None) -> None:
    """The present level says it cannot solve the issue: the way up opens."""
    enforce(rules.may_decline_issue(by, issue))
    if not reason.strip():
        raise ValidationError(_("A decline states its reason."), code="reason")
    today = today or clock.today()
    with transaction.atomic():
        changed = EnterpriseIssue.objects.filter(pk=issue.pk, level=issue.level, status=IssueStatus.OPEN).update(
            status=IssueStatus.DECLINED
        )
        if changed != 1:
            raise already_handled()
        issue.status = IssueStatus.DECLINED
        _close_step(issue, IssueStep.Outcome.DECLINED, by=by, note=reason, today=today)
        record(
            "secretaries.issue.decline",
            issue,
            actor=by,
            changes={"status": ["open", "declined"], "level": issue.level, "reason": reason},
        )


def do_escalate(
    issue: EnterpriseIssue,
    *,
    by: User,
    to_level: str,
    reason: str,
    department: Any = None,
    today: dt.date | None = None,
) -> EnterpriseIssue:
    """Carry the issue one rung up: only to the next level, and only when the present level
    declined or its time ran out (``rules.may_escalate``)."""
    today = today or clock.today()
    enforce(rules.may_escalate(by, issue, today))
    target = issue.next_level
    assert target is not None  # may_escalate: not at the top of the ladder
    if to_level != target:
        raise ValidationError(
            _("A level may not be skipped: the next level is %(level)s.") % {"level": target.label},
            code="skipped",
        )
    if not reason.strip():
        raise ValidationError(_("An escalation states its reason."), code="reason")
    if target == Level.LEAD_DEPARTMENT:
        _check_department(department, issue.project)
        if department.pk == issue.department_id:
            raise ValidationError(_("The lead department is another department."), code="department")
    else:
        department = None
    with transaction.atomic():
        before = (issue.level, issue.status)
        deadline = _deadline(f"{issue.project.name} {issue.title}", issue.district_id, target, today)
        changed = EnterpriseIssue.objects.filter(pk=issue.pk, level=issue.level, status=issue.status).update(
            level=target, status=IssueStatus.OPEN, department=department, deadline=deadline
        )
        if changed != 1:
            raise already_handled()
        Deadline.objects.filter(pk=issue.deadline_id, closed_at__isnull=True).update(closed_at=clock.now())
        if before[1] == IssueStatus.OPEN:
            _close_step(issue, IssueStep.Outcome.EXPIRED, by=by, note=reason, today=today)
        IssueStep.objects.create(
            issue=issue,
            level=target,
            department=department,
            started_on=today,
            deadline=deadline,
            note=reason,
            by=by,
        )
        issue.refresh_from_db()
        record(
            "secretaries.issue.escalate",
            issue,
            actor=by,
            changes={
                "level": [before[0], str(target)],
                "why": "declined" if before[1] == IssueStatus.DECLINED else "expired",
                "reason": reason,
            },
        )
    return issue


def rating_token(issue: EnterpriseIssue) -> str:
    return link_token(RATE_PURPOSE, {"issue": issue.pk})


def issue_from_token(token: str) -> EnterpriseIssue | None:
    return _from_token(EnterpriseIssue.objects.all(), RATE_PURPOSE, "issue", token)


def do_rate_issue(issue: EnterpriseIssue, *, rating: int, comment: str = "", user: User | None = None) -> None:
    """The enterprise rates the outcome: once, after the issue is resolved."""
    enforce(rules.may_rate_issue(user, issue))
    if not enterprise_may_answer(user, issue.project):
        user = None  # somebody holding the link: the link answers for the enterprise
    if rating not in Rating.values:
        raise ValidationError(_("Choose one of the five levels."), code="rating")
    with transaction.atomic():
        changed = EnterpriseIssue.objects.filter(pk=issue.pk, status=IssueStatus.RESOLVED, rating__isnull=True).update(
            rating=rating, rating_comment=comment[:500], rated_at=clock.now()
        )
        if changed != 1:
            raise Conflict(_("This issue has already been rated."))
        issue.rating, issue.rating_comment = rating, comment
        record(
            "secretaries.issue.rate",
            issue,
            actor=user,
            district=issue.district,
            changes={"rating": rating, "via": "user" if user is not None else "link"},
        )


# Scorecard -------------------------------------------------------------------------------

STAGE_ORDER = [s for s in Stage.values if s != Stage.LOST]


def stage_rank(stage: str) -> int:
    return STAGE_ORDER.index(stage) if stage in STAGE_ORDER else -1


def _weeks(start: dt.date, end: dt.date) -> list[dt.date]:
    """Mondays of the weeks that lie wholly or partly in [start, end]."""
    monday = start - dt.timedelta(days=start.weekday())
    weeks = []
    while monday <= end:
        weeks.append(monday)
        monday += dt.timedelta(days=7)
    return weeks


def scorecard(secretary: Any, start: dt.date, end: dt.date) -> dict[str, Any]:
    """The scorecard of ``secretary`` for [start, end] (see ``rules.Score``):

    1. contacts on time: weeks with a counted contact / project-weeks the secretary held;
    2. issues resolved on time: issues of their projects resolved in the period on time /
       issues resolved in the period plus issues whose deadline passed unresolved in it;
    3. enterprise ratings: mean rating of those issues, 非常不满意 → 0 … 非常满意 → 1;
    4. projects advanced: projects whose stage is later than when the secretary took over.
    """
    held = list(Secretaryship.objects.filter(secretary=secretary).select_related("project"))
    contacted: dict[int, set[dt.date]] = {}
    first_monday = start - dt.timedelta(days=start.weekday())
    for project_id, on in (
        Contact.objects.counted()
        .filter(project_id__in=[s.project_id for s in held], on__gte=first_monday, on__lte=end)
        .values_list("project_id", "on")
    ):
        contacted.setdefault(project_id, set()).add(on - dt.timedelta(days=on.weekday()))
    expected, met = 0, 0
    for s in held:
        weeks = _weeks(max(start, s.assigned_on), end)
        expected += len(weeks)
        met += len(contacted.get(s.project_id, set()) & set(weeks))
    projects = [s.project_id for s in held]
    resolved = EnterpriseIssue.objects.filter(project_id__in=projects, resolved_on__gte=start, resolved_on__lte=end)
    late_open = EnterpriseIssue.objects.open().filter(
        project_id__in=projects, deadline__due_date__gte=start, deadline__due_date__lt=min(end, clock.today())
    )
    on_time = resolved.filter(resolved_on_time=True).count()
    judged = resolved.count() + late_open.count()
    ratings = list(resolved.exclude(rating__isnull=True).values_list("rating", flat=True))
    average = sum(ratings) / len(ratings) if ratings else None
    advanced = sum(1 for s in held if stage_rank(s.project.stage) > stage_rank(s.stage_when_assigned))
    score = rules.Score(
        contacts=met / expected if expected else None,
        issues=on_time / judged if judged else None,
        ratings=rules.rating_share(average),
        advanced=advanced / len(held) if held else None,
    )
    return {
        "secretary": secretary,
        "projects": len(held),
        "weeks_expected": expected,
        "weeks_met": met,
        "issues_on_time": on_time,
        "issues_judged": judged,
        "ratings": len(ratings),
        "average_rating": average,
        "advanced": advanced,
        "score": score,
        "total": score.total,
    }


# Green channel ---------------------------------------------------------------------------


def do_enter_green_channel(
    application: Any,
    *,
    project: Project,
    lead_official: User,
    reason: str,
    by: User,
    days: int | None = None,
    today: dt.date | None = None,
) -> GreenChannelCase:
    """Put an open application of a key project into the green channel, under a named
    lead official and a shortened promised limit."""
    enforce(rules.may_enter_green_channel(by, application))
    if project.district_id != application.district_id:
        raise ValidationError(_("The project belongs to another district."), code="district")
    if not project.is_key:
        raise ValidationError(_("Only applications of key projects enter the green channel."), code="not_key")
    applicant_code = (application.applicant.credit_code or "").strip().upper()
    if not applicant_code or applicant_code != (project.investor_credit_code or "").strip().upper():
        raise ValidationError(
            _(
                "The application's applicant is not this project's investor: their unified social credit "
                "codes must be the same."
            ),
            code="not_investor",
        )
    if lead_official.kind != User.Kind.STAFF or lead_official.district_id != application.district_id:
        raise ValidationError(_("The lead official must be staff of this district."), code="lead")
    if not reason.strip():
        raise ValidationError(_("Say why the application enters the green channel."), code="reason")
    ordinary = application.item_version.promised_limit_days
    longest = rules.shortened_days(ordinary)
    days = longest if days is None else days
    if days < 1 or days > longest:
        raise ValidationError(
            _("The green channel's limit is at most %(max)d working days (the item promises %(days)d).")
            % {"max": longest, "days": ordinary},
            code="days",
        )
    today = today or clock.today()
    try:
        with transaction.atomic():
            case = GreenChannelCase.objects.create(
                district_id=application.district_id,
                application=application,
                project=project,
                lead_official=lead_official,
                promised_days=days,
                reason=reason,
                entered_on=today,
                entered_by=by,
            )
            start_green_deadline(case)
            record(
                "secretaries.green_channel.enter",
                case,
                actor=by,
                changes={
                    "application": application.number,
                    "project": project.pk,
                    "lead_official": lead_official.pk,
                    "promised_days": [ordinary, days],
                },
            )
    except IntegrityError:
        raise ValidationError(_("This application is already in the green channel."), code="duplicate") from None
    return case


def do_change_lead_official(case: GreenChannelCase, *, lead_official: User, reason: str, by: User) -> None:
    enforce(rules.may_change_lead_official(by, case))
    if lead_official.kind != User.Kind.STAFF or lead_official.district_id != case.district_id:
        raise ValidationError(_("The lead official must be staff of this district."), code="lead")
    if not reason.strip():
        raise ValidationError(_("A change of lead official states its reason."), code="reason")
    with transaction.atomic():
        before = case.lead_official_id
        changed = GreenChannelCase.objects.filter(pk=case.pk, lead_official_id=before).update(
            lead_official=lead_official
        )
        if changed != 1:
            raise already_handled()
        case.lead_official = lead_official
        record(
            "secretaries.green_channel.lead_official",
            case,
            actor=by,
            changes={"lead_official": [before, lead_official.pk], "reason": reason},
        )


def start_green_deadline(case: GreenChannelCase) -> Deadline | None:
    """The shortened promised deadline of an accepted application in the green channel,
    once: ``promised_days`` working days from the application's acceptance day (counted
    as its own deadlines are), following its promised deadline's clock stops."""
    application = case.application
    if case.deadline_id is not None or application.accepted_on is None or application.promised_deadline_id is None:
        return case.deadline
    promised = application.promised_deadline
    assert promised is not None  # promised_deadline_id checked above
    deadline = do_create_deadline(
        district=case.district_id,
        label=f"{application.number} green channel",
        start_date=application.accepted_on,
        counted_from=promised.counted_from,
        working_days=case.promised_days,
        follows=[promised],
    )
    if GreenChannelCase.objects.filter(pk=case.pk, deadline__isnull=True).update(deadline=deadline) != 1:
        raise already_handled()
    case.deadline = deadline
    if promised.closed_at is not None:
        do_close_deadline(deadline, at=promised.closed_at)
    return deadline


def application_moved(application: Any, verb: str, *, green_pk: int | None = None) -> None:
    """Follow the application in the green channel: its shortened deadline starts when it
    is accepted and closes when it is decided (``apps.SecretariesConfig.ready``)."""
    case = (
        GreenChannelCase.objects.select_related("application__promised_deadline", "deadline")
        .filter(pk=green_pk)
        .first()
    )
    if case is None:
        return
    if verb == "accept":
        start_green_deadline(case)
    elif case.deadline is not None:
        do_close_deadline(case.deadline)


def refresh_green_dues() -> int:
    """Start the shortened deadline of green-channel cases accepted without one (a safety
    net for ``application_moved``)."""
    started = 0
    for case in GreenChannelCase.objects.filter(
        deadline__isnull=True, application__accepted_on__isnull=False
    ).select_related("application__promised_deadline"):
        with transaction.atomic():
            try:
                started += start_green_deadline(case) is not None
            except Conflict:
                continue
    return started
