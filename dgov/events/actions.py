"""Every act on trips, events, targets and concentrated starts: one function, one
transaction, its audit entry written with it. A lead produced by a meeting and a project
started at a ceremony go through the investment pipeline's own actions."""

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from dgov.accounts.models import User
from dgov.accounts.roles import Role
from dgov.audit.trail import record
from dgov.events import rules
from dgov.events.models import (
    ConcentratedStart,
    EventKind,
    InvestmentEvent,
    Meeting,
    StartEntry,
    Target,
    TargetCategory,
)
from dgov.investment.models import Project, Source
from dgov.lib import clock
from dgov.lib.conflicts import Conflict
from dgov.lib.rules import enforce


def _staff_of(user: Any, district_id: int) -> bool:
    return user.kind == User.Kind.STAFF and user.district_id == district_id and user.is_active


def do_record_event(
    *,
    by: User,
    kind: str,
    title: str,
    leader: User,
    participants: Iterable[User],
    starts_on: dt.date,
    ends_on: dt.date,
    places: str,
    purpose: str = "",
) -> InvestmentEvent:
    """A trip or event, with who led it and who went (rule 1: at least one participant)."""
    enforce(rules.may_manage(by))
    assert by.district_id is not None
    participants = list(participants)
    problems = []
    if kind not in EventKind.values:
        problems.append(_("Choose a trip or an event."))
    if not participants:
        problems.append(_("A trip or event has at least one participant."))
    if any(not _staff_of(p, by.district_id) for p in participants):
        problems.append(_("Participants are staff of your district."))
    if not _staff_of(leader, by.district_id):
        problems.append(_("The leader is staff of your district."))
    elif kind == EventKind.TRIP and not leader.has_role(Role.DISTRICT_LEADER):
        problems.append(_("A leader-led trip is led by a district leader."))
    if ends_on < starts_on:
        problems.append(_("The end comes after the start."))
    if not places.strip():
        problems.append(_("Say where it took place."))
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        event = InvestmentEvent.objects.create(
            district_id=by.district_id,
            kind=kind,
            title=title,
            leader=leader,
            starts_on=starts_on,
            ends_on=ends_on,
            places=places,
            purpose=purpose,
            created_by=by,
        )
        event.participants.set(participants)
        record(
            "events.event.record",
            event,
            actor=by,
            changes={
                "kind": kind,
                "leader": leader.pk,
                "participants": sorted(p.pk for p in participants),
                "from": starts_on.isoformat(),
                "to": ends_on.isoformat(),
            },
        )
    return event


def do_add_meeting(
    event: InvestmentEvent,
    *,
    by: User,
    enterprise: str,
    met_on: dt.date,
    people: str = "",
    outcome: str = "",
    target: Target | None = None,
    project: Project | None = None,
    new_lead: bool = False,
    follow_up: str = "",
    follow_up_due: dt.date | None = None,
) -> Meeting:
    """An enterprise met, and what came of it: an existing project of the pipeline, or a
    new lead created in the pipeline, and a follow-up with its due date."""
    enforce(rules.may_manage(by))
    problems = []
    enterprise = enterprise.strip() or (target.name if target else "")
    if not enterprise:
        problems.append(_("Name the enterprise met."))
    if not event.starts_on <= met_on <= event.ends_on:
        problems.append(
            _("The meeting falls within the trip or event, %(start)s to %(end)s.")
            % {"start": event.starts_on.isoformat(), "end": event.ends_on.isoformat()}
        )
    if target is not None and target.district_id != event.district_id:
        problems.append(_("The target is of another district."))
    if project is not None and (project.district_id != event.district_id or new_lead):
        problems.append(_("Choose an existing project of your district, or a new lead, not both."))
    if follow_up.strip() and follow_up_due is None:
        problems.append(_("A follow-up has a due date."))
    if follow_up_due is not None and follow_up_due < met_on:
        problems.append(_("The follow-up is due after the meeting."))
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        if new_lead:
            from dgov.investment.actions import do_create_project

            project = do_create_project(
                event.district,
                {"name": f"{enterprise}（{event.title}）"[:200], "investor": enterprise, "source": Source.LEADER},
                by=by,
            )
        meeting = Meeting.objects.create(
            event=event,
            enterprise=enterprise,
            target=target,
            met_on=met_on,
            people=people,
            outcome=outcome,
            project=project,
            follow_up=follow_up.strip(),
            follow_up_due=follow_up_due if follow_up.strip() else None,
            created_by=by,
        )
        record(
            "events.meeting.add",
            event,
            actor=by,
            changes={
                "enterprise": enterprise,
                "met_on": met_on.isoformat(),
                "project": project.pk if project else None,
                "new_lead": new_lead,
                **({"follow_up_due": follow_up_due.isoformat()} if follow_up_due and follow_up.strip() else {}),
            },
        )
    return meeting


