"""Campaign supervision: task tables, problem lists and public rectification (DOMAIN.md §4).

``Campaign`` is what the evaluation app's surveys, talks and columns hang on; the campaigns
app owns it and everything about tasks and problems.

The published practice the models follow (Jilin Daily, 2018, on Kuancheng's 解放思想大讨论):

1. A campaign has a task table (任务分解表): form, content, measures, deadline, lead unit
   and co-units per task; tasks may have subtasks.
2. Traffic lights: the platform's deadline light (``dgov.workdays.lights``, kind
   "campaign": yellow at ``DGOV_YELLOW_DAYS["campaign"]`` = 3 working days or fewer left;
   a deadline on a rest day is due on the next working day, Civil Code Art. 203) while a
   task is open, green once closed. On top of it, two rules of the campaign: a task with
   a red card stays red, and a task that was red and caught up shows yellow, not green,
   until the next reporting period.
3. A parent cannot close while a subtask is open; its progress is the weighted sum of its
   children's (the plain average when they carry no weights).
4. A measure that cannot be met gets a reason and a new date; the original date stays
   visible and the extensions are counted.
5. Each unit keeps a problem list (问题清单: problem, root cause, measures, deadline, person
   responsible) and publishes it by the campaign's publication deadline (11月15日).
"""

import datetime as dt
from decimal import Decimal
from typing import Any, Self

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dgov.accounts.models import DistrictScopedQuerySet
from dgov.lib.personal import mask_text
from dgov.workdays.calendar import carry, roll_forward
from dgov.workdays.lights import Light, Thresholds, light

SUPERVISE = "campaigns.supervise_campaign"
VIEW_BOARD = "campaigns.view_campaign_board"
REPORT = "campaigns.report_campaign_progress"
KIND = "campaign"  # the deadline light's kind (``DGOV_YELLOW_DAYS``)


class Period(models.TextChoices):
    WEEK = "week", _("Weekly")
    MONTH = "month", _("Monthly")


