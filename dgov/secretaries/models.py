"""Project secretaries (项目秘书制) and the green channel for major projects (绿色通道).

DOMAIN.md §3: every key project has one named secretary (一对一 · 包保) and a responsible
district leader; the secretary contacts the enterprise at least weekly (每周至少对接一次),
visits monthly and meets quarterly (一月一访 · 一季一会), and carries the enterprise's
issues (困难诉求) up a fixed ladder. Every act leaves a trace (全程留痕).

DOMAIN.md §1: an application of a key project may enter the green channel (领办制): a
named lead official answers for it under a shortened promised limit.
"""

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dgov.accounts.models import DistrictScopedQuerySet
from dgov.lib.personal import mask_text
from dgov.workdays.lights import Light, light

# Settings (with defaults): see ``dgov/secretaries/rules.py``.


class SecretaryshipQuerySet(DistrictScopedQuerySet):
    def of_person(self, user: Any) -> "SecretaryshipQuerySet":
        """The projects ``user`` answers for, as secretary or as responsible leader."""
        return self.filter(Q(secretary=user) | Q(leader=user))

    def overdue(self, today: dt.date) -> "SecretaryshipQuerySet":
        from dgov.secretaries.rules import contact_cutoff

        return self.filter(last_contact_on__lt=contact_cutoff(today))


