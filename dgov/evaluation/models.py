"""Public evaluation, talks, the unit heads' column and research reports (DOMAIN.md §4).

Three evaluation channels feed one table, ``Evaluation``: the public (社会评议, anyone,
limited per device and address), those a unit served (服务对象测评, invited by a code
tied to one case or one visit) and satisfaction surveys (群众满意度测评) defined by
administrators. Comments are shown publicly only after moderation.

Talks (谈心谈话) are confidential: their content is readable by the two people and by
holders of ``inspect_talks``; everybody else sees counts. Column articles (一把手谈解放思想)
are released in batches and are invisible before their batch's date.
"""

import datetime as dt
from typing import Any, Self

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dgov.accounts.models import DistrictScopedQuerySet

# Settings (a district may change them in settings.py; these are the defaults).
DEFAULTS: dict[str, int] = {
    # Abuse limits of the public channels: evaluations per client address and per
    # device (session) within the window.
    "EVALUATION_MAX_PER_ADDRESS": 30,
    "EVALUATION_MAX_PER_DEVICE": 10,
    "EVALUATION_LIMIT_WINDOW_MINUTES": 60,
    # Talks each unit head should hold per month (谈心谈话).
    "EVALUATION_TALKS_PER_MONTH": 2,
    # Research reports: length limit in characters, and per unit per campaign.
    "EVALUATION_REPORT_MAX_CHARS": 10000,
    "EVALUATION_REPORTS_MIN_PER_UNIT": 1,
    "EVALUATION_REPORTS_MAX_PER_UNIT": 3,
}


def setting(name: str) -> int:
    return int(getattr(settings, name, DEFAULTS[name]))


class Level(models.IntegerChoices):
    """The five levels of GB/T 39734 and 国办发〔2019〕51号; the last two are bad ratings."""

    VERY_SATISFIED = 5, _("Very satisfied")
    SATISFIED = 4, _("Satisfied")
    FAIRLY_SATISFIED = 3, _("Fairly satisfied")
    DISSATISFIED = 2, _("Dissatisfied")
    VERY_DISSATISFIED = 1, _("Very dissatisfied")


class Measure(models.TextChoices):
    """What the public and those served rate a unit on."""

    RECTIFICATION = "rectification", _("Rectification measures")
    ATTITUDE = "attitude", _("Service attitude")
    EFFICIENCY = "efficiency", _("Efficiency")
    CONDUCT = "conduct", _("Work style")


class Channel(models.TextChoices):
    PUBLIC = "public", _("Public evaluation")
    SERVED = "served", _("Evaluation by those served")
    SURVEY = "survey", _("Satisfaction survey")


class Scale(models.TextChoices):
    FIVE_LEVELS = "five", _("Five levels (very dissatisfied to very satisfied)")
    TEN_POINTS = "ten", _("Score from 0 to 10")
    YES_NO = "yesno", _("Yes or no")


SCALE_RANGES: dict[str, tuple[int, int]] = {
    Scale.FIVE_LEVELS: (1, 5),
    Scale.TEN_POINTS: (0, 10),
    Scale.YES_NO: (0, 1),
}


class CommentStatus(models.TextChoices):
    NONE = "none", _("No comment")
    PENDING = "pending", _("Awaiting moderation")
    APPROVED = "approved", _("Shown publicly")
    REJECTED = "rejected", _("Not shown")


