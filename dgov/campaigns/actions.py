"""Every write of the campaigns app: one ``do_*`` function, one transaction, with its
timeline event, its audit entry and its notifications written together.

Who may act: each ``do_*`` enforces its predicate of ``rules`` first; a task's under the
lock on its tree, so the predicate reads the task as it is (403 with the reason, or 409
when somebody else acted first).

Concurrency: a task tree is changed under a row lock on its root task, so two units
reporting on sibling subtasks at once both land and the parent's roll-up sees both; a
problem under a lock on its row. Pending extension requests and evidence are unique per
subject (a double click makes one); reminders are unique per task, kind and deadline.
"""

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef
from django.utils import translation
from django.utils.translation import gettext as _

from dgov.accounts.models import Department, User
from dgov.accounts.roles import Role
from dgov.audit.trail import record
from dgov.campaigns import rules
from dgov.campaigns.models import (
    KIND,
    Campaign,
    Event,
    Evidence,
    Extension,
    Problem,
    Publication,
    Reminder,
    Status,
    Task,
)
from dgov.documents.storage import do_store_uploads
from dgov.lib import clock
from dgov.lib.conflicts import Conflict
from dgov.lib.rules import enforce
from dgov.notifications.outbox import notify
from dgov.workdays.calendar import is_working_day
from dgov.workdays.lights import Thresholds

# Two identical reports by the same person this close together are one report sent twice.
REPEAT_WINDOW = dt.timedelta(minutes=1)


# Tasks --------------------------------------------------------------------------------


def _root_locked(task: Task) -> Task:
    """Lock the root of ``task``'s tree (serialises every change in the tree), then
    return ``task`` fresh from the database."""
    root_id, parent_id = task.pk, task.parent_id
    while parent_id is not None:
        root_id = parent_id
        parent_id = Task.objects.filter(pk=parent_id).values_list("parent_id", flat=True).get()
    Task.objects.select_for_update().filter(pk=root_id).get()
    return Task.objects.select_related("campaign", "lead_unit").get(pk=task.pk)


def _roll_up(task: Task) -> None:
    """Recompute the progress of every ancestor of ``task`` (rule 3)."""
    parent_id = task.parent_id
    while parent_id is not None:
        parent = Task.objects.get(pk=parent_id)
        value = parent.rolled_up_progress(list(parent.children.all()))
        if value != parent.progress:
            Task.objects.filter(pk=parent.pk).update(progress=value, modified_at=clock.now())
        parent_id = parent.parent_id


def _event(
    *, by: User | None, verb: str, task: Task | None = None, problem: Problem | None = None, **fields: Any
) -> Event:
    return Event.objects.create(task=task, problem=problem, by=by, verb=verb, **fields)


def _store(uploads: Sequence[Any], *, by: User, campaign: Campaign, label: str) -> list[Any]:
    if not uploads:
        return []
    return do_store_uploads(list(uploads), owner=by, district=campaign.district, label=label, by=by)


def do_report_progress(task: Task, *, by: User, text: str, percent: int | None, uploads: Sequence[Any] = ()) -> Event:
    """A unit reports on its task: text, percentage (leaves only: a parent's is rolled up
    from its children) and evidence files."""
    campaign = task.campaign
    with transaction.atomic():
        task = _root_locked(task)
        enforce(rules.may_report_progress(by, task))
        # A double click or a retried request: the same report again, within a minute.
        repeated = (
            task.events.filter(verb=Event.Verb.REPORT, by=by, note=text, at__gte=clock.now() - REPEAT_WINDOW)
            .order_by("-at", "-pk")
            .first()
        )
        if repeated is not None and not uploads:
            return repeated
        has_children = task.children.exists()
        before = task.progress
        if percent is not None and not has_children:
            Task.objects.filter(pk=task.pk).update(progress=percent, modified_at=clock.now())
            task.progress = percent
        event = _event(by=by, verb=Event.Verb.REPORT, task=task, note=text, percent=None if has_children else percent)
        documents = _store(uploads, by=by, campaign=campaign, label=_("Progress evidence of task %s") % task.number)
        if documents:
            event.documents.add(*documents)
        _roll_up(task)
        record(
            "campaigns.task.report",
            task,
            actor=by,
            district=campaign.district,
            changes={"progress": [before, task.progress], "documents": [None, [d.pk for d in documents]]},
        )
    return event


