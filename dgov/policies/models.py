"""Preferential policies for enterprises (惠企政策) that find the enterprise (DOMAIN.md §5).

``EnterpriseProfile`` holds the facts the platform knows about an enterprise (企业画像), one
column per fact of ``facts.ENTERPRISE_FACTS``. ``Policy`` carries its conditions as data
over those facts and its benefit. The matching job writes ``PolicyMatch`` rows; a benefit
received is a ``Grant``, at most one per policy, enterprise and period (a unique
constraint), within the policy's budget and quota (a conditional UPDATE and a CHECK).

Money in 万元.
"""

import datetime as dt
import json
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from dgov.accounts.models import DistrictScopedQuerySet
from dgov.lib import clock
from dgov.policies.conditions import Condition
from dgov.policies.facts import ENTERPRISE_FACTS, SizeClass

CENT = Decimal("0.01")


class EnterpriseProfile(models.Model):
    """What the platform knows about one enterprise, fact by fact, with each fact's source."""

    district = models.ForeignKey("accounts.District", on_delete=models.PROTECT, related_name="+")
    applicant = models.OneToOneField("accounts.Applicant", on_delete=models.PROTECT, related_name="enterprise_profile")
    name = models.CharField(_("enterprise"), max_length=100)
    credit_code = models.CharField(_("unified social credit code"), max_length=18)
    industry_code = models.CharField(_("industry (GB/T 4754)"), max_length=5, blank=True)
    size_class = models.CharField(_("size class"), max_length=10, choices=SizeClass.choices, blank=True)
    registered_region = models.CharField(_("registered region (GB/T 2260)"), max_length=6, blank=True)
    founded_on = models.DateField(_("founded on"), null=True, blank=True)
    paid_in_capital = models.DecimalField(
        _("paid-in capital (万元)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    revenue = models.DecimalField(_("revenue last year (万元)"), max_digits=14, decimal_places=2, null=True, blank=True)
    tax_paid = models.DecimalField(
        _("tax paid last year (万元)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    employees = models.PositiveIntegerField(_("employees"), null=True, blank=True)
    rd_spend = models.DecimalField(
        _("R&D spend last year (万元)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    # Derived on save: R&D spend ÷ revenue, in %.
    rd_intensity = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True, editable=False)
    certificates = models.CharField(_("certificates held"), max_length=500, blank=True)  # ",high_tech,tech_sme,"
    key_project = models.BooleanField(_("investor of a key project"), null=True, blank=True)
    project_investment = models.DecimalField(
        _("fixed-asset investment of its projects (万元)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    # {fact name: Source} for each fact that is known.
    sources = models.JSONField(default=dict, blank=True)
    confirmed_at = models.DateTimeField(_("facts last confirmed by the enterprise"), null=True, blank=True)
    # Set on every save from the platform's clock (the matching job compares it with its
    # own start, read from the same clock).
    updated_at = models.DateTimeField(editable=False)

    objects = DistrictScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("enterprise profile")
        verbose_name_plural = _("enterprise profiles")
        indexes = [
            models.Index(fields=["district", "credit_code"], name="profile_credit_code_idx"),
            models.Index(fields=["updated_at"], name="profile_changed_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.rd_intensity = rd_intensity(self.rd_spend, self.revenue)
        self.industry_code = (self.industry_code or "").upper()
        if not self.registered_region and len(self.credit_code) == 18:
            self.registered_region = self.credit_code[2:8]
        self.updated_at = clock.now()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "rd_intensity", "industry_code", "updated_at"}
        super().save(*args, **kwargs)

    @property
    def certificate_set(self) -> set[str]:
        return {t for t in self.certificates.split(",") if t}

    def source_of(self, fact: str) -> str:
        from dgov.policies.facts import Source

        code = self.sources.get(fact, "")
        return str(Source(code).label) if code in Source.values else ""


def rd_intensity(rd_spend: Decimal | None, revenue: Decimal | None) -> Decimal | None:
    if rd_spend is None or not revenue:
        return None
    return (Decimal(rd_spend) * 100 / Decimal(revenue)).quantize(CENT, rounding=ROUND_HALF_UP)


def certificate_text(tokens: Any) -> str:
    tokens = sorted({str(t).strip().lower() for t in tokens if str(t).strip()})
    return f",{','.join(tokens)}," if tokens else ""


class Mode(models.TextChoices):
    AUTOMATIC = "automatic", _("Granted without application (免申即享)")
    ONE_CLICK = "one_click", _("One-click application (即申即享)")
    APPLICATION = "application", _("Ordinary application through the one window")


class BenefitKind(models.TextChoices):
    FIXED = "fixed", _("A fixed amount")
    SHARE = "share", _("A share of a fact")


class Period(models.TextChoices):
    ONCE = "once", _("Once while the policy is valid")
    YEAR = "year", _("Once a calendar year")


class PolicyStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class PolicyQuerySet(DistrictScopedQuerySet):
    def in_force(self, today: dt.date) -> "PolicyQuerySet":
        """Published and valid on ``today``: only these match anyone."""
        return self.filter(status=PolicyStatus.PUBLISHED, valid_from__lte=today, valid_to__gte=today)


class Policy(models.Model):
    district = models.ForeignKey("accounts.District", on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=200)
    issuer = models.CharField(_("issuing body"), max_length=200)
    document_number = models.CharField(_("document number"), max_length=100, blank=True)
    is_example = models.BooleanField(
        _("invented example"), default=False, help_text=_("Not a published document: an example for the demo.")
    )
    department = models.ForeignKey(
        "accounts.Department",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("department that grants it"),
    )
    summary = models.CharField(_("summary"), max_length=500, blank=True)
    full_text = models.TextField(_("full text"), blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"))
    conditions = models.JSONField(_("conditions"), default=list, blank=True)
    mode = models.CharField(_("how it is received"), max_length=12, choices=Mode.choices)
    service_item = models.ForeignKey(
        "services.ServiceItem",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("service item to apply for"),
    )
    benefit_kind = models.CharField(_("benefit"), max_length=10, choices=BenefitKind.choices)
    benefit_amount = models.DecimalField(
        _("fixed amount (万元)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    benefit_rate = models.DecimalField(_("share (%)"), max_digits=6, decimal_places=2, null=True, blank=True)
    benefit_fact = models.CharField(_("share of the fact"), max_length=40, blank=True)
    benefit_cap = models.DecimalField(
        _("at most per enterprise (万元)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    period = models.CharField(_("how often"), max_length=6, choices=Period.choices, default=Period.ONCE)
    budget = models.DecimalField(_("budget (万元)"), max_digits=14, decimal_places=2, null=True, blank=True)
    quota = models.PositiveIntegerField(_("at most this many enterprises"), null=True, blank=True)
    granted_total = models.DecimalField(_("granted so far (万元)"), max_digits=14, decimal_places=2, default=0)
    grant_count = models.PositiveIntegerField(_("grants so far"), default=0)
    status = models.CharField(_("status"), max_length=10, choices=PolicyStatus.choices, default=PolicyStatus.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # Set on every save from the platform's clock (the matching job compares it with its
    # own start, read from the same clock).
    updated_at = models.DateTimeField(editable=False)

    objects = PolicyQuerySet.as_manager()

    class Meta:
        verbose_name = _("preferential policy")
        verbose_name_plural = _("preferential policies")
        ordering = ["-valid_from", "pk"]
        permissions = [
            ("view_policy_library", "Can see the policy library, matches and grants"),
            ("manage_policy_library", "Can write, import, publish and withdraw policies"),
            ("grant_benefit", "Can confirm lists and grant benefits of own department's policies"),
        ]
        indexes = [models.Index(fields=["district", "status", "valid_to"], name="policy_in_force_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(valid_to__gte=F("valid_from")), name="policy_ends_after_start"),
            models.CheckConstraint(
                condition=Q(budget__isnull=True) | Q(granted_total__lte=F("budget")), name="policy_within_budget"
            ),
            models.CheckConstraint(
                condition=Q(quota__isnull=True) | Q(grant_count__lte=F("quota")), name="policy_within_quota"
            ),
            models.CheckConstraint(
                condition=~Q(mode="application") | Q(service_item__isnull=False),
                name="policy_application_has_item",
            ),
            models.CheckConstraint(
                condition=(Q(benefit_kind="fixed") & Q(benefit_amount__isnull=False))
                | (Q(benefit_kind="share") & Q(benefit_rate__isnull=False) & ~Q(benefit_fact="")),
                name="policy_benefit_complete",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.updated_at = clock.now()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "updated_at"}
        super().save(*args, **kwargs)

    @property
    def parsed_conditions(self) -> list[Condition]:
        if not hasattr(self, "_parsed"):
            self._parsed = parsed(self.conditions)
        return self._parsed

    @property
    def conditions_text(self) -> str:
        return ENTERPRISE_FACTS.as_text(self.parsed_conditions)

    def in_force_on(self, today: dt.date) -> bool:
        return self.status == PolicyStatus.PUBLISHED and self.valid_from <= today <= self.valid_to

    def period_key(self, today: dt.date) -> str:
        return "once" if self.period == Period.ONCE else str(today.year)

    @property
    def budget_left(self) -> Decimal | None:
        return None if self.budget is None else Decimal(self.budget) - Decimal(self.granted_total)

    def benefit_for(self, profile: EnterpriseProfile) -> tuple[Decimal | None, str]:
        """The amount for ``profile`` and how it is made; ``None`` when a fact it needs is unknown.

        1. A fixed amount, or the share (%) of the named fact (e.g. 10% of R&D spend).
        2. At most the cap per enterprise.
        """
        if self.benefit_kind == BenefitKind.FIXED:
            amount = Decimal(self.benefit_amount or 0)
            formula = f"{_plain(amount)}万"
        else:
            fact = ENTERPRISE_FACTS[self.benefit_fact]
            base = getattr(profile, fact.column)
            if base is None:
                return None, ""
            amount = (Decimal(base) * Decimal(self.benefit_rate or 0) / 100).quantize(CENT, rounding=ROUND_HALF_UP)
            formula = f"{fact.label} {_plain(Decimal(base))}万 × {_plain(Decimal(self.benefit_rate or 0))}% = {_plain(amount)}万"
        if self.benefit_cap is not None and amount > self.benefit_cap:
            formula += f"; ≤ {_plain(Decimal(self.benefit_cap))}万"
            amount = Decimal(self.benefit_cap)
        return amount, formula

    @property
    def benefit_text(self) -> str:
        if self.benefit_kind == BenefitKind.FIXED:
            text = f"{_plain(Decimal(self.benefit_amount or 0))}万"
        else:
            fact = ENTERPRISE_FACTS.by_name.get(self.benefit_fact)
            text = f"{_plain(Decimal(self.benefit_rate or 0))}% × {fact.label if fact else self.benefit_fact}"
        if self.benefit_cap is not None:
            text += f" (≤ {_plain(Decimal(self.benefit_cap))}万)"
        return text


_PARSED: dict[str, list[Condition]] = {}


def parsed(data: Any) -> list[Condition]:
    """Stored conditions read once per process: the enterprise's page checks all 300
    policies of a district on every request. Keyed by the stored data itself, so a
    changed policy is read afresh."""
    key = json.dumps(data, sort_keys=True, ensure_ascii=False)
    found = _PARSED.get(key)
    if found is None:
        if len(_PARSED) > 5000:
            _PARSED.clear()
        found = _PARSED[key] = ENTERPRISE_FACTS.load(data)
    return found


def _plain(value: Decimal) -> str:
    return format(Decimal(value).normalize(), "f")


class PolicyMatch(models.Model):
    """An enterprise that qualifies for a policy in force, found by the matching job.

    One row per policy and enterprise; ``active`` turns off when the enterprise no longer
    qualifies or the policy is no longer in force, and on again if it qualifies again.

    Derived data, written a million rows at a time by set-based statements of the job: its
    foreign keys are neither indexed alone (the unique index leads with the policy) nor
    checked by the database row by row at commit (which took longer than the inserts
    themselves; decision 0016). Rows are only ever written from existing policies and
    profiles, and deleting either deletes its matches.
    """

    district = models.ForeignKey(
        "accounts.District", on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False
    )
    policy = models.ForeignKey(
        Policy, on_delete=models.CASCADE, related_name="matches", db_index=False, db_constraint=False
    )
    profile = models.ForeignKey(
        EnterpriseProfile, on_delete=models.CASCADE, related_name="matches", db_index=False, db_constraint=False
    )
    active = models.BooleanField(default=True)
    matched_at = models.DateTimeField()
    lapsed_at = models.DateTimeField(null=True, blank=True)
    notified = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("policy match")
        verbose_name_plural = _("policy matches")
        constraints = [models.UniqueConstraint(fields=["policy", "profile"], name="policy_match_once")]
        # The unique index (policy, profile) serves every lookup of the matching job and
        # of the policy's page; fewer indexes keep the job's bulk writes cheap.
        indexes = [models.Index(fields=["profile"], condition=Q(notified=False), name="match_unnotified_idx")]

    def __str__(self) -> str:
        return f"{self.policy_id} · {self.profile_id}"


class Via(models.TextChoices):
    AUTOMATIC = "automatic", _("Without application: the department confirmed the list")
    ONE_CLICK = "one_click", _("One-click application")
    APPLICATION = "application", _("Ordinary application")


class GrantQuerySet(DistrictScopedQuerySet):
    def published(self) -> "GrantQuerySet":
        return self.filter(published=True)


class ListConfirmation(models.Model):
    """The department confirmed a policy's list of matched enterprises (免申即享)."""

    district = models.ForeignKey("accounts.District", on_delete=models.PROTECT, related_name="+")
    policy = models.ForeignKey(Policy, on_delete=models.PROTECT, related_name="confirmations")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    granted = models.PositiveIntegerField(default=0)
    granted_amount = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    # [{"profile": id, "name": …, "reason": …}] for each enterprise not granted, and why.
    skipped = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.policy_id} {self.at:%Y-%m-%d}"


class Grant(models.Model):
    """A benefit received: published (name, policy, amount) and audited."""

    district = models.ForeignKey("accounts.District", on_delete=models.PROTECT, related_name="+")
    policy = models.ForeignKey(Policy, on_delete=models.PROTECT, related_name="grants")
    profile = models.ForeignKey(EnterpriseProfile, on_delete=models.PROTECT, related_name="grants")
    enterprise_name = models.CharField(_("enterprise"), max_length=100)
    period_key = models.CharField(_("period"), max_length=10)
    amount = models.DecimalField(_("amount (万元)"), max_digits=14, decimal_places=2)
    formula = models.CharField(_("how the amount is made"), max_length=300)
    via = models.CharField(_("received through"), max_length=12, choices=Via.choices)
    application = models.ForeignKey(
        "applications.Application", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    confirmation = models.ForeignKey(
        ListConfirmation, null=True, blank=True, on_delete=models.PROTECT, related_name="grants"
    )
    # The facts the grant was judged on: {fact: [value, source]}.
    facts = models.JSONField(default=dict, blank=True)
    granted_on = models.DateField(_("granted on"))
    granted_at = models.DateTimeField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    published = models.BooleanField(_("published"), default=True)

    objects = GrantQuerySet.as_manager()

    class Meta:
        verbose_name = _("grant")
        verbose_name_plural = _("grants")
        ordering = ["-granted_at", "-pk"]
        constraints = [
            # An enterprise never gets the same policy twice in its period.
            models.UniqueConstraint(fields=["policy", "profile", "period_key"], name="grant_once_per_period"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="grant_positive"),
        ]
        indexes = [models.Index(fields=["district", "published", "-granted_at"], name="grant_public_idx")]

    def __str__(self) -> str:
        return f"{self.enterprise_name} · {self.policy_id} · {self.amount}"


class MatchRun(models.Model):
    """One pass of the matching job: what it found, how long it took."""

    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    policies = models.PositiveIntegerField(default=0)
    new_matches = models.PositiveIntegerField(default=0)
    lapsed = models.PositiveIntegerField(default=0)
    notified = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M}"