class Secretaryship(models.Model):
    """Who answers for a key project now: its secretary and its responsible leader.

    One row per project; a reassignment changes the row and appends an
    ``AssignmentChange``, so the trail is kept. ``last_contact_on`` is the day of the
    latest contact that counts toward the weekly rule (the assignment day until then).
    """

    district = models.ForeignKey("accounts.District", on_delete=models.PROTECT, related_name="+")
    project = models.OneToOneField("investment.Project", on_delete=models.PROTECT, related_name="secretaryship")
    secretary = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="secretaryships", verbose_name=_("secretary")
    )
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="led_secretaryships",
        verbose_name=_("responsible leader"),
    )
    assigned_on = models.DateField(_("assigned on"))
    stage_when_assigned = models.CharField(_("stage when assigned"), max_length=20)
    last_contact_on = models.DateField(_("last counted contact"))
    counted_contacts = models.PositiveIntegerField(_("counted contacts"), default=0)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SecretaryshipQuerySet.as_manager()

    class Meta:
        verbose_name = _("project secretaryship")
        verbose_name_plural = _("project secretaryships")
        permissions = [
            ("view_project_service", "Can see the project secretaries' pages of the district"),
            ("assign_secretary", "Can assign a key project's secretary and responsible leader"),
        ]
        indexes = [
            models.Index(fields=["district", "last_contact_on"], name="secretaryship_overdue_idx"),
            models.Index(fields=["secretary", "last_contact_on"], name="secretaryship_sec_idx"),
            models.Index(fields=["leader", "last_contact_on"], name="secretaryship_leader_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.project} · {self.secretary}"

    @classmethod
    def of(cls, project: Any) -> "Secretaryship | None":
        """Who answers for ``project`` now (None before a secretary is named)."""
        return cls.objects.filter(project=project).select_related("secretary", "leader").first()


class AssignmentChange(models.Model):
    """Append-only trail of who was secretary and leader of a project, and why it changed."""

    secretaryship = models.ForeignKey(Secretaryship, on_delete=models.PROTECT, related_name="changes")
    from_secretary = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_secretary = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    from_leader = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_leader = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.secretaryship_id} {self.at}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("AssignmentChange rows are append-only.")
        super().save(*args, **kwargs)


class Method(models.TextChoices):
    VISIT = "visit", _("Visit on site")
    MEETING = "meeting", _("Meeting")
    PHONE = "phone", _("Phone call")
    VIDEO = "video", _("Video call")
    MESSAGE = "message", _("Message")
    OTHER = "other", _("Other")


class ContactQuerySet(DistrictScopedQuerySet):
    def counted(self) -> "ContactQuerySet":
        return self.filter(counted_at__isnull=False)


class Contact(models.Model):
    """One contact (对接) of the secretary with the enterprise.

    It counts toward the weekly rule once the enterprise confirms it (through the signed
    link or as the enterprise's user) or once evidence is attached.
    """

    district = models.ForeignKey("accounts.District", on_delete=models.PROTECT, related_name="+")
    project = models.ForeignKey("investment.Project", on_delete=models.PROTECT, related_name="secretary_contacts")
    secretary = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    on = models.DateField(_("date"))
    method = models.CharField(_("method"), max_length=10, choices=Method.choices)
    people = models.CharField(_("who took part"), max_length=300)
    discussion = models.TextField(_("what was discussed"))
    issues_raised = models.TextField(_("issues raised"), blank=True)
    attachments = models.ManyToManyField("documents.Document", blank=True, related_name="+")
    confirmed_at = models.DateTimeField(_("confirmed by the enterprise at"), null=True, blank=True)
    confirmed_by_name = models.CharField(_("confirmed by"), max_length=100, blank=True)
    counted_at = models.DateTimeField(_("counted at"), null=True, blank=True)
    idempotency_key = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ContactQuerySet.as_manager()

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["-on", "-pk"]
        permissions = [("log_contact", "Can log contacts, plan visits and raise issues for own key projects")]
        indexes = [models.Index(fields=["project", "-on"], name="contact_project_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["secretary", "idempotency_key"], condition=~Q(idempotency_key=""), name="contact_idempotency"
            )
        ]

    def __str__(self) -> str:
        return f"{self.project} {self.on.isoformat()}"

    @property
    def counts(self) -> bool:
        return self.counted_at is not None

    @property
    def masked_people(self) -> str:
        return mask_text(self.people)

    @property
    def masked_discussion(self) -> str:
        return mask_text(self.discussion)

    @property
    def masked_issues_raised(self) -> str:
        return mask_text(self.issues_raised)


class EngagementQuerySet(DistrictScopedQuerySet):
    def missed(self, today: dt.date) -> "EngagementQuerySet":
        """Not held, and the month (visit) or quarter (meeting) is over."""
        month = today.replace(day=1)
        quarter = dt.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
        return self.filter(held_by__isnull=True).filter(
            Q(kind="visit", period_start__lt=month) | Q(kind="meeting", period_start__lt=quarter)
        )

    def late(self, today: dt.date) -> "EngagementQuerySet":
        """Monthly visits not held whose planned day passed, the month still running. A
        quarter's meeting is never late before the quarter ends: the rule asks for one
        meeting in the quarter, not on the planned day."""
        missed = self.missed(today).values("pk")
        return self.filter(kind="visit", held_by__isnull=True, planned_on__lt=today).exclude(pk__in=missed)


class Engagement(models.Model):
    """A scheduled monthly visit or quarterly meeting (一月一访 · 一季一会)."""

    class Kind(models.TextChoices):
        MONTHLY_VISIT = "visit", _("Monthly visit")
        QUARTERLY_MEETING = "meeting", _("Quarterly meeting")

    district = models.ForeignKey("accounts.District", on_delete=models.PROTECT, related_name="+")
    project = models.ForeignKey("investment.Project", on_delete=models.PROTECT, related_name="engagements")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    period_start = models.DateField(_("period"))
    planned_on = models.DateField(_("planned on"))
    held_by = models.ForeignKey(Contact, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = EngagementQuerySet.as_manager()

    class Meta:
        verbose_name = _("scheduled visit or meeting")
        verbose_name_plural = _("scheduled visits and meetings")
        ordering = ["planned_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["project", "kind", "period_start"], name="engagement_once_per_period")
        ]

    def __str__(self) -> str:
        return f"{self.project} {self.kind} {self.period_start.isoformat()}"

    @property
    def period_end(self) -> dt.date:
        months = 1 if self.kind == self.Kind.MONTHLY_VISIT else 3
        year, month = divmod(self.period_start.month - 1 + months, 12)
        return dt.date(self.period_start.year + year, month + 1, 1) - dt.timedelta(days=1)

    def state(self, today: dt.date) -> str:
        """held; missed (period over, not held); late (a visit's planned day passed); planned.
        A meeting is only missed once its quarter is over (``EngagementQuerySet.late``)."""
        if self.held_by_id is not None:
            return "held"
        if today > self.period_end:
            return "missed"
        if self.kind == self.Kind.MONTHLY_VISIT and today > self.planned_on:
            return "late"
        return "planned"


class IssueKind(models.TextChoices):
    APPROVAL = "approval", _("Project approval")
    LAND = "land", _("Land acquisition")
    DEMOLITION = "demolition", _("Demolition")
    PLANNING = "planning", _("Planning")
    FINANCING = "financing", _("Financing")
    LABOUR = "labour", _("Labour")
    OTHER = "other", _("Other")


class Level(models.TextChoices):
    """The escalation ladder, in order; a level may not be skipped."""

    DEPARTMENT = "department", _("Department")
    LEAD_DEPARTMENT = "lead_department", _("Lead department")
    JOINT_MEETING = "joint_meeting", _("Joint meeting")
    DISTRICT_LEADER = "district_leader", _("District leader")


LADDER = list(Level)


class IssueStatus(models.TextChoices):
    OPEN = "open", _("Open at this level")
    DECLINED = "declined", _("Declined at this level")
    RESOLVED = "resolved", _("Resolved")


class IssueQuerySet(DistrictScopedQuerySet):
    def open(self) -> "IssueQuerySet":
        return self.exclude(status=IssueStatus.RESOLVED)


class Rating(models.IntegerChoices):
    """The five levels of 国办发〔2019〕51号."""

    VERY_SATISFIED = 5, _("Very satisfied")
    SATISFIED = 4, _("Satisfied")
    FAIRLY_SATISFIED = 3, _("Fairly satisfied")
    DISSATISFIED = 2, _("Dissatisfied")
    VERY_DISSATISFIED = 1, _("Very dissatisfied")


class EnterpriseIssue(models.Model):
    """An enterprise's difficulty or request (困难诉求), routed up the ladder."""

    district = models.ForeignKey("accounts.District", on_delete=models.PROTECT, related_name="+")
    project = models.ForeignKey("investment.Project", on_delete=models.PROTECT, related_name="enterprise_issues")
    contact = models.ForeignKey(Contact, null=True, blank=True, on_delete=models.PROTECT, related_name="issues")
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    raised_on = models.DateField(_("raised on"))
    kind = models.CharField(_("kind"), max_length=20, choices=IssueKind.choices)
    title = models.CharField(_("issue"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    level = models.CharField(_("level"), max_length=20, choices=Level.choices, default=Level.DEPARTMENT)
    department = models.ForeignKey(
        "accounts.Department", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(_("status"), max_length=10, choices=IssueStatus.choices, default=IssueStatus.OPEN)
    deadline = models.OneToOneField("workdays.Deadline", on_delete=models.PROTECT, related_name="+")
    resolution = models.TextField(_("resolution"), blank=True)
    resolved_on = models.DateField(_("resolved on"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolved_on_time = models.BooleanField(_("resolved on time"), null=True, blank=True)
    rating = models.PositiveSmallIntegerField(_("enterprise rating"), choices=Rating.choices, null=True, blank=True)
    rating_comment = models.CharField(_("comment"), max_length=500, blank=True)
    rated_at = models.DateTimeField(null=True, blank=True)
    idempotency_key = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = IssueQuerySet.as_manager()

    class Meta:
        verbose_name = _("enterprise issue")
        verbose_name_plural = _("enterprise issues")
        ordering = ["-raised_on", "-pk"]
        permissions = [
            ("handle_enterprise_issue", "Can resolve or decline enterprise issues routed to own department"),
            ("chair_joint_meeting", "Can record the outcome of the joint meeting on enterprise issues"),
        ]
        indexes = [
            models.Index(fields=["district", "status", "department"], name="issue_queue_idx"),
            models.Index(fields=["project", "status"], name="issue_project_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(level__in=["department", "lead_department"]) | Q(department__isnull=False),
                name="issue_department_level_has_department",
            ),
            models.UniqueConstraint(
                fields=["raised_by", "idempotency_key"], condition=~Q(idempotency_key=""), name="issue_idempotency"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status != IssueStatus.RESOLVED

    @property
    def next_level(self) -> Level | None:
        index = LADDER.index(Level(self.level))
        return LADDER[index + 1] if index + 1 < len(LADDER) else None

    def light(self, today: dt.date) -> Light | None:
        """The deadline light of the present level while the issue is open (kind
        "secretary"): red once the level's time has run out."""
        return light(self.deadline.due_date, today, kind="secretary") if self.is_open else None


class IssueStep(models.Model):
    """Append-only log of the issue's way up the ladder: each level, its due day, outcome."""

    class Outcome(models.TextChoices):
        PENDING = "pending", _("Awaiting answer")
        DECLINED = "declined", _("Declined")
        EXPIRED = "expired", _("Time ran out")
        RESOLVED = "resolved", _("Resolved")

    issue = models.ForeignKey(EnterpriseIssue, on_delete=models.CASCADE, related_name="steps")
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    department = models.ForeignKey(
        "accounts.Department", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    started_on = models.DateField(_("started"))
    # The level's time limit, read from the deadline (recomputed on a calendar import),
    # never copied: the issue's ``deadline`` is the pending step's.
    deadline = models.ForeignKey("workdays.Deadline", on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, default=Outcome.PENDING)
    note = models.TextField(_("note"), blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.issue_id} {self.level}"


class GreenChannelQuerySet(DistrictScopedQuerySet):
    pass


class GreenChannelCase(models.Model):
    """An application of a key project in the green channel (重大项目绿色通道 · 领办制).

    The lead official (领办人) answers for it; its promised limit is shortened to
    ``promised_days`` working days from acceptance (the application's own clocks are
    unchanged; the card shows both). The shortened date is a ``Deadline`` of its own that
    follows the application's promised deadline: it stops when the case's clock stops.
    """

    district = models.ForeignKey("accounts.District", on_delete=models.PROTECT, related_name="+")
    application = models.OneToOneField(
        "applications.Application", on_delete=models.PROTECT, related_name="green_channel"
    )
    project = models.ForeignKey("investment.Project", on_delete=models.PROTECT, related_name="green_channel_cases")
    lead_official = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("lead official")
    )
    promised_days = models.PositiveSmallIntegerField(_("shortened promised limit (working days)"))
    # Counted from acceptance, following the application's clock stops (Art. 45); set once
    # the application is accepted (``actions.start_green_deadline``).
    deadline = models.OneToOneField(
        "workdays.Deadline", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=300)
    entered_on = models.DateField(_("entered on"))
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = GreenChannelQuerySet.as_manager()

    class Meta:
        verbose_name = _("green-channel case")
        verbose_name_plural = _("green-channel cases")
        ordering = ["-entered_on", "-pk"]
        permissions = [
            ("manage_green_channel", "Can put key-project applications into the green channel"),
            ("view_green_channel", "Can see the green-channel cases and their report"),
        ]

    def __str__(self) -> str:
        return f"{self.application} · {self.project}"
