"""Cadre training (纳入教学培训计划) and the campaign's activities (DOMAIN.md §6).

1. A course (topic, lecturer, date, place, hours) names who must attend: by unit, by
   role, or both; the people are fixed when the course is announced (one attendance row
   each), so later moves do not rewrite who was expected.
2. Sign-in is by the QR code shown in the room. The code changes every minute and is
   valid for ``TRAINING_QR_SECONDS``; a sign-in counts only within the course's window
   (from ``TRAINING_SIGN_IN_EARLY_MINUTES`` before the start to
   ``TRAINING_SIGN_IN_LATE_MINUTES`` after it).
3. Whoever is expected and did not sign in is absent once the course is over, unless an
   absence with a reason was recorded.
4. Hours per person and year are the hours of the courses signed into that year; each
   person has a yearly minimum (``TRAINING_MIN_HOURS``, 90; by role
   ``TRAINING_MIN_HOURS_BY_ROLE``, leaders 110).
5. Campaign activities (动员大会, 宣讲, 主题党日, 学习会) are the same records with their
   kind, linked to a row of the campaign's task table, with attendance taken the same way.
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dgov.accounts.models import DistrictScopedQuerySet


class Kind(models.TextChoices):
    COURSE = "course", _("Training course")
    MOBILISATION = "mobilisation", _("Mobilisation meeting")
    LECTURE_TOUR = "lecture_tour", _("Lecture tour")
    PARTY_DAY = "party_day", _("Themed Party day")
    STUDY_SESSION = "study", _("Study session")


ACTIVITY_KINDS = (Kind.MOBILISATION, Kind.LECTURE_TOUR, Kind.PARTY_DAY, Kind.STUDY_SESSION)


class CourseQuerySet(DistrictScopedQuerySet):
    def courses(self) -> "CourseQuerySet":
        return self.filter(kind=Kind.COURSE)

    def activities(self) -> "CourseQuerySet":
        return self.filter(kind__in=ACTIVITY_KINDS)


class Course(models.Model):
    district = models.ForeignKey("accounts.District", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.COURSE)
    title = models.CharField(_("topic"), max_length=200)
    lecturer = models.CharField(_("lecturer"), max_length=100, blank=True)
    place = models.CharField(_("place"), max_length=200)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    year = models.PositiveSmallIntegerField(editable=False)  # local year of the start: hours per year group by it
    hours = models.DecimalField(_("hours"), max_digits=4, decimal_places=1, default=Decimal(0))
    required_units = models.ManyToManyField(
        "accounts.Department", blank=True, related_name="+", verbose_name=_("units that must attend")
    )
    required_roles = models.JSONField(_("roles that must attend"), default=list, blank=True)
    task = models.ForeignKey(
        "campaigns.Task",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="activities",
        verbose_name=_("campaign task"),
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CourseQuerySet.as_manager()

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        ordering = ["-starts_at", "-pk"]
        permissions = [
            ("manage_training", "Can plan courses and campaign activities and keep their attendance"),
            ("view_training_hours", "Can see training hours and who is below the yearly minimum"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="course_ends_after_start"),
            models.CheckConstraint(condition=Q(hours__gte=0), name="course_hours_not_negative"),
            # Rule 5: a campaign activity belongs to a row of the task table.
            models.CheckConstraint(condition=Q(kind="course") | Q(task__isnull=False), name="activity_has_task"),
        ]
        indexes = [models.Index(fields=["district", "year", "kind"], name="course_year_idx")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_activity(self) -> bool:
        return self.kind != Kind.COURSE

    def is_over(self, now: dt.datetime) -> bool:
        return now >= self.ends_at


class AttendanceQuerySet(models.QuerySet):
    def signed(self) -> "AttendanceQuerySet":
        return self.filter(signed_in_at__isnull=False)


class Attendance(models.Model):
    """One person at one course: expected (required) or walked in; signed in, excused, or not."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="attendance")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="training")
    required = models.BooleanField(_("must attend"), default=True)
    signed_in_at = models.DateTimeField(_("signed in at"), null=True, blank=True)
    absence_reason = models.CharField(_("reason for the absence"), max_length=300, blank=True)
    absence_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    absence_recorded_at = models.DateTimeField(null=True, blank=True)

    objects = AttendanceQuerySet.as_manager()

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        ordering = ["course", "person__username"]
        constraints = [models.UniqueConstraint(fields=["course", "person"], name="attendance_once")]
        indexes = [models.Index(fields=["person", "signed_in_at"], name="attendance_person_idx")]

    def __str__(self) -> str:
        return f"{self.course_id}:{self.person_id}"

    def state(self, now: dt.datetime) -> str:
        """signed; excused; absent (over, neither); expected."""
        if self.signed_in_at is not None:
            return "signed"
        if self.absence_reason:
            return "excused"
        if self.course.is_over(now):
            return "absent"
        return "expected"


def attendance_states() -> dict[str, Any]:
    return {
        "signed": _("Signed in"),
        "excused": _("Absent with a reason"),
        "absent": _("Absent"),
        "expected": _("Expected"),
    }
