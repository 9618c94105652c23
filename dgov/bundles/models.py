"""Several licences in one application (N证联办 / 一件事一次办).

A ``Bundle`` is defined by an administrator: several service items of several
departments handled as one matter. An applicant files one ``BundleApplication``: one
form, each shared material asked for once, one ``Application`` per item underneath (a
``BundlePart``). One window accepts every part at once; each department approves its
part in parallel through the ordinary application flow; the certificates of all parts
are issued together through one exit.

Time limit (行政许可法 Art. 42 para. 2): joint or unified handling is decided within 45
working days from acceptance, extendable by 15 with the approval of the government at
the same level, the reason told to the applicant, while the limit runs. The joint
deadline follows its parts' legal deadlines: a part's clock stop (Art. 45, an expert
review say) stops it too, and moves it by the working days stopped. A bundle's limit is a setting that may
never exceed 45 nor the sum of its parts' legal limits (a bundle must never be slower
than filing the parts one after another).
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any, Self

from django.conf import settings
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from dgov.accounts.models import DistrictScopedQuerySet
from dgov.workdays import lights

# 行政许可法 第四十二条第二款: 45 working days, +15 with approval of the same-level government.
JOINT_LIMIT_DAYS = 45
MAX_EXTENSION_DAYS = 15


class OnDenial(models.TextChoices):
    """What the other parts do when one department denies its part."""

    CONTINUE = "continue", _("The other parts continue")
    STOP = "stop", _("The whole bundle stops")


class BundleQuerySet(DistrictScopedQuerySet):
    def published(self) -> Self:
        return self.filter(published=True)

    def public(self) -> Self:
        return self.published().filter(district__code=settings.DEFAULT_DISTRICT_CODE)


class Bundle(models.Model):
    district = models.ForeignKey("accounts.District", on_delete=models.PROTECT, related_name="bundles")
    code = models.SlugField(_("code"), max_length=40, help_text=_("Letters, digits and hyphens, e.g. restaurant."))
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    items: models.ManyToManyField = models.ManyToManyField(
        "services.ServiceItem", through="BundleItem", related_name="bundles", verbose_name=_("service items")
    )
    limit_days = models.PositiveSmallIntegerField(_("joint time limit (working days)"), default=JOINT_LIMIT_DAYS)
    on_denial = models.CharField(
        _("when a part is denied"), max_length=10, choices=OnDenial.choices, default=OnDenial.CONTINUE
    )
    published = models.BooleanField(_("published"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    modified_at = models.DateTimeField(auto_now=True)
    modified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = BundleQuerySet.as_manager()

    class Meta:
        verbose_name = _("bundle")
        verbose_name_plural = _("bundles")
        ordering = ["district", "name"]
        permissions = [
            ("manage_bundles", "Can define bundles of service items"),
            ("extend_bundle", "Can approve the extension of a bundle's joint time limit"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["district", "code"], name="bundle_code_unique"),
            models.CheckConstraint(
                condition=models.Q(limit_days__gte=1, limit_days__lte=JOINT_LIMIT_DAYS), name="bundle_limit_within_law"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def ordered_items(self) -> list[Any]:
        return [
            link.item for link in self.links.select_related("item__current_version__department").order_by("order", "pk")
        ]


class BundleItem(models.Model):
    bundle = models.ForeignKey(Bundle, on_delete=models.CASCADE, related_name="links")
    item = models.ForeignKey("services.ServiceItem", on_delete=models.PROTECT, related_name="+")
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["bundle", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["bundle", "item"], name="bundle_item_once")]

    def __str__(self) -> str:
        return f"{self.bundle_id}:{self.item_id}"


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    REFUSED = "refused", _("Not accepted")
    ACCEPTED = "accepted", _("Accepted: departments approving in parallel")
    READY = "ready", _("Decided: certificates to issue")
    ISSUED = "issued", _("Certificates issued")
    COMPLETED = "completed", _("Completed")
    STOPPED = "stopped", _("Stopped after a denial")


OPEN_STATUSES = (Status.SUBMITTED, Status.ACCEPTED, Status.READY, Status.ISSUED)

# The bundle timeline's words for each event verb.
VERBS: dict[str, Promise] = {
    "submit": _("Bundle received"),
    "accept": _("Accepted at one window"),
    "refuse": _("Not accepted"),
    "part_denied": _("A part was denied"),
    "stop": _("Bundle stopped"),
    "decided": _("Every part decided"),
    "extend": _("Joint time limit extended"),
    "issue": _("Certificates issued together"),
    "complete": _("Completed"),
}


class BundleApplicationQuerySet(DistrictScopedQuerySet):
    def visible_to(self, user: Any) -> Self:
        """Applicants see their own; staff the bundles with a part they may see
        (``Application.objects.visible_to``: the others' progress included, since parallel
        approval means knowing who holds the critical path)."""
        from dgov.applications.models import Application, visibility

        if not getattr(user, "is_authenticated", False):
            return self.none()
        if user.kind != "staff":
            return self.filter(applicant__user=user)
        seen = visibility(user)
        if seen is None:
            return self.none()
        mine = super().visible_to(user)
        if seen.whole_district:
            return mine
        return mine.filter(parts__application__in=Application.objects.filter(seen.q())).distinct()


class BundleApplication(models.Model):
    district = models.ForeignKey("accounts.District", on_delete=models.PROTECT, related_name="bundle_applications")
    bundle = models.ForeignKey(Bundle, on_delete=models.PROTECT, related_name="applications")
    number = models.CharField(_("bundle application number"), max_length=32, unique=True)
    applicant = models.ForeignKey("accounts.Applicant", on_delete=models.PROTECT, related_name="bundle_applications")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(_("channel"), max_length=10)
    idempotency_key = models.CharField(max_length=64)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.SUBMITTED)
    on_denial = models.CharField(_("when a part is denied"), max_length=10, choices=OnDenial.choices)
    limit_days = models.PositiveSmallIntegerField(_("joint time limit (working days)"))
    received_on = models.DateField(_("received on"))
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    joint_deadline = models.OneToOneField(
        "workdays.Deadline", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    extended_days = models.PositiveSmallIntegerField(_("extended by (working days)"), default=0)
    issued_on = models.DateField(_("certificates issued on"), null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    reasons = models.TextField(_("reasons"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = BundleApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("bundle application")
        verbose_name_plural = _("bundle applications")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["submitted_by", "idempotency_key"], name="bundle_application_idempotency"),
            models.CheckConstraint(
                condition=models.Q(extended_days__lte=MAX_EXTENSION_DAYS), name="bundle_extension_within_law"
            ),
        ]
        indexes = [models.Index(fields=["district", "status"], name="bundle_application_queue_idx")]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def due_date(self) -> dt.date | None:
        return self.joint_deadline.due_date if self.joint_deadline else None

    def light(self, today: dt.date) -> lights.Light | None:
        """The joint time limit's light (``dgov.workdays.lights``) while the departments
        decide in parallel: "stopped" while a part's clock stands still (Art. 45)."""
        if self.joint_deadline is None or self.status != Status.ACCEPTED:
            return None
        return self.joint_deadline.light(today, kind="bundle")


