"""Ratings of cases and visits (好差评), the rectification of bad ratings, appeals of the
rated unit, and each district's rating policy.

国办发〔2019〕51号 and GB/T 39734: five levels, one rating per case (一事一评) or per
visit (一次一评); every bad rating gets a call-back and a rectification within a deadline;
a mistaken or malicious rating may be appealed and, if upheld, leaves the statistics.
"""

import datetime as dt
from typing import TYPE_CHECKING, Any, Self

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dgov.accounts.models import DistrictScopedQuerySet
from dgov.accounts.roles import DEPARTMENT_SCOPED
from dgov.workdays.lights import Light, light

if TYPE_CHECKING:
    from dgov.workdays.calendar import Due

DEEM_AFTER_DAYS = 7  # natural days after completion (Guangdong practice)


def rating_window(completed_on: dt.date) -> "Due":
    """The days the applicant has to rate a completed case before it counts as 基本满意:
    7 natural days from the day after completion (Civil Code Art. 201), ending on the next
    working day when the 7th is not one (Art. 203). Deemed only once it has ended."""
    from dgov.workdays.calendar import COMPLETED, add_natural_days

    return add_natural_days(completed_on, DEEM_AFTER_DAYS, COMPLETED)


def default_rectification_days() -> int:
    return int(getattr(settings, "RATING_RECTIFICATION_DAYS", 15))


class Level(models.IntegerChoices):
    """The score is the level's value, so averages read 1 (worst) to 5 (best)."""

    VERY_SATISFIED = 5, _("Very satisfied")
    SATISFIED = 4, _("Satisfied")
    BASICALLY_SATISFIED = 3, _("Basically satisfied")
    DISSATISFIED = 2, _("Dissatisfied")
    VERY_DISSATISFIED = 1, _("Very dissatisfied")


BAD_LEVELS = (Level.DISSATISFIED, Level.VERY_DISSATISFIED)


class Source(models.TextChoices):
    PAGE = "page", _("Online page")
    API = "api", _("API")
    WINDOW = "window", _("At the window (QR code)")
    DEEMED = "deemed", _("Deemed: not rated within 7 days")


