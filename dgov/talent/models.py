"""Talent (人才, DOMAIN.md §5): programmes for qualified talent (housing, subsidies, school
places) with their conditions as data over the talent facts, applications through the
one-window flow, and the register of talents landed per enterprise and project.

A talent's ID number and phone are personal data: shown masked, revealed only to a person
with the permission to reveal personal data, with a reason, and audited (``actions.do_reveal``).

Money in 万元.
"""

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from dgov.accounts.models import DistrictScopedQuerySet
from dgov.lib.idnumbers import resident_id_validator
from dgov.lib.personal import mask_id_number, mask_phone
from dgov.policies.conditions import CHOICE, CODE, YEARS, Condition, Fact, FactSet


class Education(models.TextChoices):
    DOCTORATE = "doctorate", _("Doctorate")
    MASTER = "master", _("Master's degree")
    BACHELOR = "bachelor", _("Bachelor's degree")
    COLLEGE = "college", _("College diploma")
    VOCATIONAL = "vocational", _("Vocational qualification")


class Title(models.TextChoices):
    SENIOR = "senior", _("Senior professional title (正高)")
    DEPUTY_SENIOR = "deputy_senior", _("Deputy senior title (副高)")
    INTERMEDIATE = "intermediate", _("Intermediate title (中级)")
    SENIOR_TECHNICIAN = "senior_technician", _("Senior technician (高级技师)")
    NONE = "none", _("None")


class Tier(models.TextChoices):
    """The talent classes of a city's talent catalogue (e.g. Changchun's A–E)."""

    A = "A", _("Class A (top talent)")
    B = "B", _("Class B (national leading talent)")
    C = "C", _("Class C (provincial leading talent)")
    D = "D", _("Class D (city high-level talent)")
    E = "E", _("Class E (high-level talent of the district)")


TALENT_FACTS = FactSet(
    [
        Fact("education", _("Education"), CHOICE, "education", choices=tuple(Education.choices)),
        Fact("title", _("Professional title"), CHOICE, "title", choices=tuple(Title.choices)),
        Fact("tier", _("Talent class"), CHOICE, "tier", choices=tuple(Tier.choices)),
        Fact("age", _("Age"), YEARS, "born_on", unit=_(" years")),
        Fact("years_in_district", _("Years working in the district"), YEARS, "landed_on", unit=_(" years")),
        Fact(
            "field",
            _("Field (GB/T 4754)"),
            CODE,
            "field_code",
            code_pattern=r"[A-T](\d{2}|\d{3}|\d{4})?",
            help=_("The industry the talent works in, e.g. C37"),
        ),
    ]
)


def born_on(id_number: str) -> dt.date | None:
    """The date of birth in an 18-character resident ID number (GB 11643)."""
    try:
        return dt.date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
    except (ValueError, IndexError):
        return None