def do_close_task(task: Task, *, by: User, note: str = "") -> Task:
    """Close a task (its lead unit or an inspector). Rule 3: refused while a subtask is
    open, and the refusal names it. A task closed after its deadline caught up late:
    yellow until the next reporting period."""
    campaign = task.campaign
    with transaction.atomic():
        task = _root_locked(task)
        enforce(rules.may_close_task(by, task))
        day = clock.today()
        fields: dict[str, Any] = {"status": Status.CLOSED, "closed_on": day}
        if not task.children.exists():
            fields["progress"] = 100
        if task.overdue(day):
            fields["caught_up_on"] = day
        Task.objects.filter(pk=task.pk).update(modified_at=clock.now(), **fields)
        for name, value in fields.items():
            setattr(task, name, value)
        _event(by=by, verb=Event.Verb.CLOSE, task=task, note=note)
        _roll_up(task)
        record(
            "campaigns.task.close", task, actor=by, district=campaign.district, changes={"status": ["open", "closed"]}
        )
    return task


def do_red_card(task: Task, *, by: User, reason: str) -> Task:
    """An inspector shows a manual red card, with a reason; the lead unit is told."""
    campaign = task.campaign
    with transaction.atomic():
        task = _root_locked(task)
        enforce(rules.may_red_card(by, task))
        Task.objects.filter(pk=task.pk).update(red_carded=True, modified_at=clock.now())
        task.red_carded = True
        _event(by=by, verb=Event.Verb.RED_CARD, task=task, note=reason)
        record(
            "campaigns.task.red_card",
            task,
            actor=by,
            district=campaign.district,
            changes={"red_card": [False, True], "reason": [None, reason]},
        )
        _notify_unit(
            task.lead_unit,
            campaign,
            subject=_("Red card on task %(number)s") % {"number": task.number},
            body=reason,
            obj=task,
        )
    return task


def do_lift_red_card(task: Task, *, by: User, reason: str) -> Task:
    """Lifting a red card is catching up: yellow until the next reporting period."""
    campaign = task.campaign
    with transaction.atomic():
        task = _root_locked(task)
        enforce(rules.may_lift_red_card(by, task))
        day = clock.today()
        Task.objects.filter(pk=task.pk).update(red_carded=False, caught_up_on=day, modified_at=clock.now())
        task.red_carded, task.caught_up_on = False, day
        _event(by=by, verb=Event.Verb.RED_CARD_LIFT, task=task, note=reason)
        record(
            "campaigns.task.red_card_lift",
            task,
            actor=by,
            district=campaign.district,
            changes={"red_card": [True, False], "reason": [None, reason]},
        )
    return task


# Extensions (tasks and problems) ------------------------------------------------------


def _as_subject(subject: Task | Problem) -> dict[str, Any]:
    """``task=…`` or ``problem=…``, for the rows that belong to either."""
    return {"task": subject} if isinstance(subject, Task) else {"problem": subject}


def do_request_extension(subject: Task | Problem, *, by: User, reason: str, new_due_on: dt.date) -> Extension:
    """Rule 4: a measure that cannot be met gets a stated reason and a proposed new date."""
    campaign = subject.campaign
    enforce(rules.may_request_extension(by, subject))
    if new_due_on <= subject.due_on:
        raise ValidationError(
            _("The new deadline must be later than the current one (%(date)s).") % {"date": subject.due_on}
        )
    try:
        with transaction.atomic():
            extension = Extension.objects.create(
                **_as_subject(subject),
                reason=reason,
                requested_due_on=new_due_on,
                previous_due_on=subject.due_on,
                requested_by=by,
            )
            _event(by=by, verb=Event.Verb.EXTEND_REQUEST, note=reason, **_as_subject(subject))
            record(
                "campaigns.extension.request",
                extension,
                actor=by,
                district=campaign.district,
                changes={"requested_due_on": [None, new_due_on.isoformat()], "reason": [None, reason]},
            )
            for inspector in _inspectors(campaign):
                notify(
                    district=campaign.district,
                    recipient=inspector,
                    subject=_("A new deadline is requested"),
                    body=f"{subject}: {subject.due_on} → {new_due_on}. {reason}",
                    obj=extension,
                )
    except IntegrityError:
        raise Conflict(_("A request for a new deadline is already waiting for a decision.")) from None
    return extension