class Campaign(models.Model):
    district = models.ForeignKey("accounts.District", on_delete=models.PROTECT, related_name="campaigns")
    theme = models.CharField(_("theme"), max_length=200)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    publication_deadline = models.DateField(_("problem lists published by"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    reporting_period = models.CharField(
        _("reporting period"), max_length=10, choices=Period.choices, default=Period.WEEK
    )
    units = models.ManyToManyField(
        "accounts.Department", blank=True, related_name="campaigns_taking_part", verbose_name=_("units")
    )

    objects = DistrictScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        permissions = [
            ("supervise_campaign", "Can supervise campaigns: task tables, red cards, extensions, evidence"),
            ("view_campaign_board", "Can view the inspectors' board of a campaign"),
            ("report_campaign_progress", "Can report the progress of one's own unit in a campaign"),
        ]

    def __str__(self) -> str:
        return self.theme

    def period_start(self, today: dt.date) -> dt.date:
        """The first day of the reporting period ``today`` falls in."""
        if self.reporting_period == Period.MONTH:
            return today.replace(day=1)
        return today - dt.timedelta(days=today.weekday())

    def publication_overdue(self, today: dt.date) -> bool:
        """Past the publication deadline, carried past rest days (Civil Code Art. 203)."""
        return self.publication_deadline is not None and today > roll_forward(self.publication_deadline)


class Status(models.TextChoices):
    OPEN = "open", _("In progress")
    CLOSED = "closed", _("Closed")


class CarriedDue:
    """A deadline as set, and the day it falls due: a date on a rest day is due on the
    next working day (Civil Code Art. 203). Pages show both."""

    due_on: dt.date

    @property
    def due_carried_to(self) -> dt.date | None:
        """The next working day when ``due_on`` is a rest day, else None."""
        carried = roll_forward(self.due_on)
        return carried if carried != self.due_on else None

    @property
    def due_provisional(self) -> bool:
        """The day it falls due is read from a year without an official arrangement yet
        (the estimate): a calendar import may still move it, so pages mark it."""
        return carry(self.due_on).provisional


class TaskLights:
    """Today's lights of a campaign's tasks as filters (rule 2): the shared light's
    dividing dates (``Thresholds``) with the campaign's red card and catch-up rules on top,
    so the lights of thousands of tasks are a filter, not a loop."""

    def __init__(self, campaign: Campaign, today: dt.date) -> None:
        self.shared = Thresholds.on(today, KIND)
        self.period_start = campaign.period_start(today)

    def red(self) -> Q:
        return Q(red_carded=True) | (Q(status=Status.OPEN) & self.shared.red("due_on"))

    def yellow(self) -> Q:
        soon = Q(status=Status.OPEN) & self.shared.yellow("due_on")
        return ~self.red() & (soon | Q(caught_up_on__gte=self.period_start))

    def green(self) -> Q:
        return ~self.red() & ~self.yellow()


class TaskQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> Self:
        if not getattr(user, "is_authenticated", False) or user.district_id is None:
            return self.none()
        return self.filter(campaign__district_id=user.district_id)

    def of_unit(self, unit: Any) -> Self:
        return self.filter(Q(lead_unit=unit) | Q(co_units=unit)).distinct()


class Task(CarriedDue, models.Model):
    """One row of the task table (任务分解表)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="tasks")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children", verbose_name=_("parent")
    )
    number = models.CharField(_("number"), max_length=20)
    form = models.CharField(_("form"), max_length=200)
    content = models.TextField(_("task content"))
    measures = models.TextField(_("measures"), blank=True)
    due_on = models.DateField(_("deadline"))
    original_due_on = models.DateField(_("original deadline"))
    extensions = models.PositiveSmallIntegerField(_("extensions"), default=0)
    lead_unit = models.ForeignKey(
        "accounts.Department", on_delete=models.PROTECT, related_name="campaign_tasks", verbose_name=_("lead unit")
    )
    co_units = models.ManyToManyField(
        "accounts.Department", blank=True, related_name="campaign_co_tasks", verbose_name=_("co-units")
    )
    weight = models.DecimalField(_("weight"), max_digits=6, decimal_places=2, null=True, blank=True)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    # The day a red task caught up (closed late or got a new deadline): yellow until the
    # next reporting period begins.
    caught_up_on = models.DateField(null=True, blank=True)
    red_carded = models.BooleanField(_("red card"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    modified_at = models.DateTimeField(auto_now=True)

    objects = TaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["campaign", "number"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "number"], name="campaign_task_number_unique"),
            models.CheckConstraint(condition=Q(progress__lte=100), name="campaign_task_progress_max"),
        ]
        indexes = [models.Index(fields=["campaign", "lead_unit", "status", "due_on"], name="campaign_task_board_idx")]

    def __str__(self) -> str:
        return f"{self.number} {self.content[:40]}"

    @property
    def is_open(self) -> bool:
        return self.status == Status.OPEN

    @property
    def extended(self) -> bool:
        return self.due_on != self.original_due_on

    def light(self, today: dt.date, *, period_start: dt.date | None = None) -> Light:
        """The task's traffic light on ``today`` (rule 2 of the module docstring)."""
        if self.red_carded:
            return Light.RED
        shared = light(self.due_on, today, kind=KIND) if self.is_open else Light.GREEN
        if shared == Light.RED:
            return Light.RED
        start = period_start or self.campaign.period_start(today)
        if self.caught_up_on is not None and self.caught_up_on >= start:
            return Light.YELLOW
        return shared

    def overdue(self, today: dt.date) -> bool:
        """Open and past its deadline, carried past rest days (Art. 203): what the red
        reminder and the catch-up rule count as late."""
        return self.is_open and light(self.due_on, today, kind=KIND) == Light.RED

    def rolled_up_progress(self, children: list["Task"]) -> int:
        """Rule 3: the weighted sum of the children's progress, the plain average when
        any child carries no weight."""
        if not children:
            return self.progress
        weights = [child.weight for child in children]
        if all(w is not None and w > 0 for w in weights):
            total = sum((w for w in weights if w is not None), Decimal(0))
            value = sum((Decimal(c.progress) * (c.weight or 0) for c in children), Decimal(0)) / total
        else:
            value = Decimal(sum(c.progress for c in children)) / len(children)
        return int(value.quantize(Decimal(1), rounding="ROUND_HALF_UP"))


class Problem(CarriedDue, models.Model):
    """One item of a unit's problem list (问题清单 · 症结根源 · 整改措施)."""

    class State(models.TextChoices):
        OPEN = "open", _("Being rectified")
        EVIDENCE = "evidence", _("Evidence submitted")
        CLOSED = "closed", _("Rectified")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="problems")
    unit = models.ForeignKey(
        "accounts.Department", on_delete=models.PROTECT, related_name="campaign_problems", verbose_name=_("unit")
    )
    problem = models.TextField(_("problem"))
    root_cause = models.TextField(_("root cause"))
    measures = models.TextField(_("rectification measures"))
    due_on = models.DateField(_("deadline"))
    original_due_on = models.DateField(_("original deadline"))
    extensions = models.PositiveSmallIntegerField(_("extensions"), default=0)
    responsible = models.CharField(_("person responsible"), max_length=100)
    state = models.CharField(_("status"), max_length=10, choices=State.choices, default=State.OPEN)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("problem")
        verbose_name_plural = _("problems")
        ordering = ["campaign", "unit", "pk"]
        indexes = [models.Index(fields=["campaign", "unit", "state"], name="campaign_problem_unit_idx")]

    def __str__(self) -> str:
        return self.problem[:60]

    @property
    def extended(self) -> bool:
        return self.due_on != self.original_due_on


class Publication(models.Model):
    """A unit's problem list published to the public (向社会公开)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="publications")
    unit = models.ForeignKey("accounts.Department", on_delete=models.PROTECT, related_name="+")
    published_on = models.DateField(_("published on"))
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("publication")
        verbose_name_plural = _("publications")
        constraints = [models.UniqueConstraint(fields=["campaign", "unit"], name="campaign_publication_unique")]

    def __str__(self) -> str:
        return f"{self.unit} {self.published_on}"

    def late(self) -> bool:
        deadline = self.campaign.publication_deadline
        return deadline is not None and self.published_on > roll_forward(deadline)


class Event(models.Model):
    """The append-only timeline of a task or a problem: who, when, what, why."""

    class Verb(models.TextChoices):
        CREATE = "create", _("Listed")
        REPORT = "report", _("Progress reported")
        CLOSE = "close", _("Closed")
        EXTEND_REQUEST = "extend_request", _("New deadline requested")
        EXTEND = "extend", _("New deadline granted")
        EXTEND_REFUSE = "extend_refuse", _("New deadline refused")
        RED_CARD = "red_card", _("Red card")
        RED_CARD_LIFT = "red_card_lift", _("Red card lifted")
        EVIDENCE = "evidence", _("Evidence submitted")
        ACCEPT = "accept", _("Evidence accepted")
        REJECT = "reject", _("Evidence rejected")
        REMIND = "remind", _("Reminder sent")

    task = models.ForeignKey(Task, null=True, blank=True, on_delete=models.CASCADE, related_name="events")
    problem = models.ForeignKey(Problem, null=True, blank=True, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    verb = models.CharField(max_length=20, choices=Verb.choices)
    note = models.TextField(blank=True)
    percent = models.PositiveSmallIntegerField(null=True, blank=True)
    documents = models.ManyToManyField("documents.Document", blank=True, related_name="+")

    class Meta:
        ordering = ["at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(task__isnull=False, problem__isnull=True) | Q(task__isnull=True, problem__isnull=False),
                name="campaign_event_one_subject",
            )
        ]

    def __str__(self) -> str:
        return f"{self.verb} {self.at:%Y-%m-%d}"

    @property
    def public_note(self) -> str:
        """The note as the public sees it: ID and mobile numbers masked."""
        return mask_text(self.note)


# Timeline verbs the public sees on a published problem list (who did it is not shown).
PUBLIC_VERBS = {
    Event.Verb.CREATE,
    Event.Verb.REPORT,
    Event.Verb.EXTEND,
    Event.Verb.EVIDENCE,
    Event.Verb.ACCEPT,
    Event.Verb.REJECT,
}


class Extension(models.Model):
    """A unit's request for a new deadline, with its reason, and the decision."""

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        GRANTED = "granted", _("Granted")
        REFUSED = "refused", _("Refused")

    task = models.ForeignKey(Task, null=True, blank=True, on_delete=models.CASCADE, related_name="extension_requests")
    problem = models.ForeignKey(
        Problem, null=True, blank=True, on_delete=models.CASCADE, related_name="extension_requests"
    )
    reason = models.TextField(_("reason"))
    requested_due_on = models.DateField(_("new deadline"))
    previous_due_on = models.DateField(_("previous deadline"))
    state = models.CharField(_("status"), max_length=10, choices=State.choices, default=State.PENDING)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["requested_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["task"], condition=Q(state="pending", task__isnull=False), name="campaign_one_pending_task_ext"
            ),
            models.UniqueConstraint(
                fields=["problem"],
                condition=Q(state="pending", problem__isnull=False),
                name="campaign_one_pending_problem_ext",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.previous_due_on} → {self.requested_due_on} ({self.state})"


class Evidence(models.Model):
    """Evidence that a problem is rectified; the item closes only when an inspector accepts it."""

    class State(models.TextChoices):
        PENDING = "pending", _("Awaiting review")
        ACCEPTED = "accepted", pgettext_lazy("evidence", "Accepted")
        REJECTED = "rejected", _("Rejected")

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="evidence")
    note = models.TextField(_("what was done"))
    documents = models.ManyToManyField("documents.Document", blank=True, related_name="+")
    state = models.CharField(_("status"), max_length=10, choices=State.choices, default=State.PENDING)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)

    class Meta:
        ordering = ["submitted_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["problem"], condition=Q(state="pending"), name="campaign_one_pending_evidence"
            )
        ]

    def __str__(self) -> str:
        return f"{self.problem} ({self.state})"


class Reminder(models.Model):
    """A 催办 reminder sent, kept as data: one per task, kind and deadline, so the job can
    run any number of times and each reminder goes out once."""

    class Kind(models.TextChoices):
        BEFORE = "before", _("Deadline approaching")
        RED = "red", _("Overdue")

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    due_on = models.DateField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["task", "kind", "due_on"], name="campaign_reminder_once"),
        ]

    def __str__(self) -> str:
        return f"{self.task} {self.kind} {self.due_on}"
