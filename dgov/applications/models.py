"""Applications through one window (一窗受理): the case file and its clocks.

The flow (行政许可法 Arts. 32, 42, 44, 45): submitted → a supplement notice (补正) listing
every missing or faulty material at once, or a refusal with reasons, or acceptance →
window review → department approval or denial with reasons → completion.
"""

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Self

from django.conf import settings
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from dgov.accounts.models import DistrictScopedQuerySet
from dgov.accounts.roles import DEPARTMENT_SCOPED, Role
from dgov.lib import clock
from dgov.lib.ratelimit import RateLimit
from dgov.workdays import lights
from dgov.workdays.lights import Light

if TYPE_CHECKING:
    from dgov.workdays.calendar import Due

# Abuse limit of the public lookup (page and API alike): failed attempts per client
# address in a window of ten minutes, counted for every worker together.
LOOKUP_LIMIT = RateLimit("applications.lookup", limit=20, window_seconds=600)

# 行政许可法 Art. 32: the supplement notice is due within 5 (working) days of receipt.
SUPPLEMENT_NOTICE_DAYS = 5
# Art. 42: the head of the agency may extend the decision limit by 10 working days.
MAX_EXTENSION_DAYS = 10


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    SUPPLEMENT = "supplement", _("Supplement requested")
    REFUSED = "refused", _("Not accepted")
    ACCEPTED = "accepted", _("Accepted")
    REVIEWED = "reviewed", _("Reviewed")
    APPROVED = "approved", _("Approved")
    DENIED = "denied", _("Denied")
    COMPLETED = "completed", _("Completed")


OPEN_STATUSES = (Status.SUBMITTED, Status.SUPPLEMENT, Status.ACCEPTED, Status.REVIEWED, Status.APPROVED)
CLOCK_STATUSES = (Status.ACCEPTED, Status.REVIEWED)  # the decision clock runs until the decision


class Channel(models.TextChoices):
    ONLINE = "online", _("Online")
    WINDOW = "window", _("At a window")


# The timeline's words for each event verb (the pages, the API and the public lookup).
VERBS: dict[str, Promise] = {
    "submit": _("Application received"),
    "request_supplement": _("Supplement notice issued"),
    "supplement": _("Supplement handed in"),
    "refuse": _("Not accepted"),
    "accept": _("Accepted"),
    "review": _("Reviewed"),
    "approve": _("Approved"),
    "deny": _("Denied"),
    "complete": _("Completed"),
    "stop_clock": _("Clock stopped"),
    "resume_clock": _("Clock resumed"),
    "extend": _("Time limit extended"),
    "check_in": _("Visit in person"),
}


def status_label(value: str) -> str:
    return str(Status(value).label) if value in Status.values else value


# Whose applications each staff role sees in its district (decision 0025); a person with
# several roles sees the union, and a role named nowhere here sees none (hired agents,
# investment officers, inspectors, fund managers, administrators).
# The whole district: the window (one service centre per district, 一门, takes every case
# in), the seal held centrally for every department, the centre's supervisors, the
# district's leaders and its auditors (these three read only: they hold no act).
DISTRICT_WIDE = frozenset(
    {Role.WINDOW_CLERK, Role.SEAL_OFFICER, Role.CENTRE_SUPERVISOR, Role.DISTRICT_LEADER, Role.AUDITOR}
)
# Their own department's cases: who reviews, decides, heads the unit, or grants the
# department's policies and talent benefits on an approved application.
OWN_DEPARTMENT = frozenset({*DEPARTMENT_SCOPED, Role.ENTERPRISE_SERVICE})
# The cases of the enterprises of their key projects (项目秘书制: the applicant's unified
# social credit code is the project investor's).
KEY_PROJECTS = frozenset({Role.PROJECT_SECRETARY})