def do_decide_extension(extension: Extension, *, by: User, grant: bool, note: str = "") -> Extension:
    """An inspector grants or refuses. Granted: the new date applies, the original date
    stays, the extension is counted; a subject that was overdue has caught up."""
    subject: Task | Problem = extension.task or extension.problem  # type: ignore[assignment]
    campaign = subject.campaign
    enforce(rules.may_decide_extension(by, subject))
    with transaction.atomic():
        now = clock.now()
        state = Extension.State.GRANTED if grant else Extension.State.REFUSED
        changed = Extension.objects.filter(pk=extension.pk, state=Extension.State.PENDING).update(
            state=state, decided_by=by, decided_at=now
        )
        if changed != 1:
            raise Conflict(_("This request was already decided."))
        extension.state, extension.decided_by, extension.decided_at = state, by, now
        if grant:
            day = clock.today()
            model = type(subject)
            fields: dict[str, Any] = {"due_on": extension.requested_due_on, "extensions": F("extensions") + 1}
            if isinstance(subject, Task):
                subject = _root_locked(subject)
                if subject.overdue(day):
                    fields["caught_up_on"] = day
                fields["modified_at"] = now
            model.objects.filter(pk=subject.pk).update(**fields)
            subject.refresh_from_db()
            _event(by=by, verb=Event.Verb.EXTEND, note=note or extension.reason, **_as_subject(subject))
        else:
            _event(by=by, verb=Event.Verb.EXTEND_REFUSE, note=note, **_as_subject(subject))
        record(
            "campaigns.extension.grant" if grant else "campaigns.extension.refuse",
            extension,
            actor=by,
            district=campaign.district,
            changes={"state": ["pending", state], "due_on": [str(extension.previous_due_on), str(subject.due_on)]},
        )
        unit = subject.lead_unit if isinstance(subject, Task) else subject.unit
        _notify_unit(
            unit,
            campaign,
            subject=_("New deadline granted") if grant else _("New deadline refused"),
            body=f"{subject}: {extension.requested_due_on}",
            obj=extension,
        )
    return extension


# Reminders (催办) ----------------------------------------------------------------------


def _inspectors(campaign: Campaign) -> Any:
    return (
        get_user_model()
        .objects.filter(district=campaign.district, groups__name=Role.INSPECTOR.value, is_active=True)
        .distinct()
    )


def _unit_heads(unit: Department) -> Any:
    return (
        get_user_model().objects.filter(department=unit, groups__name=Role.UNIT_HEAD.value, is_active=True).distinct()
    )


def _notify_unit(unit: Department, campaign: Campaign, *, subject: str, body: str, obj: Any) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        for head in _unit_heads(unit):
            notify(district=campaign.district, recipient=head, subject=str(subject), body=str(body), obj=obj)


def send_reminders(on: dt.date | None = None) -> int:
    """The 催办 job (idempotent): remind each open task's lead unit once when its light
    turns yellow (its deadline is near) and once when it turns red. The lights are the
    platform's (a deadline on a rest day is due on the next working day, Art. 203), and
    reminders go out on working days only: nothing is sent over a holiday. A new deadline
    brings new reminders. Returns the number of reminders sent."""
    day = on or clock.today()
    if not is_working_day(day):
        return 0
    shared = Thresholds.on(day, KIND)
    open_tasks = Task.objects.filter(status=Status.OPEN, campaign__ends_on__gte=day - dt.timedelta(days=90))
    due = [
        (Reminder.Kind.BEFORE, open_tasks.filter(shared.yellow("due_on"))),
        (Reminder.Kind.RED, open_tasks.filter(shared.red("due_on"))),
    ]
    sent = 0
    for kind, tasks in due:
        # One EXISTS for both conditions: the same reminder must match kind and deadline.
        already = Reminder.objects.filter(task=OuterRef("pk"), kind=kind, due_on=OuterRef("due_on"))
        pending = tasks.exclude(Exists(already)).select_related("campaign__district", "lead_unit")
        for task in pending.iterator(chunk_size=500):
            try:
                with transaction.atomic():
                    Reminder.objects.create(task=task, kind=kind, due_on=task.due_on)
                    with translation.override(settings.LANGUAGE_CODE):
                        if kind == Reminder.Kind.RED:
                            subject = _("Overdue: task %(number)s was due on %(date)s")
                        else:
                            subject = _("Reminder: task %(number)s is due on %(date)s")
                        subject = subject % {"number": task.number, "date": task.due_on}
                    _notify_unit(task.lead_unit, task.campaign, subject=subject, body=task.content, obj=task)
                    _event(by=None, verb=Event.Verb.REMIND, task=task, note=subject)
            except IntegrityError:
                continue  # another runner sent it
            sent += 1
    return sent


# Problem lists ------------------------------------------------------------------------


def do_add_problem(campaign: Campaign, unit: Department, *, by: User, data: dict[str, Any]) -> Problem:
    enforce(rules.may_add_problem(by, campaign, unit))
    with transaction.atomic():
        Campaign.objects.select_for_update().filter(pk=campaign.pk).get()  # one listing at a time
        if Problem.objects.filter(campaign=campaign, unit=unit, problem=data["problem"]).exists():
            raise ValidationError(_("This problem is already on the unit's list."))
        problem = Problem.objects.create(
            campaign=campaign, unit=unit, original_due_on=data["due_on"], created_by=by, **data
        )
        campaign.units.add(unit)
        _event(by=by, verb=Event.Verb.CREATE, problem=problem)
        record(
            "campaigns.problem.add",
            problem,
            actor=by,
            district=campaign.district,
            changes={"problem": [None, problem.problem]},
        )
    return problem