class Survey(models.Model):
    """A satisfaction survey (群众满意度测评): questions with scales, open for a period."""

    district = models.ForeignKey("accounts.District", on_delete=models.PROTECT, related_name="+")
    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.PROTECT, related_name="surveys")
    title = models.CharField(_("title"), max_length=200)
    introduction = models.TextField(_("introduction"), blank=True)
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    units = models.ManyToManyField(
        "accounts.Department", blank=True, related_name="+", verbose_name=_("units evaluated")
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = DistrictScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("satisfaction survey")
        verbose_name_plural = _("satisfaction surveys")
        ordering = ["-opens_on", "-id"]
        permissions = [("manage_surveys", "Can define satisfaction surveys")]
        constraints = [models.CheckConstraint(condition=Q(closes_on__gte=models.F("opens_on")), name="survey_period")]

    def __str__(self) -> str:
        return self.title

    def is_open(self, today: dt.date) -> bool:
        return self.opens_on <= today <= self.closes_on

    def unit_choices(self) -> Any:
        from dgov.accounts.models import Department

        chosen = self.units.all()
        return chosen if chosen.exists() else Department.objects.filter(district_id=self.district_id)


class Question(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(_("position"))
    text = models.CharField(_("question"), max_length=300)
    scale = models.CharField(_("scale"), max_length=10, choices=Scale.choices, default=Scale.FIVE_LEVELS)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["survey", "position"]
        constraints = [models.UniqueConstraint(fields=["survey", "position"], name="question_position_unique")]

    def __str__(self) -> str:
        return self.text

    @property
    def bounds(self) -> tuple[int, int]:
        return SCALE_RANGES[self.scale]


class Invitation(models.Model):
    """An invitation to evaluate, tied to one case or one visit (一事一评 / 一次一评)."""

    district = models.ForeignKey("accounts.District", on_delete=models.PROTECT, related_name="+")
    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.PROTECT, related_name="invitations")
    unit = models.ForeignKey("accounts.Department", on_delete=models.PROTECT, related_name="+")
    application = models.ForeignKey(
        "applications.Application", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    visit = models.ForeignKey("applications.Visit", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    code = models.CharField(_("invitation code"), max_length=12, unique=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = DistrictScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("invitation to evaluate")
        verbose_name_plural = _("invitations to evaluate")
        permissions = [("invite_evaluation", "Can invite those served to evaluate a case or visit")]
        constraints = [
            models.CheckConstraint(
                condition=(Q(visit__isnull=True) & Q(application__isnull=False))
                | (Q(visit__isnull=False) & Q(application__isnull=True)),
                name="invitation_case_or_visit",
            ),
            models.UniqueConstraint(
                fields=["campaign", "application"], condition=Q(application__isnull=False), name="invitation_per_case"
            ),
            models.UniqueConstraint(
                fields=["campaign", "visit"], condition=Q(visit__isnull=False), name="invitation_per_visit"
            ),
        ]

    def __str__(self) -> str:
        return self.code


class EvaluationQuerySet(DistrictScopedQuerySet):
    def shown_comments(self) -> Self:
        return self.filter(comment_status=CommentStatus.APPROVED)


class Evaluation(models.Model):
    """One evaluation of one unit through one channel, with a score per measure or question."""

    district = models.ForeignKey("accounts.District", on_delete=models.PROTECT, related_name="+")
    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.PROTECT, related_name="evaluations")
    unit = models.ForeignKey("accounts.Department", on_delete=models.PROTECT, related_name="evaluations")
    channel = models.CharField(_("evaluation channel"), max_length=10, choices=Channel.choices)
    survey = models.ForeignKey(Survey, null=True, blank=True, on_delete=models.PROTECT, related_name="responses")
    invitation = models.OneToOneField(
        Invitation, null=True, blank=True, on_delete=models.PROTECT, related_name="evaluation"
    )
    comment = models.TextField(_("comment"), max_length=1000, blank=True)
    comment_status = models.CharField(
        _("comment status"), max_length=10, choices=CommentStatus.choices, default=CommentStatus.NONE
    )
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    moderated_at = models.DateTimeField(null=True, blank=True)
    moderation_reason = models.CharField(_("reason"), max_length=200, blank=True)
    # Abuse limits: keyed hashes, never the raw address or session (personal data).
    day = models.DateField()
    device = models.CharField(max_length=64, blank=True)
    address = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = EvaluationQuerySet.as_manager()

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        ordering = ["-created_at"]
        permissions = [
            ("view_results", "Can see and export evaluation results"),
            ("moderate_comment", "Can moderate evaluation comments"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "day", "device"], condition=Q(channel="public"), name="public_once_per_unit_day_device"
            ),
            models.UniqueConstraint(
                fields=["survey", "unit", "device"], condition=Q(channel="survey"), name="survey_once_per_unit_device"
            ),
            models.CheckConstraint(
                condition=(Q(channel="served") & Q(invitation__isnull=False))
                | (Q(channel="survey") & Q(survey__isnull=False))
                | Q(channel="public"),
                name="evaluation_channel_source",
            ),
        ]
        indexes = [
            models.Index(fields=["address", "created_at"], name="evaluation_address_idx"),
            models.Index(fields=["device", "created_at"], name="evaluation_device_idx"),
            models.Index(fields=["district", "comment_status"], name="evaluation_moderation_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.channel} {self.day}"


class LimitLock(models.Model):
    """A row locked while an address's or a device's recent evaluations are counted and the
    new one is written, so that parallel requests cannot each find room under the limit.
    Addresses and devices share a fixed number of stripes: the table stays small."""

    stripe = models.PositiveIntegerField(primary_key=True)
    hits = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return str(self.stripe)


class Score(models.Model):
    """The value given to one measure (public, served) or one survey question."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="scores")
    measure = models.CharField(_("measure"), max_length=20, choices=Measure.choices, blank=True)
    question = models.ForeignKey(Question, null=True, blank=True, on_delete=models.PROTECT, related_name="scores")
    value = models.SmallIntegerField(_("value"))

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation", "measure"], condition=Q(question__isnull=True), name="score_once_per_measure"
            ),
            models.UniqueConstraint(
                fields=["evaluation", "question"], condition=Q(question__isnull=False), name="score_once_per_question"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.measure or self.question_id}={self.value}"


# Talks ----------------------------------------------------------------------------------


class TalkQuerySet(DistrictScopedQuerySet):
    def readable_by(self, user: Any) -> Self:
        """Talks whose content ``user`` may read: the two people, and inspectors."""
        mine = self.visible_to(user)
        if user.has_perm("evaluation.inspect_talks"):
            return mine
        return mine.filter(Q(leader=user) | Q(counterpart=user))


class Talk(models.Model):
    """A heart-to-heart talk (谈心谈话): who talked with whom, when, about what, follow-up."""

    district = models.ForeignKey("accounts.District", on_delete=models.PROTECT, related_name="+")
    campaign = models.ForeignKey(
        "campaigns.Campaign", null=True, blank=True, on_delete=models.PROTECT, related_name="talks"
    )
    unit = models.ForeignKey("accounts.Department", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="talks_led", verbose_name=_("leader")
    )
    counterpart = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="talks_received", verbose_name=_("talked with")
    )
    held_on = models.DateField(_("held on"))
    topic = models.CharField(_("topic"), max_length=200)
    content = models.TextField(_("content"))
    follow_up = models.TextField(_("follow-up"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TalkQuerySet.as_manager()

    class Meta:
        verbose_name = _("talk")
        verbose_name_plural = _("talks")
        ordering = ["-held_on", "-id"]
        permissions = [
            ("record_talk", "Can record talks held as a leader"),
            ("inspect_talks", "Can read the content of every talk"),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(leader=models.F("counterpart")), name="talk_between_two_people")
        ]
        indexes = [models.Index(fields=["district", "held_on"], name="talk_period_idx")]

    def __str__(self) -> str:
        return f"{self.held_on} {self.topic}"


# The unit heads' column -------------------------------------------------------------------


class ColumnBatch(models.Model):
    """A batch of the column (分批公布), released on its date."""

    district = models.ForeignKey("accounts.District", on_delete=models.PROTECT, related_name="+")
    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.PROTECT, related_name="column_batches")
    number = models.PositiveSmallIntegerField(_("batch number"))
    release_on = models.DateField(_("released on"))

    objects = DistrictScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("column batch")
        verbose_name_plural = _("column batches")
        ordering = ["campaign", "number"]
        constraints = [models.UniqueConstraint(fields=["campaign", "number"], name="column_batch_number_unique")]

    def __str__(self) -> str:
        return f"{self.number} ({self.release_on:%Y-%m-%d})"


class ArticleStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted for review")
    RETURNED = "returned", _("Returned for revision")
    APPROVED = "approved", _("Approved for release")


class ColumnArticleQuerySet(DistrictScopedQuerySet):
    def released(self, today: dt.date) -> Self:
        """What the public may read: approved, in a batch whose date has come."""
        return self.filter(status=ArticleStatus.APPROVED, batch__release_on__lte=today)

    def readable_by(self, user: Any, today: dt.date) -> Self:
        """Staff: reviewers see every article of the district, authors their own,
        everybody else only what is released."""
        mine = self.visible_to(user)
        if user.has_perm("evaluation.review_column"):
            return mine
        return mine.filter(Q(author=user) | Q(status=ArticleStatus.APPROVED, batch__release_on__lte=today))


class ColumnArticle(models.Model):
    """A unit head's article: 任务目标, 基本思路, 重点举措, 保障措施."""

    district = models.ForeignKey("accounts.District", on_delete=models.PROTECT, related_name="+")
    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.PROTECT, related_name="column_articles")
    unit = models.ForeignKey("accounts.Department", on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=200)
    task_goals = models.TextField(_("task goals"))
    basic_ideas = models.TextField(_("basic ideas"))
    key_measures = models.TextField(_("key measures"))
    guarantees = models.TextField(_("guarantees"))
    status = models.CharField(_("status"), max_length=10, choices=ArticleStatus.choices, default=ArticleStatus.DRAFT)
    batch = models.ForeignKey(
        ColumnBatch, null=True, blank=True, on_delete=models.PROTECT, related_name="articles", verbose_name=_("batch")
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    review_note = models.TextField(_("review note"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ColumnArticleQuerySet.as_manager()

    class Meta:
        verbose_name = _("column article")
        verbose_name_plural = _("column articles")
        ordering = ["-updated_at"]
        permissions = [
            ("write_column", "Can write the unit head's column article"),
            ("review_column", "Can review column articles and schedule their release"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="approved") | Q(batch__isnull=False), name="approved_article_has_batch"
            )
        ]
        indexes = [models.Index(fields=["district", "status", "batch"], name="column_release_idx")]

    def __str__(self) -> str:
        return self.title

    PARTS = ("task_goals", "basic_ideas", "key_measures", "guarantees")


# Research reports -----------------------------------------------------------------------


class ReportStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted for review")
    RETURNED = "returned", _("Returned for revision")
    ACCEPTED = "accepted", _("Adopted")


class ResearchReportQuerySet(DistrictScopedQuerySet):
    def readable_by(self, user: Any) -> Self:
        mine = self.visible_to(user)
        if user.has_perm("evaluation.review_report"):
            return mine
        return mine.filter(unit_id=user.department_id) if user.department_id else mine.none()

    def counting(self) -> Self:
        """Reports that count toward a unit's limit: all but those returned."""
        return self.exclude(status=ReportStatus.RETURNED)


class ResearchReport(models.Model):
    """A unit's research report (调研报告) on a contradiction holding development back."""

    district = models.ForeignKey("accounts.District", on_delete=models.PROTECT, related_name="+")
    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.PROTECT, related_name="research_reports")
    unit = models.ForeignKey("accounts.Department", on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=200)
    contradiction = models.CharField(_("contradiction or problem studied"), max_length=300)
    body = models.TextField(_("report"))
    status = models.CharField(_("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.SUBMITTED)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    review_note = models.TextField(_("review note"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ResearchReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("research report")
        verbose_name_plural = _("research reports")
        ordering = ["-created_at"]
        permissions = [
            ("submit_report", "Can submit the unit's research reports"),
            ("review_report", "Can review research reports"),
        ]

    def __str__(self) -> str:
        return self.title
