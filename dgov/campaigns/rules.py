"""Who may do what in campaign supervision: one predicate per action (``dgov.lib.rules``).

Inspectors (``supervise_campaign``) supervise their district's campaigns; a unit's head
(``report_campaign_progress``) speaks for the unit. The task, problem, unit and board
pages build their buttons from these, and each ``do_*`` of ``actions`` (and the task
table's import) enforces the same one first.
"""

from typing import Any

from django.utils.translation import gettext as _

from dgov.accounts.access import is_staff
from dgov.campaigns.models import (
    REPORT,
    SUPERVISE,
    VIEW_BOARD,
    Campaign,
    Evidence,
    Extension,
    Problem,
    Publication,
    Task,
)
from dgov.lib.rules import Verdict, allow, deny, hide, moved_on


def watches(user: Any) -> bool:
    """Sees the inspectors' board of the district's campaigns."""
    return bool(user.has_perm(VIEW_BOARD) or user.has_perm(SUPERVISE))


def supervises(user: Any, campaign: Campaign) -> bool:
    return is_staff(user) and user.district_id == campaign.district_id and user.has_perm(SUPERVISE)


def speaks_for(user: Any, campaign: Campaign, unit_id: int) -> bool:
    """The head of the unit, in the campaign's district."""
    return bool(
        is_staff(user)
        and user.district_id == campaign.district_id
        and user.has_perm(REPORT)
        and user.department_id == unit_id
    )


def task_units(task: Task) -> set[int]:
    return {task.lead_unit_id, *task.co_units.values_list("pk", flat=True)}


def subject_units(subject: Task | Problem) -> set[int]:
    return task_units(subject) if isinstance(subject, Task) else {subject.unit_id}


def open_subtask(task: Task) -> Task | None:
    """The first open subtask at any depth, or None."""
    for child in task.children.order_by("number"):
        if child.is_open:
            return child
        deeper = open_subtask(child)
        if deeper is not None:
            return deeper
    return None


def pending_extension(subject: Task | Problem) -> Extension | None:
    return subject.extension_requests.filter(state=Extension.State.PENDING).first()


def pending_evidence(problem: Problem) -> Evidence | None:
    return problem.evidence.filter(state=Evidence.State.PENDING).first()


def _supervisor(user: Any, campaign: Campaign) -> Verdict:
    return allow() if supervises(user, campaign) else hide(_("Only an inspector may do this."))


def _unit(user: Any, campaign: Campaign, unit_ids: set[int]) -> Verdict:
    if any(speaks_for(user, campaign, unit_id) for unit_id in unit_ids):
        return allow()
    return hide(_("Only the unit responsible may do this."))


def _is_open(subject: Task | Problem) -> bool:
    return subject.is_open if isinstance(subject, Task) else subject.state != Problem.State.CLOSED


def _closed(subject: Task | Problem) -> Verdict:
    if isinstance(subject, Task):
        return moved_on(_("This task is closed."))
    return moved_on(_("This problem is already rectified."))


# Campaigns and the task table -----------------------------------------------------------


def may_create_campaign(user: Any, district: Any) -> Verdict:
    if not (is_staff(user) and user.district_id == district.pk and user.has_perm(SUPERVISE)):
        return hide(_("Only an inspector may do this."))
    return allow()


def may_import_tasks(user: Any, campaign: Campaign) -> Verdict:
    return _supervisor(user, campaign)


# Tasks ------------------------------------------------------------------------------------


def may_report_progress(user: Any, task: Task) -> Verdict:
    """A unit reports on its task (lead or co-unit) while the task is open."""
    verdict = _unit(user, task.campaign, task_units(task))
    return _closed(task) if verdict and not task.is_open else verdict


def may_close_task(user: Any, task: Task) -> Verdict:
    """The lead unit or an inspector closes a task; not while a subtask is open (rule 3)."""
    if not supervises(user, task.campaign):
        verdict = _unit(user, task.campaign, {task.lead_unit_id})
        if not verdict:
            return verdict
    if not task.is_open:
        return moved_on(_("This task is already closed."))
    blocking = open_subtask(task)
    if blocking is not None:
        return deny(
            _("Task %(number)s cannot close while its subtask %(sub)s “%(content)s” is open.")
            % {"number": task.number, "sub": blocking.number, "content": blocking.content[:60]}
        )
    return allow()


def may_red_card(user: Any, task: Task) -> Verdict:
    verdict = _supervisor(user, task.campaign)
    if verdict and task.red_carded:
        return moved_on(_("This task already has a red card."))
    if verdict and not task.is_open:
        return _closed(task)
    return verdict


def may_lift_red_card(user: Any, task: Task) -> Verdict:
    verdict = _supervisor(user, task.campaign)
    if verdict and not task.red_carded:
        return moved_on(_("This task has no red card."))
    return verdict


# Extensions (tasks and problems) --------------------------------------------------------


def may_request_extension(user: Any, subject: Task | Problem) -> Verdict:
    """Rule 4: the unit asks for a new date, one request at a time, while the subject is open."""
    verdict = _unit(user, subject.campaign, subject_units(subject))
    if verdict and not _is_open(subject):
        return _closed(subject)
    if verdict and pending_extension(subject) is not None:
        return moved_on(_("A request for a new deadline is already waiting for a decision."))
    return verdict


def may_decide_extension(user: Any, subject: Task | Problem) -> Verdict:
    verdict = _supervisor(user, subject.campaign)
    if verdict and pending_extension(subject) is None:
        return moved_on(_("There is no request waiting for a decision."))
    return verdict


# Problem lists ----------------------------------------------------------------------------


def may_add_problem(user: Any, campaign: Campaign, unit: Any) -> Verdict:
    return _unit(user, campaign, {unit.pk})


def may_report_problem(user: Any, problem: Problem) -> Verdict:
    verdict = _unit(user, problem.campaign, {problem.unit_id})
    return _closed(problem) if verdict and not _is_open(problem) else verdict


def may_submit_evidence(user: Any, problem: Problem) -> Verdict:
    verdict = _unit(user, problem.campaign, {problem.unit_id})
    if verdict and problem.state != Problem.State.OPEN:
        return moved_on(_("Evidence for this problem is already waiting or accepted."))
    return verdict


def may_decide_evidence(user: Any, problem: Problem) -> Verdict:
    """Only an inspector closes a problem, by accepting its evidence."""
    verdict = _supervisor(user, problem.campaign)
    if verdict and pending_evidence(problem) is None:
        return moved_on(_("There is no evidence waiting for a decision."))
    return verdict


def may_publish(user: Any, campaign: Campaign, unit: Any) -> Verdict:
    """The unit publishes its problem list to the public (向社会公开), once it lists one."""
    verdict = _unit(user, campaign, {unit.pk})
    if verdict and Publication.objects.filter(campaign=campaign, unit=unit).exists():
        return moved_on(_("The problem list is already published."))
    if verdict and not campaign.problems.filter(unit=unit).exists():
        return deny(_("List at least one problem before publishing."))
    return verdict