class RatingPolicy(models.Model):
    """A district's rating settings (stored in the database, edited by its staff)."""

    district = models.OneToOneField("accounts.District", on_delete=models.PROTECT, related_name="rating_policy")
    deem_unrated = models.BooleanField(
        _("count a case left unrated for 7 days after completion as basically satisfied"), default=False
    )
    rectification_days = models.PositiveSmallIntegerField(
        _("rectification deadline (working days)"), default=default_rectification_days
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("rating policy")
        verbose_name_plural = _("rating policies")
        permissions = [("manage_rating_policy", "Can change the district's rating policy")]

    def __str__(self) -> str:
        return str(self.district)

    @classmethod
    def for_district(cls, district: Any) -> "RatingPolicy":
        """The stored policy, or the defaults (unsaved) when none was ever edited."""
        return cls.objects.filter(district=district).first() or cls(district=district)


class RatingQuerySet(DistrictScopedQuerySet):
    def counted(self) -> Self:
        """Ratings that count in statistics: an upheld appeal excludes one."""
        return self.filter(excluded=False)

    def bad(self) -> Self:
        return self.filter(level__in=BAD_LEVELS)

    def in_month(self, year: int, month: int) -> Self:
        return self.filter(rated_on__year=year, rated_on__month=month)


class Rating(models.Model):
    """One rating of a case, or of one visit in person of a case."""

    district = models.ForeignKey("accounts.District", on_delete=models.PROTECT, related_name="ratings")
    application = models.ForeignKey("applications.Application", on_delete=models.PROTECT, related_name="ratings")
    visit = models.ForeignKey(
        "applications.Visit", null=True, blank=True, on_delete=models.PROTECT, related_name="ratings"
    )
    # Denormalised from the case so statistics group without joins.
    department = models.ForeignKey("accounts.Department", on_delete=models.PROTECT, related_name="ratings")
    window = models.ForeignKey(
        "accounts.ServiceWindow", null=True, blank=True, on_delete=models.PROTECT, related_name="ratings"
    )
    item = models.ForeignKey("services.ServiceItem", on_delete=models.PROTECT, related_name="ratings")
    level = models.PositiveSmallIntegerField(_("rating"), choices=Level.choices)
    comment = models.TextField(_("comment"), blank=True, max_length=500)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    rated_on = models.DateField(_("rated on"))
    created_at = models.DateTimeField(auto_now_add=True)
    excluded = models.BooleanField(_("excluded from statistics"), default=False)

    objects = RatingQuerySet.as_manager()

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        ordering = ["-rated_on", "-pk"]
        permissions = [
            ("view_ratings", "Can see the district's ratings and rectifications"),
            ("view_competition", "Can see the window competition"),
        ]
        constraints = [
            # 一事一评 / 一次一评: the database refuses the second, even when two arrive at once.
            models.UniqueConstraint(
                fields=["application"], condition=models.Q(visit__isnull=True), name="one_rating_per_case"
            ),
            models.UniqueConstraint(
                fields=["visit"], condition=models.Q(visit__isnull=False), name="one_rating_per_visit"
            ),
        ]
        indexes = [models.Index(fields=["district", "rated_on"], name="rating_district_day_idx")]

    def __str__(self) -> str:
        return f"{self.application_id} {self.get_level_display()}"

    @property
    def is_bad(self) -> bool:
        return self.level in BAD_LEVELS


class RectificationQuerySet(DistrictScopedQuerySet):
    def visible_to(self, user: Any) -> Self:
        """Staff of the district; department-scoped roles only their department's."""
        mine = super().visible_to(user)
        if not getattr(user, "is_authenticated", False) or user.kind != "staff":
            return self.none()
        roles = set(user.roles)
        if roles and roles <= DEPARTMENT_SCOPED:
            return mine.filter(rating__department_id=user.department_id)
        return mine

    def open(self) -> Self:
        return self.filter(status=Rectification.Status.OPEN)


class Rectification(models.Model):
    """The rectification a bad rating opens: call-back, fix and reply, before a deadline."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")
        WITHDRAWN = "withdrawn", _("Withdrawn: appeal upheld")

    district = models.ForeignKey("accounts.District", on_delete=models.PROTECT, related_name="rectifications")
    rating = models.OneToOneField(Rating, on_delete=models.PROTECT, related_name="rectification")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    deadline = models.OneToOneField("workdays.Deadline", on_delete=models.PROTECT, related_name="+")
    called_back_on = models.DateField(_("called back on"), null=True, blank=True)
    callback_note = models.TextField(_("what the applicant said"), blank=True)
    called_back_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    fix = models.TextField(_("rectification measures"), blank=True)
    fixed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reply = models.TextField(_("reply to the applicant"), blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RectificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("rectification")
        verbose_name_plural = _("rectifications")
        ordering = ["deadline__due_date", "pk"]
        permissions = [("handle_rectification", "Can record call-backs, fixes and replies of rectifications")]

    def __str__(self) -> str:
        return f"{self.rating_id} {self.status}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    @property
    def closed_late(self) -> bool:
        return self.closed_on is not None and self.closed_on > self.deadline.due_date

    def light(self, today: dt.date) -> Light | None:
        """The platform's deadline light (``dgov.workdays.lights``, kind "rating") while
        open; once closed, green when closed in time and red when closed late."""
        if self.status == self.Status.WITHDRAWN:
            return None
        if self.status == self.Status.CLOSED:
            return Light.RED if self.closed_late else Light.GREEN
        return light(self.deadline.due_date, today, kind="rating")


class Appeal(models.Model):
    """The rated unit's appeal (申诉) against a mistaken or malicious rating."""

    class Ground(models.TextChoices):
        MISTAKEN = "mistaken", _("Mistaken rating")
        MALICIOUS = "malicious", _("Malicious rating")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for a decision")
        UPHELD = "upheld", _("Upheld: the rating is excluded")
        REJECTED = "rejected", _("Rejected: the rating stands")

    district = models.ForeignKey("accounts.District", on_delete=models.PROTECT, related_name="rating_appeals")
    rating = models.OneToOneField(Rating, on_delete=models.PROTECT, related_name="appeal")
    ground = models.CharField(_("ground"), max_length=10, choices=Ground.choices)
    reason = models.TextField(_("reason"), max_length=2000)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    filed_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    decision = models.TextField(_("decision reasons"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    objects = DistrictScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        permissions = [
            ("file_rating_appeal", "Can appeal a rating of the own department"),
            ("decide_rating_appeal", "Can decide appeals against ratings"),
        ]

    def __str__(self) -> str:
        return f"{self.rating_id} {self.status}"
