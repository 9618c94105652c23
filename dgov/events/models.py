"""Investment trips and events, targets, and concentrated project starts (DOMAIN.md §6).

1. A leader-led trip (带队赴京、沪、深 … 精准对接) or a negotiation event (招商洽谈会) has dates,
   places, a leader and participants (at least one), the enterprises met, and what each
   meeting produced: a lead or project of the pipeline (``investment.Project``) and a
   follow-up with its due date.
2. Target lists (世界500强, 央企, 行业龙头): each target shows whether and when contact was
   made, read from the meetings that name it.
3. A concentrated start (项目集中开工) gathers projects that start together. A project may
   join only at the stage 摘牌/供地 (land granted) with its permits done (see
   ``rules.permit_problems``); when the ceremony is held, each project moves to
   "construction started" through the pipeline's own action, with the ceremony in its log.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dgov.accounts.models import DistrictScopedQuerySet


class EventKind(models.TextChoices):
    TRIP = "trip", _("Leader-led investment trip")
    NEGOTIATION = "negotiation", _("Investment negotiation event")


class InvestmentEvent(models.Model):
    district = models.ForeignKey("accounts.District", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=12, choices=EventKind.choices)
    title = models.CharField(_("title"), max_length=200)
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("led by")
    )
    participants = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+", verbose_name=_("participants"))
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"))
    places = models.CharField(_("places"), max_length=200, help_text=_("Cities, e.g. 北京、上海、深圳"))
    purpose = models.TextField(_("purpose"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = DistrictScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("investment trip or event")
        verbose_name_plural = _("investment trips and events")
        ordering = ["-starts_on", "-pk"]
        permissions = [
            ("manage_events", "Can record investment trips, events, targets and concentrated starts"),
            ("view_events", "Can see investment trips, events, targets and concentrated starts"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="event_ends_after_start")
        ]

    def __str__(self) -> str:
        return self.title


class TargetCategory(models.TextChoices):
    FORTUNE_500 = "fortune500", _("Fortune Global 500")
    CENTRAL_SOE = "central_soe", _("Central state-owned enterprise")
    INDUSTRY_LEADER = "leader", _("Industry leader")
    OTHER = "other", _("Other")


class Target(models.Model):
    """An enterprise on the district's target lists."""

    district = models.ForeignKey("accounts.District", on_delete=models.PROTECT, related_name="+")
    category = models.CharField(_("list"), max_length=12, choices=TargetCategory.choices)
    name = models.CharField(_("enterprise"), max_length=200)
    industry = models.CharField(_("industry"), max_length=100, blank=True)
    headquarters = models.CharField(_("headquarters"), max_length=100, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = DistrictScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("target enterprise")
        verbose_name_plural = _("target enterprises")
        ordering = ["category", "name"]
        constraints = [models.UniqueConstraint(fields=["district", "name"], name="event_target_once")]

    def __str__(self) -> str:
        return self.name


class Meeting(models.Model):
    """An enterprise met on a trip or at an event, and what came of it."""

    event = models.ForeignKey(InvestmentEvent, on_delete=models.CASCADE, related_name="meetings")
    enterprise = models.CharField(_("enterprise"), max_length=200)
    target = models.ForeignKey(
        Target, null=True, blank=True, on_delete=models.PROTECT, related_name="meetings", verbose_name=_("target")
    )
    met_on = models.DateField(_("met on"))
    people = models.CharField(_("who was met"), max_length=300, blank=True)
    outcome = models.TextField(_("outcome"), blank=True)
    project = models.ForeignKey(
        "investment.Project",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="event_meetings",
        verbose_name=_("lead or project produced"),
    )
    follow_up = models.CharField(_("follow-up"), max_length=300, blank=True)
    follow_up_due = models.DateField(_("follow-up due"), null=True, blank=True)
    follow_up_done_on = models.DateField(_("follow-up done on"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("enterprise met")
        verbose_name_plural = _("enterprises met")
        ordering = ["met_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(follow_up="") | Q(follow_up_due__isnull=False), name="meeting_follow_up_has_due"
            )
        ]
        indexes = [models.Index(fields=["follow_up_done_on", "follow_up_due"], name="meeting_follow_up_idx")]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.met_on.isoformat()}"


class ConcentratedStart(models.Model):
    """A ceremony where several projects start construction together (项目集中开工)."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        HELD = "held", _("Held")

    district = models.ForeignKey("accounts.District", on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=200)
    held_on = models.DateField(_("day of the ceremony"))
    place = models.CharField(_("place"), max_length=200)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PLANNED)
    held_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = DistrictScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("concentrated start")
        verbose_name_plural = _("concentrated starts")
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return self.title


class StartEntry(models.Model):
    start = models.ForeignKey(ConcentratedStart, on_delete=models.CASCADE, related_name="entries")
    project = models.OneToOneField(
        "investment.Project", on_delete=models.PROTECT, related_name="concentrated_start"
    )  # a project starts once
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.start_id}:{self.project_id}"
