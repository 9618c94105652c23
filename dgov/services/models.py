"""The service catalogue (政务服务事项目录): items, their versioned guides, events.

An item (``ServiceItem``) is the stable identity a district publishes under an
implementation code (实施编码). Its guide (办事指南) lives in numbered versions
(``ServiceItemVersion``); an edit publishes a new version and moves
``current_version``, so an application filed under version 3 keeps pointing at
version 3's materials and time limits after the guide changes.
"""

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from dgov.accounts.models import Department, District, DistrictScopedQuerySet

# The fields of a guide, of its materials and of its special procedures, in the order the
# editing page and the workbook show them.
VERSION_FIELDS = (
    "name",
    "kind",
    "department",
    "legal_basis",
    "conditions",
    "legal_limit_days",
    "promised_limit_days",
    "max_trips",
    "online_level",
    "fees",
    "fee_basis",
    "keywords",
    # The complete guide (issue 13): how it is handled, where and when, whom to ask,
    # what comes out, and the English words of the item.
    "handling",
    "window",
    "place",
    "hours",
    "enquiry_phone",
    "complaint_phone",
    "result_name",
    "post_available",
    "name_en",
    "keywords_en",
)
MATERIAL_FIELDS = ("name", "form", "copies", "source", "legal_basis", "required", "rongque")
PROCEDURE_FIELDS = ("name", "counts_toward_limit", "max_days")


class Audience(models.TextChoices):
    """Who an item or an event is for (服务对象)."""

    CITIZEN = "citizen", _("Citizens")
    ENTERPRISE = "enterprise", _("Enterprises")


class Trips(models.IntegerChoices):
    """Visits in person the item needs (到现场次数); 2 stands for two or more."""

    NONE = 0, _("No visit: handled fully online")
    ONE = 1, _("At most one visit")
    TWO_OR_MORE = 2, _("Two or more visits")


class OnlineLevel(models.TextChoices):
    """How deep the item is handled online (网上办理深度)."""

    INFORMATION = "information", _("Guide online only")
    FORMS = "forms", _("Forms and appointments online")
    PRE_REVIEW = "pre_review", _("Online application with pre-review")
    FULL = "full", _("Fully online")


class Handling(models.TextChoices):
    """What the guide's button does: apply online, book a time at the hall, or go to a
    named window (the item cannot be applied for online)."""

    ONLINE = "online", _("Apply online")
    APPOINTMENT = "appointment", _("Book an appointment")
    WINDOW = "window", _("At a window only")


def default_handling(online_level: str) -> str:
    """The handling an item without one gets from how deep it is handled online."""
    if online_level in (OnlineLevel.FULL, OnlineLevel.PRE_REVIEW):
        return Handling.ONLINE
    if online_level == OnlineLevel.FORMS:
        return Handling.APPOINTMENT
    return Handling.WINDOW


# The guide fields a caller may leave out (older callers, the demo of other apps).
GUIDE_DEFAULTS: dict[str, Any] = {
    "window": None,
    "place": "",
    "hours": "",
    "enquiry_phone": "",
    "complaint_phone": "",
    "result_name": "",
    "post_available": True,
    "name_en": "",
    "keywords_en": "",
}


def version_values(data: Any) -> dict[str, Any]:
    """Every field of ``VERSION_FIELDS`` from ``data``, the guide's defaults filled in."""
    values = {field: data[field] if field in data else GUIDE_DEFAULTS.get(field) for field in VERSION_FIELDS}
    if not values.get("handling"):
        values["handling"] = default_handling(str(values["online_level"]))
    return values


class ServiceItemQuerySet(DistrictScopedQuerySet):
    def published(self) -> "ServiceItemQuerySet":
        return self.filter(current_version__isnull=False)

    def public(self) -> "ServiceItemQuerySet":
        """The items the public portal shows: the default district's published ones."""
        return self.published().filter(district__code=settings.DEFAULT_DISTRICT_CODE)