def do_follow_up_done(meeting: Meeting, *, by: User, note: str = "") -> None:
    enforce(rules.may_manage(by))
    if not meeting.follow_up:
        raise ValidationError(_("This meeting has no follow-up."))
    today = clock.today()
    with transaction.atomic():
        if not Meeting.objects.filter(pk=meeting.pk, follow_up_done_on__isnull=True).update(follow_up_done_on=today):
            raise Conflict(_("The follow-up was marked done already."))
        meeting.follow_up_done_on = today
        record(
            "events.follow_up.done",
            meeting.event,
            actor=by,
            changes={"meeting": meeting.pk, "on": today.isoformat(), **({"note": note} if note else {})},
        )


def do_add_target(*, by: User, category: str, name: str, industry: str = "", headquarters: str = "") -> Target:
    enforce(rules.may_manage(by))
    assert by.district_id is not None
    if category not in TargetCategory.values or not name.strip():
        raise ValidationError(_("Name the enterprise and choose its list."))
    try:
        with transaction.atomic():
            target = Target.objects.create(
                district_id=by.district_id,
                category=category,
                name=name.strip(),
                industry=industry,
                headquarters=headquarters,
                created_by=by,
            )
            record("events.target.add", target, actor=by, changes={"category": category, "name": target.name})
    except IntegrityError:
        raise ValidationError(_("%(name)s is on the target lists already.") % {"name": name.strip()}) from None
    return target


# Concentrated starts ----------------------------------------------------------------------------


def do_plan_start(*, by: User, title: str, held_on: dt.date, place: str) -> ConcentratedStart:
    enforce(rules.may_manage(by))
    assert by.district_id is not None
    if held_on < clock.today():
        raise ValidationError(_("The ceremony cannot be planned in the past."))
    with transaction.atomic():
        start = ConcentratedStart.objects.create(
            district_id=by.district_id, title=title, held_on=held_on, place=place, created_by=by
        )
        record("events.start.plan", start, actor=by, changes={"held_on": held_on.isoformat(), "place": place})
    return start


def do_add_to_start(start: ConcentratedStart, project: Project, *, by: User) -> StartEntry:
    """Put a project in the ceremony once it is ready to start (rules 1–2)."""
    enforce(rules.may_manage(by))
    if start.status != ConcentratedStart.Status.PLANNED:
        raise ValidationError(_("The ceremony has been held."))
    if project.district_id != start.district_id:
        raise ValidationError(_("The project is of another district."))
    problems = rules.start_problems(project)
    if problems:
        raise ValidationError(problems)
    try:
        with transaction.atomic():
            entry = StartEntry.objects.create(start=start, project=project, added_by=by)
            record("events.start.add", start, actor=by, changes={"project": project.pk})
    except IntegrityError:
        taken = StartEntry.objects.filter(project=project).select_related("start").first()
        raise ValidationError(
            _("%(project)s is already in the start “%(start)s”.")
            % {"project": project.name, "start": taken.start.title if taken else ""}
        ) from None
    return entry


def do_hold_start(start: ConcentratedStart, *, by: User) -> list[Project]:
    """Hold the ceremony: every project starts together, or none does. Each is checked again
    (its stage or permits may have changed since it joined) and moves to "construction
    started" through the pipeline, the ceremony named in its stage log."""
    from dgov.investment.actions import do_advance

    enforce(rules.may_hold(by, start, clock.today()))
    projects = [e.project for e in start.entries.select_related("project")]
    problems = [p for project in projects for p in rules.start_problems(project)]
    if problems:
        raise ValidationError(problems)
    now = clock.now()
    with transaction.atomic():
        if not ConcentratedStart.objects.filter(pk=start.pk, status=ConcentratedStart.Status.PLANNED).update(
            status=ConcentratedStart.Status.HELD, held_at=now
        ):
            raise Conflict(_("The ceremony has been held already."))
        for project in projects:
            do_advance(project, by=by, note=_("Concentrated start: %(title)s") % {"title": start.title})
        StartEntry.objects.filter(start=start).update(started_at=now)
        start.status, start.held_at = ConcentratedStart.Status.HELD, now
        record(
            "events.start.hold",
            start,
            actor=by,
            changes={"projects": [p.pk for p in projects], "held_on": start.held_on.isoformat()},
        )
    return projects