@dataclass(frozen=True)
class Visibility:
    """What ``visible_to`` admits — the one rule, which the API's one-statement loader
    (``loading.visible_where``) writes once more as SQL: an applicant's own cases
    (``applicant_user_id``) and, for the enterprises that user acts for (经办人,
    ``accounts.Agent``), all of a firm's cases where it granted that and the cases they
    filed for it where they may apply; or staff cases of ``district_id`` that are
    district-wide, of ``department_id``, or of the key-project enterprises of the
    secretary ``secretary_id`` (any of them)."""

    applicant_user_id: int | None = None
    district_id: int | None = None
    whole_district: bool = False
    department_id: int | None = None
    secretary_id: int | None = None

    def q(self) -> models.Q:
        if self.applicant_user_id is not None:
            from dgov.accounts.models import Agent

            agencies = Agent.objects.active().filter(user_id=self.applicant_user_id)
            return (
                models.Q(applicant__user_id=self.applicant_user_id)
                | models.Q(applicant_id__in=agencies.filter(may_view_all=True).values("enterprise_id"))
                | models.Q(
                    submitted_by_id=self.applicant_user_id,
                    applicant_id__in=agencies.filter(may_apply=True).values("enterprise_id"),
                )
            )
        where = models.Q(district_id=self.district_id)
        if self.whole_district:
            return where
        any_of = models.Q(pk__in=[])
        if self.department_id is not None:
            any_of |= models.Q(department_id=self.department_id)
        if self.secretary_id is not None:
            from dgov.secretaries.models import Secretaryship

            codes = Secretaryship.objects.filter(
                secretary_id=self.secretary_id, project__is_key=True, project__district_id=self.district_id or 0
            ).exclude(project__investor_credit_code="")
            any_of |= models.Q(applicant__credit_code__in=codes.values("project__investor_credit_code"))
        return where & any_of


def visibility(user: Any) -> Visibility | None:
    """The conditions of ``visible_to``; None when nothing is visible. Shared with the
    one-statement loader of ``dgov.applications.loading``."""
    if not getattr(user, "is_authenticated", False):
        return None
    if user.kind != "staff":
        return Visibility(applicant_user_id=user.pk)
    if user.district_id is None:
        return None
    roles = set(user.roles)
    seen = Visibility(
        district_id=user.district_id,
        whole_district=bool(roles & DISTRICT_WIDE),
        department_id=user.department_id if roles & OWN_DEPARTMENT else None,
        secretary_id=user.pk if roles & KEY_PROJECTS else None,
    )
    if not seen.whole_district and seen.department_id is None and seen.secretary_id is None:
        return None
    return seen


class ApplicationQuerySet(DistrictScopedQuerySet):
    def visible_to(self, user: Any) -> Self:
        """Applicants see their own (and, as an enterprise's agent, what it granted them);
        staff of their district what their roles show them: ``visibility``, the one rule."""
        seen = visibility(user)
        if seen is None:
            return self.none()
        return self.filter(seen.q())

    def open(self) -> "ApplicationQuerySet":
        return self.filter(status__in=OPEN_STATUSES)

    def by_code(self, number: str, code: str) -> "Application | None":
        """The application with this number if ``code`` is its verification code (the
        public lookup: a wrong number and a wrong code look alike)."""
        application = (
            self.filter(number=number.strip().upper()).select_related("item_version", "promised_deadline").first()
        )
        if application is None or not secrets.compare_digest(application.verification_code, code.strip()):
            return None
        return application