class Talent(models.Model):
    """A talent landed in the district, with the enterprise and project that brought them."""

    district = models.ForeignKey("accounts.District", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=100)
    id_number = models.CharField(_("ID card number"), max_length=18, validators=[resident_id_validator])
    phone = models.CharField(_("mobile phone"), max_length=20, blank=True)
    born_on = models.DateField(_("born on"), null=True, blank=True, editable=False)
    education = models.CharField(_("education"), max_length=12, choices=Education.choices)
    title = models.CharField(_("professional title"), max_length=20, choices=Title.choices, default=Title.NONE)
    tier = models.CharField(_("talent class"), max_length=1, choices=Tier.choices, blank=True)
    field_code = models.CharField(_("field (GB/T 4754)"), max_length=5, blank=True)
    employer = models.ForeignKey(
        "policies.EnterpriseProfile", null=True, blank=True, on_delete=models.PROTECT, related_name="talents"
    )
    project = models.ForeignKey(
        "investment.Project", null=True, blank=True, on_delete=models.PROTECT, related_name="talents"
    )
    landed_on = models.DateField(_("came to work in the district on"))
    brought_in = models.BooleanField(_("brought in from outside the district"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = DistrictScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("talent")
        verbose_name_plural = _("talents")
        ordering = ["-landed_on", "pk"]
        permissions = [
            ("view_talent_register", "Can see the talent register, programmes and figures"),
            ("keep_talent_register", "Can register talents and write talent programmes"),
            ("award_talent_benefit", "Can award a programme's benefit on an approved application"),
        ]
        constraints = [models.UniqueConstraint(fields=["district", "id_number"], name="talent_once")]
        indexes = [
            models.Index(fields=["district", "employer"], name="talent_employer_idx"),
            models.Index(fields=["district", "project"], name="talent_project_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.born_on = born_on(self.id_number)
        self.field_code = (self.field_code or "").upper()
        super().save(*args, **kwargs)

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)


class ProgrammeKind(models.TextChoices):
    HOUSING = "housing", _("Housing (人才公寓 / 购房补贴)")
    SUBSIDY = "subsidy", _("Living or settlement subsidy")
    SCHOOL = "school", _("School places for children")
    RESEARCH = "research", _("Research funding")


class ProgrammeQuerySet(DistrictScopedQuerySet):
    def in_force(self, today: dt.date) -> "ProgrammeQuerySet":
        return self.filter(valid_from__lte=today, valid_to__gte=today)


class Programme(models.Model):
    district = models.ForeignKey("accounts.District", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("programme"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=ProgrammeKind.choices)
    issuer = models.CharField(_("issuing body"), max_length=200)
    document_number = models.CharField(_("document number"), max_length=100, blank=True)
    is_example = models.BooleanField(_("invented example"), default=False)
    department = models.ForeignKey("accounts.Department", on_delete=models.PROTECT, related_name="+")
    service_item = models.ForeignKey(
        "services.ServiceItem", on_delete=models.PROTECT, related_name="+", verbose_name=_("service item to apply for")
    )
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"))
    conditions = models.JSONField(_("conditions"), default=list, blank=True)
    benefit = models.CharField(_("benefit"), max_length=300)
    amount = models.DecimalField(_("amount (万元)"), max_digits=14, decimal_places=2, default=0)
    quota = models.PositiveIntegerField(_("at most this many talents"), null=True, blank=True)
    awarded = models.PositiveIntegerField(_("awarded so far"), default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        verbose_name = _("talent programme")
        verbose_name_plural = _("talent programmes")
        ordering = ["-valid_from", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(valid_to__gte=F("valid_from")), name="programme_ends_after_start"),
            models.CheckConstraint(
                condition=Q(quota__isnull=True) | Q(awarded__lte=F("quota")), name="programme_within_quota"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def parsed_conditions(self) -> list[Condition]:
        if not hasattr(self, "_parsed"):
            self._parsed = TALENT_FACTS.load(self.conditions)
        return self._parsed

    @property
    def conditions_text(self) -> str:
        return TALENT_FACTS.as_text(self.parsed_conditions)

    def in_force_on(self, today: dt.date) -> bool:
        return self.valid_from <= today <= self.valid_to


class Award(models.Model):
    """A programme's benefit awarded to a talent on an approved one-window application."""

    district = models.ForeignKey("accounts.District", on_delete=models.PROTECT, related_name="+")
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="awards")
    talent = models.ForeignKey(Talent, on_delete=models.PROTECT, related_name="awards")
    application = models.OneToOneField("applications.Application", on_delete=models.PROTECT, related_name="+")
    amount = models.DecimalField(_("amount (万元)"), max_digits=14, decimal_places=2, default=0)
    awarded_on = models.DateField(_("awarded on"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    facts = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("award")
        verbose_name_plural = _("awards")
        ordering = ["-awarded_on", "-pk"]
        constraints = [models.UniqueConstraint(fields=["programme", "talent"], name="award_once_per_programme")]

    def __str__(self) -> str:
        return f"{self.programme_id} · {self.talent_id}"