class ServiceItem(models.Model):
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="service_items")
    code = models.CharField(_("implementation code"), max_length=40)
    current_version = models.ForeignKey(
        "ServiceItemVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Simplified, lower-cased: name, then keywords, then department and events, one per
    # line (``search.index_text``); rebuilt on every publish and event change.
    search_text = models.TextField(editable=False, blank=True)

    objects = ServiceItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("service item")
        verbose_name_plural = _("service items")
        permissions = [("manage_catalogue", "Can edit the service catalogue")]
        constraints = [models.UniqueConstraint(fields=["district", "code"], name="service_item_code_unique")]
        ordering = ["district", "code"]

    def __str__(self) -> str:
        return f"{self.code} {self.current.name}" if self.current else self.code

    @property
    def current(self) -> "ServiceItemVersion | None":
        """The version in force; applications are filed under it."""
        return self.current_version


class ServiceItemVersion(models.Model):
    """One published guide of an item; never edited once published."""

    item = models.ForeignKey(ServiceItem, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("for"), max_length=20, choices=Audience.choices)
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="service_versions", verbose_name=_("implementing department")
    )
    legal_basis = models.TextField(_("legal basis"))
    conditions = models.TextField(_("conditions"), blank=True)
    legal_limit_days = models.PositiveSmallIntegerField(_("legal time limit (working days)"))
    promised_limit_days = models.PositiveSmallIntegerField(_("promised time limit (working days)"))
    max_trips = models.PositiveSmallIntegerField(_("visits in person"), choices=Trips.choices)
    online_level = models.CharField(_("online level"), max_length=20, choices=OnlineLevel.choices)
    fees = models.CharField(_("fees"), max_length=200, blank=True, help_text=_("Leave empty when the item is free."))
    fee_basis = models.TextField(_("basis of the fees"), blank=True)
    keywords = models.TextField(
        _("keywords and colloquial names"),
        blank=True,
        help_text=_("Separated by spaces: the words people use when they ask, e.g. 开饭店 开餐馆."),
    )
    handling = models.CharField(
        _("how it is applied for"), max_length=20, choices=Handling.choices, default=Handling.ONLINE
    )
    window = models.ForeignKey(
        "accounts.ServiceWindow",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("window"),
        help_text=_("Where the item is handled when it cannot be applied for online."),
    )
    place = models.TextField(_("place"), blank=True, help_text=_("Where to go: address, building, floor, area."))
    hours = models.CharField(_("opening hours"), max_length=200, blank=True)
    enquiry_phone = models.CharField(_("phone for questions"), max_length=100, blank=True)
    complaint_phone = models.CharField(_("phone for complaints"), max_length=100, blank=True)
    result_name = models.CharField(
        _("result"),
        max_length=200,
        blank=True,
        help_text=_("What the applicant receives, e.g. a food business licence."),
    )
    post_available = models.BooleanField(_("the result can be sent by post"), default=True)
    name_en = models.CharField(_("name in English"), max_length=200, blank=True)
    keywords_en = models.TextField(
        _("keywords in English"),
        blank=True,
        help_text=_("Separated by spaces, e.g. restaurant food licence."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("service item version")
        verbose_name_plural = _("service item versions")
        constraints = [
            models.UniqueConstraint(fields=["item", "number"], name="service_version_number_unique"),
            models.CheckConstraint(
                condition=Q(promised_limit_days__lte=models.F("legal_limit_days")),
                name="service_promised_within_legal",
            ),
            models.CheckConstraint(condition=Q(max_trips__lte=2), name="service_max_trips_valid"),
        ]
        ordering = ["item", "-number"]

    def __str__(self) -> str:
        return f"{self.name} (v{self.number})"

    def clean(self) -> None:
        if (
            self.promised_limit_days is not None
            and self.legal_limit_days is not None
            and self.promised_limit_days > self.legal_limit_days
        ):
            raise ValidationError(
                {"promised_limit_days": promised_over_legal(self.promised_limit_days, self.legal_limit_days)}
            )

    @property
    def is_free(self) -> bool:
        return not self.fees.strip()

    @property
    def keyword_list(self) -> list[str]:
        return self.keywords.split()

    @property
    def applies_online(self) -> bool:
        return self.handling == Handling.ONLINE

    @property
    def books_appointment(self) -> bool:
        return self.handling == Handling.APPOINTMENT


def promised_over_legal(promised: int, legal: int) -> str:
    return gettext("The promised time limit (%(promised)s working days) exceeds the legal time limit (%(legal)s).") % {
        "promised": promised,
        "legal": legal,
    }


class Material(models.Model):
    """One document the applicant brings, or the platform fetches (申请材料)."""

    # Material names that are forms the applicant fills in: the guide offers a blank form
    # and a filled-in sample of each (空白表格 / 示范文本).
    FORM_WORDS = ("申请书", "申请表", "登记表", "备案表", "申报表", "承诺书", "登记（备案）申请书")

    class Form(models.TextChoices):
        ORIGINAL = "original", _("Original")
        COPY = "copy", _("Copy")
        ELECTRONIC = "electronic", _("Electronic file")

    class Source(models.TextChoices):
        APPLICANT = "applicant", _("Provided by the applicant")
        SHARED = "shared", _("Shared government data")
        E_CERTIFICATE = "e_certificate", _("E-certificate already issued")

    version = models.ForeignKey(ServiceItemVersion, on_delete=models.CASCADE, related_name="materials")
    name = models.CharField(_("name"), max_length=200)
    form = models.CharField(_("form"), max_length=20, choices=Form.choices, default=Form.ORIGINAL)
    copies = models.PositiveSmallIntegerField(_("copies"), default=1)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices, default=Source.APPLICANT)
    legal_basis = models.CharField(_("legal basis"), max_length=300, blank=True)
    required = models.BooleanField(_("required"), default=True)
    rongque = models.BooleanField(
        _("may follow after acceptance"), default=False, help_text=_("The application is accepted while it is missing.")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("material")
        verbose_name_plural = _("materials")
        ordering = ["version", "order", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_a_form(self) -> bool:
        """A form the applicant fills in (the guide should offer a blank one and a sample)."""
        return self.source == self.Source.APPLICANT and any(word in self.name for word in self.FORM_WORDS)

    @property
    def to_submit(self) -> bool:
        """Whether the applicant hands it in: shared data is fetched by the platform
        (国务院令第716号 第七条) and an e-certificate has the force of paper (第十条)."""
        return self.source == self.Source.APPLICANT


class SpecialProcedure(models.Model):
    """Hearing, inspection, testing, expert review… (特别程序, 行政许可法 第四十五条)."""

    version = models.ForeignKey(ServiceItemVersion, on_delete=models.CASCADE, related_name="procedures")
    name = models.CharField(_("name"), max_length=100)
    counts_toward_limit = models.BooleanField(_("counts toward the time limit"), default=False)
    max_days = models.PositiveSmallIntegerField(_("at most (working days)"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("special procedure")
        verbose_name_plural = _("special procedures")
        ordering = ["version", "order", "pk"]

    def __str__(self) -> str:
        return self.name


class Event(models.Model):
    """A life event (我要开饭店) or enterprise event grouping the items it needs."""

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="service_events")
    kind = models.CharField(_("for"), max_length=20, choices=Audience.choices)
    name = models.CharField(_("name"), max_length=100)
    description = models.CharField(_("description"), max_length=300, blank=True)
    name_en = models.CharField(_("name in English"), max_length=100, blank=True)
    description_en = models.CharField(_("description in English"), max_length=300, blank=True)
    items = models.ManyToManyField(ServiceItem, related_name="events", blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = DistrictScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        constraints = [models.UniqueConstraint(fields=["district", "kind", "name"], name="service_event_unique")]
        ordering = ["district", "kind", "order", "name"]

    def __str__(self) -> str:
        return self.name


def with_published_counts(events: Any) -> Any:
    return events.annotate(item_count=Count("items", filter=Q(items__current_version__isnull=False)))


@dataclass(frozen=True)
class OneTripStatistic:
    """Items needing at most one visit in person (最多跑一次), among published ones."""

    count: int
    total: int

    @property
    def percent(self) -> int:
        return round(100 * self.count / self.total) if self.total else 0


def one_trip_statistic(district: District | int) -> OneTripStatistic:
    """One query; Kuancheng published 518 items = 90% in 2018."""
    totals = (
        ServiceItem.objects.published()
        .filter(district=district)
        .aggregate(total=Count("pk"), count=Count("pk", filter=Q(current_version__max_trips__lte=Trips.ONE)))
    )
    return OneTripStatistic(count=totals["count"], total=totals["total"])


class GuideFileKind(models.TextChoices):
    BLANK_FORM = "blank_form", _("Blank form")
    SAMPLE = "sample", _("Filled-in sample")
    RESULT_SAMPLE = "result_sample", _("Sample of the result")


class GuideFileQuerySet(models.QuerySet):
    def current(self) -> "GuideFileQuerySet":
        return self.filter(removed_at__isnull=True)


class GuideFile(models.Model):
    """A download of a guide (空白表格、示范文本、结果样本). Files belong to the item, not to
    one version: a blank form names the material it serves, and every version that lists
    a material of that name offers it. Kept in the database (a few hundred KB each), so
    every node serves them without shared storage."""

    MAX_BYTES = 5 * 1024 * 1024

    item = models.ForeignKey(ServiceItem, on_delete=models.CASCADE, related_name="files")
    kind = models.CharField(_("kind"), max_length=20, choices=GuideFileKind.choices)
    material_name = models.CharField(
        _("material"), max_length=200, blank=True, help_text=_("Empty for the sample of the result.")
    )
    file_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    data = models.BinaryField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField()
    removed_at = models.DateTimeField(null=True, blank=True)

    objects = GuideFileQuerySet.as_manager()

    class Meta:
        verbose_name = _("guide file")
        verbose_name_plural = _("guide files")
        ordering = ["item", "kind", "material_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "kind", "material_name"],
                condition=models.Q(removed_at__isnull=True),
                name="guide_file_one_current",
            )
        ]

    def __str__(self) -> str:
        return self.file_name


class SearchLog(models.Model):
    """A catalogue query that found something (normalised), for the hot searches; rows
    are only appended, and a job forgets them after 90 days (``search.prune_search_log``)."""

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+", db_index=False)
    term = models.CharField(max_length=40)
    at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["district", "at"], name="search_log_recent_idx")]

    def __str__(self) -> str:
        return self.term