class Application(models.Model):
    # Every transition rewrites every index of this table (the status is indexed, so no
    # update is HOT): foreign keys that no query looks up by, or that lead a composite
    # index below, carry no index of their own (decision 0011).
    district = models.ForeignKey(
        "accounts.District", on_delete=models.PROTECT, related_name="applications", db_index=False
    )
    number = models.CharField(_("application number"), max_length=32)
    verification_code = models.CharField(_("verification code"), max_length=8)
    item = models.ForeignKey("services.ServiceItem", on_delete=models.PROTECT, related_name="applications")
    item_version = models.ForeignKey(
        "services.ServiceItemVersion", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    # No index of its own: every lookup by department is within a district, served by the
    # queue's and the drill-downs' indexes, which carry the department (decision 0035).
    department = models.ForeignKey(
        "accounts.Department", on_delete=models.PROTECT, related_name="applications", db_index=False
    )
    applicant = models.ForeignKey(
        "accounts.Applicant", on_delete=models.PROTECT, related_name="applications", db_index=False
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    window = models.ForeignKey(
        "accounts.ServiceWindow", null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    idempotency_key = models.CharField(max_length=64)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.SUBMITTED)

    received_on = models.DateField(_("received on"))
    supplemented_on = models.DateField(_("supplement complete on"), null=True, blank=True)
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True)
    deemed_accepted = models.BooleanField(_("deemed accepted"), default=False)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    # Working days the decision came after each limit (0: on time), set with the decision
    # from the deadlines it closes (decision 0033): the cockpit's on-time figures and its
    # drill-down to the late decisions read them instead of joining the deadlines.
    late_legal_days = models.PositiveSmallIntegerField(_("late against the legal limit (working days)"), null=True)
    late_promised_days = models.PositiveSmallIntegerField(
        _("late against the promised limit (working days)"), null=True
    )
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    reasons = models.TextField(_("reasons"), blank=True)

    legal_deadline = models.OneToOneField(
        "workdays.Deadline", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    promised_deadline = models.OneToOneField(
        "workdays.Deadline", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    clock_stopped = models.BooleanField(_("clock stopped"), default=False)
    extended_days = models.PositiveSmallIntegerField(_("extended by (working days)"), default=0)
    visits = models.PositiveSmallIntegerField(_("visits in person"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-created_at"]
        permissions = [
            ("accept_application", "Can register, accept, refuse and complete applications at a window"),
            ("review_application", "Can review accepted applications of the department"),
            ("decide_application", "Can approve or deny applications of the department"),
            ("extend_time_limit", "Can extend the time limit of an application"),
            ("stop_clock", "Can stop the clock for a special procedure"),
        ]
        constraints = [
            # A constraint rather than unique=True: no second, LIKE-pattern index on PostgreSQL.
            models.UniqueConstraint(fields=["number"], name="application_number_unique"),
            models.UniqueConstraint(fields=["submitted_by", "idempotency_key"], name="application_idempotency"),
        ]
        indexes = [
            models.Index(fields=["district", "status", "department"], name="application_queue_idx"),
            models.Index(fields=["applicant", "-created_at"], name="application_applicant_idx"),
            # The staff queue, oldest first: only open cases enter it, so a page of the queue
            # is read in order and stops after a page however many cases are closed (0035).
            models.Index(
                fields=["district", "received_on", "id"],
                condition=models.Q(status__in=OPEN_STATUSES),
                name="application_open_idx",
            ),
            # The cockpit's drill-down from a bar to its cases (decisions 0022, 0033, 0035): one
            # index per day a measure counts on, keyed (district, day, id) so a page is read
            # newest first straight from the index and stops after 51 rows, with the department
            # in the key so a department's bar is filtered without reading other rows. Partial
            # where the day may be empty: a case enters them only once it has the day (the late
            # ones only once decided late).
            # Closed cases only (an open one is in the queue's index above, which the drill-down
            # reads beside it): a case enters it once, when it closes, and the queue of open
            # cases cannot be planned through it.
            models.Index(
                fields=["district", "received_on", "id", "department"],
                condition=~models.Q(status__in=OPEN_STATUSES),
                name="application_received_idx",
            ),
            models.Index(
                fields=["district", "accepted_on", "id", "department"],
                condition=models.Q(accepted_on__isnull=False),
                name="application_accepted_idx",
            ),
            models.Index(
                fields=["district", "decided_on", "id", "department"],
                condition=models.Q(decided_on__isnull=False),
                name="application_decided_idx",
            ),
            models.Index(
                fields=["district", "decided_on", "id", "department"],
                condition=models.Q(late_legal_days__gt=0),
                name="application_late_legal_idx",
            ),
            models.Index(
                fields=["district", "decided_on", "id", "department"],
                condition=models.Q(late_promised_days__gt=0),
                name="application_late_promised_idx",
            ),
            models.Index(
                fields=["district", "completed_on", "id", "department"],
                condition=models.Q(completed_on__isnull=False),
                name="application_completed_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def shared_not_found(self) -> list[Any]:
        """The materials the platform fetches (shared data, e-certificates) that no source
        has given for this case yet: not asked, not held, or the source did not answer."""
        found = set(self.shared_materials.filter(found=True).values_list("material_id", flat=True))
        return [m for m in self.item_version.materials.all() if not m.to_submit and m.pk not in found]

    @property
    def trips_exceeded(self) -> bool:
        """More visits in person than the item promises (0, 1, or 2 for "two or more")."""
        return self.visits > self.item_version.max_trips

    def light(self, deadline: Any, today: dt.date) -> Light | None:
        """The light of one of the case's deadlines (``dgov.workdays.lights``) while the
        decision clock runs; stopped during a special procedure (Art. 45)."""
        if deadline is None or self.status not in CLOCK_STATUSES:
            return None
        return lights.light(deadline.due_date, today, kind="application", stopped=self.clock_stopped)

    def public_timeline(self) -> list[dict[str, Any]]:
        """The timeline without names or notes, for the public lookup (page and API)."""
        return [
            {"at": event.at, "label": str(VERBS.get(event.verb, event.verb)), "status": status_label(event.to_status)}
            for event in ApplicationEvent.objects.filter(application=self)
        ]

    def notice_window(self) -> "Due":
        """The 5 working days for a supplement notice (Art. 32), counted from receipt or,
        once a supplement is complete, from the supplement day (the day the legal clock
        would start). Past it the application counts as accepted on that day."""
        from dgov.workdays.calendar import RECEIVED, SUPPLEMENTED, add_working_days

        if self.supplemented_on is not None:
            return add_working_days(self.supplemented_on, SUPPLEMENT_NOTICE_DAYS, SUPPLEMENTED)
        return add_working_days(self.received_on, SUPPLEMENT_NOTICE_DAYS, RECEIVED)

    def supplement_notice_due(self) -> dt.date:
        """The last day for a supplement notice (``notice_window``)."""
        return self.notice_window().date


class ApplicationEvent(models.Model):
    """The application's timeline: every transition, appended (who, when, from, to, why)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")
    # The platform's clock, so a history loaded for the demo carries its own times.
    at = models.DateTimeField(default=clock.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,  # as the audit entry's actor (decision 0011)
    )
    verb = models.CharField(max_length=40)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [
            # The cockpit's drill-down to the extended cases (decision 0035): only an extension
            # enters it, so the transitions' own events cost it nothing.
            models.Index(fields=["at"], condition=models.Q(verb="extend"), name="application_event_extend_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.application_id} {self.verb}"


class SubmittedMaterial(models.Model):
    """A material of the application: the document that meets it, or why it is missing."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="materials")
    material = models.ForeignKey("services.Material", on_delete=models.PROTECT, related_name="+")
    document = models.ForeignKey(
        "documents.Document", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    promised = models.BooleanField(_("promised later (容缺)"), default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["application", "material", "document"], name="submitted_material_once")
        ]

    def __str__(self) -> str:
        return f"{self.application_id}:{self.material_id}"


class SupplementNotice(models.Model):
    """The one notice (一次性告知) that lists every missing or faulty material.

    A second notice, after the supplement, only for a material the first notice could not
    have named: ``reason`` says why, and the centre's supervisors are told (Art. 32)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="supplement_notices")
    issued_on = models.DateField()
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    completed_on = models.DateField(null=True, blank=True)
    reason = models.TextField(_("why the first notice could not name it"), blank=True)

    def __str__(self) -> str:
        return f"{self.application_id} {self.issued_on}"


class SupplementItem(models.Model):
    notice = models.ForeignKey(SupplementNotice, on_delete=models.CASCADE, related_name="items")
    material = models.ForeignKey("services.Material", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    problem = models.CharField(_("what is missing or wrong"), max_length=300)

    def __str__(self) -> str:
        return self.problem


class ClockStop(models.Model):
    """A special procedure (Art. 45: hearing, testing, inspection, expert review …) that
    stops the clock; the applicant is told in writing how long it is expected to take."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="clock_stops")
    procedure = models.CharField(_("special procedure"), max_length=100)
    started_on = models.DateField(_("stopped on"))
    expected_days = models.PositiveSmallIntegerField(_("expected (working days)"))
    notice = models.TextField(_("written notice to the applicant"))
    counts_toward_limit = models.BooleanField(_("counts toward the time limit"), default=False)
    ended_on = models.DateField(_("resumed on"), null=True, blank=True)
    days_stopped = models.PositiveSmallIntegerField(null=True, blank=True)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["application"], condition=models.Q(ended_on__isnull=True), name="one_open_clock_stop"
            )
        ]
        indexes = [models.Index(fields=["started_on"], name="clock_stop_started_idx")]  # the drill-down

    def __str__(self) -> str:
        return self.procedure


class Visit(models.Model):
    """A visit in person: recorded when the applicant checks in at a window."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="visit_log")
    window = models.ForeignKey(
        "accounts.ServiceWindow", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    clerk = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=clock.now)

    def __str__(self) -> str:
        return f"{self.application_id} {self.at}"


class DeliveryMethod(models.TextChoices):
    WINDOW = "window", _("Collect it at the certificate window")
    POST = "post", _("Send it by post (free of charge)")


class ResultDelivery(models.Model):
    """How the applicant receives the result (证照邮寄 or the exit window), chosen when
    applying; for the post, the address kept (shown masked) and the tracking number the
    clerk records when it is sent."""

    application = models.OneToOneField(Application, on_delete=models.CASCADE, related_name="result_delivery")
    method = models.CharField(_("how you receive the result"), max_length=10, choices=DeliveryMethod.choices)
    recipient = models.CharField(_("recipient"), max_length=100, blank=True)
    phone = models.CharField(_("recipient's mobile phone"), max_length=20, blank=True)
    address = models.CharField(_("postal address"), max_length=200, blank=True)
    carrier = models.CharField(_("carrier"), max_length=50, blank=True)
    tracking_number = models.CharField(_("tracking number"), max_length=40, blank=True)
    posted_on = models.DateField(_("posted on"), null=True, blank=True)
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("delivery of the result")
        verbose_name_plural = _("deliveries of results")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(method="window")
                | (~models.Q(recipient="") & ~models.Q(phone="") & ~models.Q(address="")),
                name="post_delivery_has_address",
            )
        ]

    def __str__(self) -> str:
        return f"{self.application_id} {self.method}"

    @property
    def by_post(self) -> bool:
        return self.method == DeliveryMethod.POST

    @property
    def masked_address(self) -> str:
        from dgov.lib.personal import mask_address

        return mask_address(self.address)

    @property
    def masked_phone(self) -> str:
        from dgov.lib.personal import mask_phone

        return mask_phone(self.phone)

    @property
    def masked_recipient(self) -> str:
        return (self.recipient[:1] + "*" * (len(self.recipient) - 1)) if self.recipient else ""


class SharedMaterial(models.Model):
    """A material the platform fetched instead of asking for it (免提交; 国务院令第716号
    Art. 7): which provider answered, what it gave (its reference and a summary), and when;
    or that no provider held it, so the window knows to ask (``dgov.applications.sharing``)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="shared_materials")
    material = models.ForeignKey("services.Material", on_delete=models.PROTECT, related_name="+")
    provider = models.CharField(_("source"), max_length=40, blank=True)
    found = models.BooleanField(_("found"), default=False)
    reference = models.CharField(_("reference"), max_length=120, blank=True)
    title = models.CharField(_("what was fetched"), max_length=200, blank=True)
    data = models.JSONField(_("record"), default=dict, blank=True)
    fetched_at = models.DateTimeField(_("fetched at"))

    class Meta:
        verbose_name = _("fetched material")
        verbose_name_plural = _("fetched materials")
        ordering = ["material__order", "material_id"]
        constraints = [models.UniqueConstraint(fields=["application", "material"], name="shared_material_once")]

    def __str__(self) -> str:
        return f"{self.application_id}:{self.material_id} {self.provider}"
