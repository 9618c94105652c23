"""Investment attraction: projects from lead to full production (DOMAIN.md §2).

``Project`` is the object the secretaries and the green channel hang on; the investment
app owns it and everything about the pipeline: where projects come from (resident
offices, hired agents and their incentives), the stages and their log, the admission
gates before signing, the 选商 score, parks and parcels.

Units: money in 万元, land in 亩, floor space and parcels in ㎡, energy in tonnes of
standard coal (tce) and 万 kWh a year.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dgov.accounts.models import DistrictScopedQuerySet

ZERO = Decimal("0")


class Stage(models.TextChoices):
    LEAD = "lead", _("Lead")
    TALKS = "talks", pgettext_lazy("investment stage", "Talks")
    LETTER_OF_INTENT = "intent", _("Letter of intent")
    SIGNED = "signed", _("Signed")
    LAND = "land", _("Land granted")
    CONSTRUCTION = "construction", _("Construction started")
    OPERATION = "operation", _("In operation")
    FULL_PRODUCTION = "full_production", _("Full production")
    LOST = "lost", _("Lost")


# The pipeline in order; LOST stands beside it.
PIPELINE: tuple[Stage, ...] = (
    Stage.LEAD,
    Stage.TALKS,
    Stage.LETTER_OF_INTENT,
    Stage.SIGNED,
    Stage.LAND,
    Stage.CONSTRUCTION,
    Stage.OPERATION,
    Stage.FULL_PRODUCTION,
)
SIGNED_OR_LATER: tuple[Stage, ...] = PIPELINE[PIPELINE.index(Stage.SIGNED) :]
BEFORE_SIGNING: tuple[Stage, ...] = PIPELINE[: PIPELINE.index(Stage.SIGNED)]


def stage_index(stage: str) -> int:
    return PIPELINE.index(Stage(stage)) if stage in PIPELINE else -1


# Defaults of the per-stage settings: probability (%), idle yellow/red after N working days.
STAGE_DEFAULTS: dict[str, tuple[int, int, int]] = {
    Stage.LEAD: (10, 10, 20),
    Stage.TALKS: (20, 10, 20),
    Stage.LETTER_OF_INTENT: (40, 15, 30),
    Stage.SIGNED: (70, 15, 30),
    Stage.LAND: (80, 20, 40),
    Stage.CONSTRUCTION: (90, 20, 40),
    Stage.OPERATION: (100, 40, 80),
    Stage.FULL_PRODUCTION: (100, 60, 120),
}


class Orientation(models.TextChoices):
    ENCOURAGED = "encouraged", _("Encouraged")
    RESTRICTED = "restricted", _("Restricted")
    BARRED = "barred", _("Barred")


class EnergyClass(models.TextChoices):
    EXEMPT = "exempt", _("Exempt from energy review")
    COUNTY = "county", _("Energy review by the county")
    PROVINCE = "province", _("Energy review by the province")


class Source(models.TextChoices):
    OFFICE = "office", _("Resident office")
    AGENT = "agent", _("Hired agent")
    LEADER = "leader", _("Leaders' visits")
    PARK = "park", _("Park attraction")
    OTHER = "other", _("Other")


# -- Settings as data ---------------------------------------------------------------------


class InvestmentPolicy(models.Model):
    """The district's admission thresholds, energy-review thresholds and 选商 weights.

    Defaults are the published practice of DOMAIN.md §2: fixed assets ≥ 150万 per mu, tax
    ≥ 10万 per mu a year; energy review by the province from 5,000 tce, by the county from
    1,000 tce; below 1,000 tce and 500万 kWh exempt."""

    district = models.OneToOneField("accounts.District", on_delete=models.CASCADE, related_name="investment_policy")
    min_fixed_assets_per_mu = models.DecimalField(
        _("fixed-asset investment per mu at least (万元)"), default=150, max_digits=14, decimal_places=2
    )
    min_tax_per_mu = models.DecimalField(
        _("annual tax per mu at least (万元)"), default=10, max_digits=14, decimal_places=2
    )
    province_review_tce = models.DecimalField(
        _("province reviews from (tce a year)"), default=5000, max_digits=14, decimal_places=2
    )
    county_review_tce = models.DecimalField(
        _("county reviews from (tce a year)"), default=1000, max_digits=14, decimal_places=2
    )
    exempt_below_kwh = models.DecimalField(
        _("exempt below (万 kWh a year)"), default=500, max_digits=14, decimal_places=2
    )
    score_full_scale = models.DecimalField(
        _("fixed-asset investment earning full scale points (万元)"), default=50000, max_digits=14, decimal_places=2
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("investment policy")
        verbose_name_plural = _("investment policies")
        permissions = [("manage_policy", "Can change the investment settings and incentive rules")]

    def __str__(self) -> str:
        return str(self.district)

    @classmethod
    def for_district(cls, district_id: int) -> "InvestmentPolicy":
        policy = cls.objects.filter(district_id=district_id).first()
        return policy or cls(district_id=district_id)

    def energy_class(self, tce: Decimal, kwh: Decimal) -> EnergyClass:
        if tce >= self.province_review_tce:
            return EnergyClass.PROVINCE
        if tce >= self.county_review_tce or kwh >= self.exempt_below_kwh:
            return EnergyClass.COUNTY
        return EnergyClass.EXEMPT


class StagePolicy(models.Model):
    """Per stage: the default probability and after how many working days without
    activity a project turns yellow, then red."""

    district = models.ForeignKey("accounts.District", on_delete=models.CASCADE, related_name="+")
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices)
    probability = models.PositiveSmallIntegerField(_("default probability (%)"))
    yellow_days = models.PositiveSmallIntegerField(_("yellow after (working days)"))
    red_days = models.PositiveSmallIntegerField(_("red after (working days)"))

    class Meta:
        verbose_name = _("stage setting")
        verbose_name_plural = _("stage settings")
        constraints = [
            models.UniqueConstraint(fields=["district", "stage"], name="stage_policy_once"),
            models.CheckConstraint(condition=models.Q(probability__lte=100), name="stage_probability_percent"),
            models.CheckConstraint(condition=models.Q(red_days__gt=models.F("yellow_days")), name="red_after_yellow"),
        ]

    def __str__(self) -> str:
        return f"{self.district_id} {self.stage}"


@dataclass(frozen=True)
class StageSetting:
    probability: int
    yellow_days: int
    red_days: int


def stage_settings(district_id: int) -> dict[str, StageSetting]:
    """Every pipeline stage's setting: the district's row, else the default."""
    table = {stage: StageSetting(*values) for stage, values in STAGE_DEFAULTS.items()}
    for row in StagePolicy.objects.filter(district_id=district_id):
        table[row.stage] = StageSetting(row.probability, row.yellow_days, row.red_days)
    return table


class Industry(models.Model):
    """An entry of the district's industry orientation list (产业导向目录)."""

    district = models.ForeignKey("accounts.District", on_delete=models.PROTECT, related_name="+")
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("industry"), max_length=100)
    orientation = models.CharField(_("orientation"), max_length=12, choices=Orientation.choices)
    chain = models.CharField(_("industrial chain of the district"), max_length=100, blank=True)

    objects = DistrictScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("industry")
        verbose_name_plural = _("industries")
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["district", "code"], name="industry_code_once")]

    def __str__(self) -> str:
        return self.name