def _locked_problem(problem: Problem) -> Problem:
    return Problem.objects.select_for_update().select_related("campaign", "unit").get(pk=problem.pk)


def do_report_problem(problem: Problem, *, by: User, text: str) -> Event:
    """A step of the rectification, shown on the public timeline."""
    with transaction.atomic():
        problem = _locked_problem(problem)
        enforce(rules.may_report_problem(by, problem))
        event = _event(by=by, verb=Event.Verb.REPORT, problem=problem, note=text)
        record("campaigns.problem.report", problem, actor=by, district=problem.campaign.district)
    return event


def do_submit_evidence(problem: Problem, *, by: User, note: str, uploads: Sequence[Any] = ()) -> Evidence:
    try:
        with transaction.atomic():
            problem = _locked_problem(problem)
            enforce(rules.may_submit_evidence(by, problem))
            evidence = Evidence.objects.create(problem=problem, note=note, submitted_by=by)
            documents = _store(uploads, by=by, campaign=problem.campaign, label=_("Rectification evidence"))
            if documents:
                evidence.documents.add(*documents)
            Problem.objects.filter(pk=problem.pk).update(state=Problem.State.EVIDENCE)
            problem.state = Problem.State.EVIDENCE
            _event(by=by, verb=Event.Verb.EVIDENCE, problem=problem, note=note)
            record(
                "campaigns.problem.evidence",
                evidence,
                actor=by,
                district=problem.campaign.district,
                changes={"state": ["open", "evidence"], "documents": [None, [d.pk for d in documents]]},
            )
            for inspector in _inspectors(problem.campaign):
                notify(
                    district=problem.campaign.district,
                    recipient=inspector,
                    subject=_("Rectification evidence to review"),
                    body=f"{problem.unit}: {problem}",
                    obj=problem,
                )
    except IntegrityError:
        raise Conflict(_("Evidence for this problem is already waiting or accepted.")) from None
    return evidence


def do_decide_evidence(evidence: Evidence, *, by: User, accept: bool, note: str = "") -> Problem:
    """Only an inspector closes a problem, by accepting its evidence."""
    with transaction.atomic():
        problem = _locked_problem(evidence.problem)
        enforce(rules.may_decide_evidence(by, problem))
        state = Evidence.State.ACCEPTED if accept else Evidence.State.REJECTED
        changed = Evidence.objects.filter(pk=evidence.pk, state=Evidence.State.PENDING).update(
            state=state, decided_by=by, decided_at=clock.now(), decision_note=note
        )
        if changed != 1:
            raise Conflict(_("This evidence was already decided."))
        new_state = Problem.State.CLOSED if accept else Problem.State.OPEN
        Problem.objects.filter(pk=problem.pk).update(state=new_state, closed_on=clock.today() if accept else None)
        problem.state = new_state
        _event(by=by, verb=Event.Verb.ACCEPT if accept else Event.Verb.REJECT, problem=problem, note=note)
        record(
            "campaigns.problem.accept" if accept else "campaigns.problem.reject",
            problem,
            actor=by,
            district=problem.campaign.district,
            changes={"state": ["evidence", new_state], "note": [None, note]},
        )
        _notify_unit(
            problem.unit,
            problem.campaign,
            subject=_("Evidence accepted: problem rectified") if accept else _("Evidence rejected"),
            body=note or str(problem),
            obj=problem,
        )
    return problem


def do_publish(campaign: Campaign, unit: Department, *, by: User) -> Publication:
    """The unit publishes its problem list and measures to the public (向社会公开), once:
    the first date stands."""
    enforce(rules.may_publish(by, campaign, unit))
    with transaction.atomic():
        publication, created = Publication.objects.get_or_create(
            campaign=campaign, unit=unit, defaults={"published_on": clock.today(), "published_by": by}
        )
        if not created:
            raise Conflict(_("The problem list is already published."))
        record(
            "campaigns.publish",
            publication,
            actor=by,
            district=campaign.district,
            changes={"published_on": [None, str(publication.published_on)]},
        )
    return publication


# Campaigns and the task table ---------------------------------------------------------


def do_create_campaign(district: Any, *, by: User, data: dict[str, Any]) -> Campaign:
    enforce(rules.may_create_campaign(by, district))
    with transaction.atomic():
        campaign = Campaign.objects.create(district=district, **data)
        record(
            "campaigns.campaign.create",
            campaign,
            actor=by,
            district=district,
            changes={"theme": [None, campaign.theme]},
        )
    return campaign