class BundlePart(models.Model):
    """One item of the bundle: its own application, handled by its own department."""

    bundle_application = models.ForeignKey(BundleApplication, on_delete=models.CASCADE, related_name="parts")
    application = models.OneToOneField("applications.Application", on_delete=models.PROTECT, related_name="bundle_part")
    order = models.PositiveSmallIntegerField(default=0)
    # Set when the bundle stops after another part's denial: this part is not issued.
    halted = models.BooleanField(_("halted"), default=False)
    # The denial of this part was announced to the applicant (once).
    denial_notified = models.BooleanField(default=False)

    class Meta:
        ordering = ["bundle_application", "order", "pk"]

    def __str__(self) -> str:
        return f"{self.bundle_application_id}:{self.application_id}"


class BundleEvent(models.Model):
    """The bundle's own timeline (who, when, from, to, why); the parts keep theirs."""

    bundle_application = models.ForeignKey(BundleApplication, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    verb = models.CharField(max_length=40)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.bundle_application_id} {self.verb}"


# Progress and the critical path -----------------------------------------------------------

# How far along a part is, by its status: received, accepted, reviewed, decided.
STEPS = {"submitted": 0, "supplement": 0, "refused": 0, "accepted": 1, "reviewed": 2}
STEP_COUNT = 3


@dataclass
class PartProgress:
    """One department's part as the bundle page shows it."""

    part: BundlePart
    application: Any
    step: int
    expected: dt.date | None  # decided on, or the part's promised (else legal) due date
    slack: int | None  # working days between the expected finish and the joint due date
    critical: bool = False

    @property
    def percent(self) -> int:
        return round(100 * self.step / STEP_COUNT)

    @property
    def decided(self) -> bool:
        return self.application.decided_on is not None


def progress(bundle_application: BundleApplication, parts: list[BundlePart]) -> list[PartProgress]:
    """Each part's progress, and the critical path: of the parts still open, the one
    expected to finish last (least slack against the joint due date); ties go to the
    part least far along. Once every part is decided, the one decided last."""
    from dgov.workdays.calendar import working_days_between

    joint_due = bundle_application.due_date()
    rows = []
    for part in parts:
        application = part.application
        step = STEP_COUNT if application.decided_on else STEPS.get(application.status, 0)
        deadline = application.promised_deadline or application.legal_deadline
        expected = application.decided_on or (deadline.due_date if deadline else None)
        slack = working_days_between(expected, joint_due) if expected and joint_due else None
        rows.append(PartProgress(part=part, application=application, step=step, expected=expected, slack=slack))
    candidates = [r for r in rows if not r.decided and not r.part.halted and r.expected]
    if not candidates and rows and all(r.decided for r in rows if not r.part.halted):
        candidates = [r for r in rows if r.decided and not r.part.halted]
    if candidates:
        max(candidates, key=lambda r: (r.expected, -r.step)).critical = True  # type: ignore[operator]
    return rows