# -- Where projects come from -------------------------------------------------------------


class ResidentOffice(models.Model):
    """A standing office in a developed region (驻点招商)."""

    district = models.ForeignKey("accounts.District", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=100)
    city = models.CharField(_("city"), max_length=50)
    region = models.CharField(_("region served"), max_length=100, blank=True)
    opened_on = models.DateField(_("opened on"), null=True, blank=True)
    staff = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="resident_offices")

    objects = DistrictScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("resident office")
        verbose_name_plural = _("resident offices")
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["district", "name"], name="resident_office_name_once")]

    def __str__(self) -> str:
        return self.name


class TargetCompany(models.Model):
    """A company on a resident office's target list."""

    class Status(models.TextChoices):
        TO_VISIT = "to_visit", _("To visit")
        VISITED = "visited", _("Visited")
        LANDED = "landed", _("Became a project")
        DROPPED = "dropped", _("Dropped")

    office = models.ForeignKey(ResidentOffice, on_delete=models.CASCADE, related_name="targets")
    name = models.CharField(_("company"), max_length=200)
    industry = models.CharField(_("industry"), max_length=100, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.TO_VISIT)
    project = models.ForeignKey("Project", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("target company")
        verbose_name_plural = _("target companies")
        ordering = ["office", "name"]
        constraints = [models.UniqueConstraint(fields=["office", "name"], name="target_company_once")]

    def __str__(self) -> str:
        return self.name


class Agent(models.Model):
    """A locally hired agent (聘请当地人员就地招商). Only a registered agent may claim a
    project; ``user`` is the login that sees the agent's own leads."""

    district = models.ForeignKey("accounts.District", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=100)
    phone = models.CharField(_("mobile phone"), max_length=20, blank=True)
    office = models.ForeignKey(ResidentOffice, null=True, blank=True, on_delete=models.SET_NULL, related_name="agents")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="agent"
    )
    registered_at = models.DateTimeField(_("registered at"))
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = DistrictScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("agent")
        verbose_name_plural = _("agents")
        ordering = ["registered_at"]
        permissions = [
            ("manage_agents", "Can register agents and record their claims"),
            ("submit_lead", "Can submit own leads as a hired agent"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def masked_phone(self) -> str:
        from dgov.lib.personal import mask_phone

        return mask_phone(self.phone)


class IncentiveRule(models.Model):
    """How agents are paid: tiered rates on verified paid-in capital, a cap per project,
    a floor of fixed-asset investment, and payment in instalments by progress."""

    district = models.ForeignKey("accounts.District", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=100)
    floor_fixed_assets = models.DecimalField(
        _("fixed-asset investment at least (万元)"), default=3000, max_digits=14, decimal_places=2
    )
    cap = models.DecimalField(_("cap per project (万元)"), default=100, max_digits=14, decimal_places=2)
    active = models.BooleanField(_("in force for new claims"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = DistrictScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("incentive rule")
        verbose_name_plural = _("incentive rules")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name


class IncentiveTier(models.Model):
    """A band of paid-in capital and its rate in ‰; the last band has no upper bound."""

    rule = models.ForeignKey(IncentiveRule, on_delete=models.CASCADE, related_name="tiers")
    up_to = models.DecimalField(_("up to (万元)"), null=True, blank=True, max_digits=14, decimal_places=2)
    rate_permille = models.DecimalField(_("rate (‰)"), max_digits=6, decimal_places=3)

    class Meta:
        ordering = [models.F("up_to").asc(nulls_last=True)]

    def __str__(self) -> str:
        return f"{self.up_to}: {self.rate_permille}‰"


class IncentiveInstalment(models.Model):
    """The share of the incentive that falls due once the project reaches a stage."""

    rule = models.ForeignKey(IncentiveRule, on_delete=models.CASCADE, related_name="instalments")
    stage = models.CharField(_("due at stage"), max_length=20, choices=Stage.choices)
    percent = models.PositiveSmallIntegerField(_("share (%)"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["rule", "stage"], name="instalment_stage_once")]

    def __str__(self) -> str:
        return f"{self.stage}: {self.percent}%"


# -- The project ----------------------------------------------------------------------


class ProjectQuerySet(DistrictScopedQuerySet):
    def key(self) -> "ProjectQuerySet":
        return self.filter(is_key=True)

    def open(self) -> "ProjectQuerySet":
        return self.exclude(stage=Stage.LOST)


# The facts of a project that its page's form edits (and ``do_update_project`` audits).
PROJECT_FACTS = [
    "name",
    "investor",
    "investor_credit_code",
    "is_key",
    "source",
    "office",
    "industry",
    "agreed_amount",
    "paid_in",
    "fixed_asset_investment",
    "jobs",
    "expected_output",
    "expected_tax",
    "land_mu",
    "floor_space",
    "energy_tce",
    "electricity_kwh",
]


class Project(models.Model):
    district = models.ForeignKey("accounts.District", on_delete=models.PROTECT, related_name="projects")
    name = models.CharField(_("project name"), max_length=200)
    investor = models.CharField(_("investor"), max_length=200)
    investor_credit_code = models.CharField(_("investor's unified social credit code"), max_length=18, blank=True)
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices, default=Stage.LEAD)
    is_key = models.BooleanField(_("on the key-project list"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    # Where it came from and who answers for it.
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.OTHER)
    office = models.ForeignKey(
        ResidentOffice, null=True, blank=True, on_delete=models.SET_NULL, related_name="projects"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    # Money, kept apart (万元).
    agreed_amount = models.DecimalField(_("agreed amount (协议额, 万元)"), default=0, max_digits=14, decimal_places=2)
    paid_in = models.DecimalField(_("paid-in capital (到位资金, 万元)"), default=0, max_digits=14, decimal_places=2)
    paid_in_verified = models.DecimalField(
        _("verified paid-in capital (万元)"), default=0, max_digits=14, decimal_places=2
    )
    paid_in_verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    paid_in_verified_at = models.DateTimeField(null=True, blank=True)
    fixed_asset_investment = models.DecimalField(
        _("fixed-asset investment (万元)"), default=0, max_digits=14, decimal_places=2
    )

    # What it brings and asks for.
    industry = models.ForeignKey(Industry, null=True, blank=True, on_delete=models.PROTECT, related_name="projects")
    jobs = models.PositiveIntegerField(_("jobs"), default=0)
    expected_output = models.DecimalField(
        _("expected annual output (万元)"), default=0, max_digits=14, decimal_places=2
    )
    expected_tax = models.DecimalField(_("expected annual tax (万元)"), default=0, max_digits=14, decimal_places=2)
    land_mu = models.DecimalField(_("land asked for (亩)"), max_digits=10, decimal_places=2, default=0)
    floor_space = models.DecimalField(_("floor space asked for (㎡)"), max_digits=12, decimal_places=2, default=0)
    energy_tce = models.DecimalField(_("annual energy use (tce)"), default=0, max_digits=14, decimal_places=2)
    electricity_kwh = models.DecimalField(_("annual electricity (万 kWh)"), default=0, max_digits=14, decimal_places=2)

    # The pipeline.
    stage_entered_at = models.DateTimeField(_("in this stage since"), null=True, blank=True)
    # The local date of ``stage_entered_at``: stage ages group by it without a date
    # function per row (which SQLite runs in Python).
    stage_entered_on = models.DateField(null=True, blank=True, editable=False)
    last_activity_at = models.DateTimeField(_("last activity"), null=True, blank=True)
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    probability = models.PositiveSmallIntegerField(_("probability set by hand (%)"), null=True, blank=True)
    lost_from = models.CharField(_("lost at stage"), max_length=20, choices=Stage.choices, blank=True)
    lost_reason = models.CharField(_("reason lost"), max_length=300, blank=True)
    paused_until = models.DateField(_("paused until"), null=True, blank=True)
    pause_reason = models.CharField(_("reason for the pause"), max_length=300, blank=True)
    selection_score = models.DecimalField(_("选商 score"), max_digits=6, decimal_places=2, default=0)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        indexes = [
            models.Index(fields=["district", "stage"]),
            models.Index(fields=["district", "is_key"]),
            models.Index(fields=["district", "-is_key", "-agreed_amount", "id"], name="project_pipeline_order_idx"),
            models.Index(fields=["district", "stage", "stage_entered_on"], name="project_stage_age_idx"),
        ]
        permissions = [
            ("view_pipeline", "Can see the district's investment pipeline"),
            ("manage_project", "Can record and advance investment projects"),
            ("review_gate", "Can record an admission-gate review"),
            ("verify_paid_in", "Can verify paid-in capital and record incentive payments"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(probability__isnull=True) | models.Q(probability__lte=100),
                name="project_probability_percent",
            ),
            # A repeated or double-clicked submission never makes a second project.
            models.UniqueConstraint(fields=["district", "name"], name="project_name_once"),
        ]

    def __str__(self) -> str:
        return self.name

    # Derived facts -----------------------------------------------------------------

    @property
    def is_lost(self) -> bool:
        return self.stage == Stage.LOST

    @property
    def is_signed(self) -> bool:
        return self.stage in SIGNED_OR_LATER

    @property
    def next_stage(self) -> Stage | None:
        i = stage_index(self.stage)
        return PIPELINE[i + 1] if 0 <= i < len(PIPELINE) - 1 else None

    @property
    def probability_is_manual(self) -> bool:
        return self.probability is not None

    def effective_probability(self, table: dict[str, StageSetting]) -> int:
        if self.probability is not None:
            return self.probability
        if self.is_lost:
            return 0
        return table[self.stage].probability

    @property
    def fixed_assets_per_mu(self) -> Decimal | None:
        return (self.fixed_asset_investment / self.land_mu).quantize(Decimal("0.01")) if self.land_mu else None

    @property
    def tax_per_mu(self) -> Decimal | None:
        return (self.expected_tax / self.land_mu).quantize(Decimal("0.01")) if self.land_mu else None

    def is_paused(self, today: dt.date) -> bool:
        return self.paused_until is not None and self.paused_until >= today

    def idle_days(self, today: dt.date) -> int:
        """Working days since the last stage change: a note of activity does not make a
        project move, so it does not reset the count (issue 18)."""
        from dgov.workdays.calendar import working_days_between

        since = self.stage_entered_at or self.created_at
        if since is None:
            return 0
        from django.utils import timezone

        return max(0, working_days_between(timezone.localdate(since), today))

    def idle_flag(self, today: dt.date, table: dict[str, StageSetting]) -> str:
        """ "" (moving), "yellow" or "red": working days since the last stage change
        against the stage's settings. Lost and paused projects are not flagged, nor those
        at full production (达产), the last stage, which has nowhere further to go."""
        if self.is_lost or self.is_paused(today) or self.stage == Stage.FULL_PRODUCTION:
            return ""
        days = self.idle_days(today)
        setting = table[self.stage]
        if days >= setting.red_days:
            return "red"
        if days >= setting.yellow_days:
            return "yellow"
        return ""

    def selection(self, policy: InvestmentPolicy) -> "Selection":
        return Selection.of(self, policy)


@dataclass(frozen=True)
class Selection:
    """The 选商 score (0–100) and how it is made.

    1. Scale, 40 points: fixed-asset investment ÷ the full-marks amount (setting), at most 1.
    2. Tax per mu, 30 points: expected annual tax per mu ÷ three times the admission floor,
       at most 1.
    3. Energy class, 15 points: exempt 15, county review 8, province review 0.
    4. Fit with the district's industrial chains, 15 points: an encouraged industry on a
       chain 15, encouraged off the chains 5, otherwise 0.
    """

    scale: Decimal
    tax: Decimal
    energy: Decimal
    chain: Decimal
    formula: str

    @property
    def total(self) -> Decimal:
        return (self.scale + self.tax + self.energy + self.chain).quantize(Decimal("0.01"))

    @classmethod
    def of(cls, project: Project, policy: InvestmentPolicy) -> "Selection":
        def share(value: Decimal, full: Decimal) -> Decimal:
            return min(value / full, Decimal(1)) if full > 0 else ZERO

        q = Decimal("0.01")
        scale = (40 * share(Decimal(project.fixed_asset_investment), Decimal(policy.score_full_scale))).quantize(q)
        per_mu = project.tax_per_mu or ZERO
        tax = (30 * share(per_mu, 3 * Decimal(policy.min_tax_per_mu))).quantize(q)
        energy_class = policy.energy_class(Decimal(project.energy_tce), Decimal(project.electricity_kwh))
        energy = Decimal({EnergyClass.EXEMPT: 15, EnergyClass.COUNTY: 8, EnergyClass.PROVINCE: 0}[energy_class])
        industry = project.industry
        if industry is not None and industry.orientation == Orientation.ENCOURAGED:
            chain = Decimal(15 if industry.chain else 5)
        else:
            chain = ZERO
        formula = (
            f"40 × min({project.fixed_asset_investment} ÷ {policy.score_full_scale}, 1) = {scale}; "
            f"30 × min({per_mu} ÷ (3 × {policy.min_tax_per_mu}), 1) = {tax}; "
            f"{energy_class.label} = {energy}; "
            f"{industry.chain if industry and industry.chain else '—'} = {chain}"
        )
        return cls(scale, tax, energy, chain, formula)


class StageChange(models.Model):
    """The append-only stage log (who, when, from, to, why); stage ages are read from it."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="stage_changes")
    district = models.ForeignKey("accounts.District", on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    from_stage = models.CharField(max_length=20, choices=Stage.choices, blank=True)
    to_stage = models.CharField(max_length=20, choices=Stage.choices)
    days_in_from = models.PositiveIntegerField(null=True, blank=True)  # calendar days spent in from_stage
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["district", "from_stage"], name="stage_change_age_idx")]

    def __str__(self) -> str:
        return f"{self.project_id}: {self.from_stage} → {self.to_stage}"


class OwnerChange(models.Model):
    """An owner transfer: the project keeps its history, contacts and issues."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="owner_changes")
    at = models.DateTimeField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    from_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("reason"), max_length=300)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.project_id}: {self.from_owner_id} → {self.to_owner_id}"


class Activity(models.Model):
    """A note of work on the project (a call, a meeting, a document). It does not reset the
    idle count, which runs from the last stage change."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="activities")
    at = models.DateTimeField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.CharField(_("what was done"), max_length=500)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return self.text[:50]


class Gate(models.TextChoices):
    INDUSTRY = "industry", _("Industry orientation")
    ADMISSION = "admission", _("Admission thresholds")
    ENERGY = "energy", _("Energy and emission review")


# The project's facts each gate is judged on.
GATE_FACTS: dict[str, tuple[str, ...]] = {
    Gate.INDUSTRY: ("industry_id",),
    Gate.ADMISSION: ("fixed_asset_investment", "expected_tax", "land_mu"),
    Gate.ENERGY: ("energy_tce", "electricity_kwh"),
}


def gate_facts(project: "Project", gate: Gate) -> str:
    values = []
    for name in GATE_FACTS[gate]:
        value = getattr(project, name)
        values.append(f"{name}={plain(value) if isinstance(value, Decimal) else value}")
    return ";".join(values)


class GateReview(models.Model):
    """A reviewer's record that a project passed (or failed) one admission gate."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="gate_reviews")
    gate = models.CharField(_("gate"), max_length=12, choices=Gate.choices)
    passed = models.BooleanField(_("passed"))
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    reference = models.CharField(_("document reference"), max_length=100, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    # The facts the gate was judged on; a pass no longer counts once they change.
    facts = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["project", "gate", "-at"], name="gate_review_latest_idx")]

    def __str__(self) -> str:
        return f"{self.project_id} {self.gate} {self.passed}"

    def is_current(self, project: "Project") -> bool:
        return self.facts == gate_facts(project, Gate(self.gate))


class AgentClaim(models.Model):
    """An agent's claim to have brought a project; one agent per project."""

    agent = models.ForeignKey(Agent, on_delete=models.PROTECT, related_name="claims")
    project = models.OneToOneField(Project, on_delete=models.CASCADE, related_name="agent_claim")
    rule = models.ForeignKey(IncentiveRule, on_delete=models.PROTECT, related_name="claims")
    claimed_at = models.DateTimeField(_("claimed at"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("agent's claim")
        verbose_name_plural = _("agents' claims")

    def __str__(self) -> str:
        return f"{self.agent} · {self.project}"


class AgentPayment(models.Model):
    claim = models.ForeignKey(AgentClaim, on_delete=models.PROTECT, related_name="payments")
    amount = models.DecimalField(_("amount (万元)"), max_digits=14, decimal_places=2)
    paid_on = models.DateField(_("paid on"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    note = models.CharField(_("note"), max_length=200, blank=True)

    def __str__(self) -> str:
        return f"{self.claim_id}: {self.amount}"


def plain(value: Decimal) -> str:
    """A decimal without trailing zeros and never in exponent notation: 30000, 24.5."""
    return format(Decimal(value).normalize(), "f")


def _money(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


@dataclass
class Entitlement:
    """What an agent is owed on one claim, and each step of why."""

    earned: Decimal
    due: Decimal
    paid: Decimal
    reasons: list[str]

    @property
    def owed(self) -> Decimal:
        return max(ZERO, self.due - self.paid)


def entitlement(claim: AgentClaim, paid: Decimal | None = None) -> Entitlement:
    """Apply the claim's rule (DOMAIN.md §2 published practice):

    1. The agent must have been registered before the claim, and the claim registered
       before the project was signed; otherwise nothing.
    2. Fixed-asset investment below the rule's floor: nothing.
    3. The verified paid-in capital is split into the rule's bands; each band earns its
       rate in ‰ (marginal, like tax brackets); the sum is capped per project.
    4. The share due is the sum of the instalments whose stage the project has reached.
    """
    from django.utils.translation import gettext as t

    project, rule, agent = claim.project, claim.rule, claim.agent
    paid = paid if paid is not None else sum((p.amount for p in claim.payments.all()), ZERO)
    reasons: list[str] = []

    def nothing(reason: str) -> Entitlement:
        return Entitlement(ZERO, ZERO, paid, [*reasons, reason])

    if agent.registered_at > claim.claimed_at:
        return nothing(t("The agent was registered after the claim: nothing is earned."))
    if project.signed_at is not None and claim.claimed_at > project.signed_at:
        return nothing(
            t("The claim was registered on %(claimed)s, after the project was signed on %(signed)s: nothing is earned.")
            % {"claimed": f"{claim.claimed_at:%Y-%m-%d}", "signed": f"{project.signed_at:%Y-%m-%d}"}
        )
    if project.fixed_asset_investment < rule.floor_fixed_assets:
        return nothing(
            t("Fixed-asset investment %(amount)s万 is below the floor of %(floor)s万: nothing is earned.")
            % {"amount": project.fixed_asset_investment, "floor": rule.floor_fixed_assets}
        )
    base = Decimal(project.paid_in_verified)
    if base <= 0:
        return nothing(t("No paid-in capital has been verified yet."))
    earned, lower = ZERO, ZERO
    for tier in rule.tiers.all():
        upper = Decimal(tier.up_to) if tier.up_to is not None else None
        band = (min(base, upper) if upper is not None else base) - lower
        if band <= 0:
            break
        part = _money(band * Decimal(tier.rate_permille) / 1000)
        earned += part
        reasons.append(
            t("%(band)s万 of paid-in capital at %(rate)s‰ = %(part)s万")
            % {"band": plain(band), "rate": plain(tier.rate_permille), "part": plain(part)}
        )
        if upper is None:
            break
        lower = upper
    if earned > rule.cap:
        reasons.append(
            t("The sum %(sum)s万 is capped at %(cap)s万 per project.") % {"sum": plain(earned), "cap": plain(rule.cap)}
        )
        earned = Decimal(rule.cap)
    reached = stage_index(project.stage)
    share = 0
    for instalment in rule.instalments.all():
        if reached >= stage_index(instalment.stage) >= 0:
            share += instalment.percent
            reasons.append(
                t("%(percent)s%% falls due at %(stage)s, which the project has reached.")
                % {"percent": instalment.percent, "stage": Stage(instalment.stage).label}
            )
    due = _money(earned * min(share, 100) / 100)
    return Entitlement(earned, due, paid, reasons)


# -- Parks and land -----------------------------------------------------------------


class Park(models.Model):
    district = models.ForeignKey("accounts.District", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=100)
    description = models.CharField(_("description"), max_length=300, blank=True)

    objects = DistrictScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("park")
        verbose_name_plural = _("parks")
        ordering = ["id"]
        permissions = [("manage_parks", "Can allocate land and keep the waiting lists")]
        constraints = [models.UniqueConstraint(fields=["district", "name"], name="park_name_once")]

    def __str__(self) -> str:
        return self.name


class Parcel(models.Model):
    """A parcel or building area, inside a park (in a phase) or on its own."""

    district = models.ForeignKey("accounts.District", on_delete=models.PROTECT, related_name="+")
    park = models.ForeignKey(Park, null=True, blank=True, on_delete=models.PROTECT, related_name="parcels")
    phase = models.CharField(_("phase"), max_length=50, blank=True)
    code = models.CharField(_("parcel code"), max_length=50)
    use = models.CharField(_("use"), max_length=50, blank=True)
    area = models.DecimalField(_("total area (㎡)"), max_digits=12, decimal_places=2)
    allocated = models.DecimalField(_("allocated area (㎡)"), max_digits=12, decimal_places=2, default=0)

    objects = DistrictScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("parcel")
        verbose_name_plural = _("parcels")
        ordering = ["park", "phase", "code"]
        constraints = [
            models.UniqueConstraint(fields=["district", "code"], name="parcel_code_once"),
            models.CheckConstraint(
                condition=models.Q(allocated__gte=0) & models.Q(allocated__lte=models.F("area")),
                name="parcel_not_overallocated",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def free(self) -> Decimal:
        return Decimal(self.area) - Decimal(self.allocated)


class Allocation(models.Model):
    parcel = models.ForeignKey(Parcel, on_delete=models.PROTECT, related_name="allocations")
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="allocations")
    area = models.DecimalField(_("area (㎡)"), max_digits=12, decimal_places=2)
    at = models.DateTimeField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["at", "id"]
        constraints = [models.CheckConstraint(condition=models.Q(area__gt=0), name="allocation_positive")]

    def __str__(self) -> str:
        return f"{self.parcel_id}: {self.area}"


class WaitingEntry(models.Model):
    """A firm waiting for space in a park; the list is ordered by the 选商 score."""

    park = models.ForeignKey(Park, on_delete=models.CASCADE, related_name="waiting")
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+")
    area_wanted = models.DecimalField(_("area wanted (㎡)"), max_digits=12, decimal_places=2)
    since = models.DateTimeField()

    class Meta:
        verbose_name = _("waiting firm")
        verbose_name_plural = _("waiting firms")
        constraints = [models.UniqueConstraint(fields=["park", "project"], name="waiting_once")]

    def __str__(self) -> str:
        return f"{self.park_id}: {self.project_id}"


class OccupantReport(models.Model):
    """Annual output and tax reported by an enterprise occupying park space."""

    park = models.ForeignKey(Park, on_delete=models.CASCADE, related_name="reports")
    enterprise = models.CharField(_("enterprise"), max_length=200)
    project = models.ForeignKey(Project, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    output = models.DecimalField(_("annual output (万元)"), max_digits=14, decimal_places=2)
    tax = models.DecimalField(_("annual tax (万元)"), max_digits=14, decimal_places=2)

    class Meta:
        verbose_name = _("occupant report")
        verbose_name_plural = _("occupant reports")
        ordering = ["-year", "enterprise"]
        constraints = [models.UniqueConstraint(fields=["park", "enterprise", "year"], name="occupant_report_once")]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.year}"
