"""Financing matching between banks and enterprises (银企对接, DOMAIN.md §5).

Banks publish products (kind, rate range, term, limits, collateral and who qualifies as
conditions over the enterprise facts of ``policies``). An enterprise states a financing
need; it is sent to every product it fits, and each bank answers by a due date in working
days. A need a bank has not answered in time climbs a ladder (bank → district financial
office → district leader), each level with its own due date, like the secretaries'
enterprise issues. The outcome is the amount granted and its rate.

A bank's staff log in as outside users (``User.Kind.ENTERPRISE``) named by a ``BankOfficer``
row; they see only the needs sent to their own bank's products.

Money in 万元; rates in % a year; terms in months.
"""

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from dgov.accounts.models import DistrictScopedQuerySet
from dgov.policies.conditions import Condition
from dgov.policies.facts import ENTERPRISE_FACTS

MONEY: dict[str, Any] = {"max_digits": 14, "decimal_places": 2}
RATE: dict[str, Any] = {"max_digits": 5, "decimal_places": 2}


class Bank(models.Model):
    district = models.ForeignKey("accounts.District", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("bank"), max_length=100)
    branch = models.CharField(_("branch"), max_length=100, blank=True)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    is_example = models.BooleanField(_("invented example"), default=False)
    active = models.BooleanField(_("takes part"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = DistrictScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("bank")
        verbose_name_plural = _("banks")
        ordering = ["name"]
        permissions = [
            ("view_financing", "Can see financing needs, banks' answers and figures"),
            ("manage_banks", "Can register banks, their officers and products"),
            ("supervise_financing", "Can follow up needs the banks have not answered in time"),
        ]
        constraints = [models.UniqueConstraint(fields=["district", "name", "branch"], name="bank_once")]

    def __str__(self) -> str:
        return f"{self.name}{self.branch}"


class BankOfficer(models.Model):
    """A bank's staff member: an outside login that acts for this bank only."""

    bank = models.ForeignKey(Bank, on_delete=models.PROTECT, related_name="officers")
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="bank_officer")
    active = models.BooleanField(default=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("bank officer")
        verbose_name_plural = _("bank officers")

    def __str__(self) -> str:
        return f"{self.bank} · {self.user}"


class ProductKind(models.TextChoices):
    CREDIT = "credit", _("Credit loan (信用贷)")
    MORTGAGE = "mortgage", _("Mortgage loan (抵押贷)")
    GUARANTEED = "guaranteed", _("Guaranteed loan (担保贷)")
    IP_PLEDGE = "ip_pledge", _("Intellectual-property pledge (知识产权质押贷)")
    RECEIVABLES = "receivables", _("Receivables / supply chain (应收账款融资)")
    TAX = "tax", _("Tax-credit loan (银税互动)")
    PROCUREMENT = "procurement", _("Government-procurement loan (政采贷)")


class Collateral(models.TextChoices):
    NONE = "none", _("None (credit)")
    REAL_ESTATE = "real_estate", _("Land or buildings")
    EQUIPMENT = "equipment", _("Equipment")
    RECEIVABLES = "receivables", _("Receivables")
    IP = "ip", _("Patents and trademarks")
    GUARANTOR = "guarantor", _("A guarantee company")


class Product(models.Model):
    district = models.ForeignKey("accounts.District", on_delete=models.PROTECT, related_name="+")
    bank = models.ForeignKey(Bank, on_delete=models.PROTECT, related_name="products")
    name = models.CharField(_("product"), max_length=100)
    kind = models.CharField(_("kind"), max_length=12, choices=ProductKind.choices)
    rate_min = models.DecimalField(_("lowest rate (% a year)"), **RATE)
    rate_max = models.DecimalField(_("highest rate (% a year)"), **RATE)
    term_min = models.PositiveSmallIntegerField(_("shortest term (months)"))
    term_max = models.PositiveSmallIntegerField(_("longest term (months)"))
    amount_min = models.DecimalField(_("smallest loan (万元)"), **MONEY)
    amount_max = models.DecimalField(_("largest loan (万元)"), **MONEY)
    collateral = models.CharField(_("collateral accepted"), max_length=200)  # ",none,ip,"
    conditions = models.JSONField(_("who qualifies"), default=list, blank=True)
    answer_days = models.PositiveSmallIntegerField(_("answers within (working days)"), default=5)
    description = models.CharField(_("description"), max_length=500, blank=True)
    is_example = models.BooleanField(_("invented example"), default=False)
    active = models.BooleanField(_("offered"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = DistrictScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("financing product")
        verbose_name_plural = _("financing products")
        ordering = ["bank__name", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(rate_max__gte=F("rate_min")), name="product_rate_range"),
            models.CheckConstraint(condition=Q(term_max__gte=F("term_min")), name="product_term_range"),
            models.CheckConstraint(condition=Q(amount_max__gte=F("amount_min")), name="product_amount_range"),
            models.CheckConstraint(condition=Q(answer_days__gte=1), name="product_answer_days"),
            models.UniqueConstraint(fields=["bank", "name"], name="product_once"),
        ]

    def __str__(self) -> str:
        return f"{self.bank.name} · {self.name}"

    @property
    def parsed_conditions(self) -> list[Condition]:
        if not hasattr(self, "_parsed"):
            self._parsed = ENTERPRISE_FACTS.load(self.conditions)
        return self._parsed

    @property
    def collateral_set(self) -> set[str]:
        return {c for c in self.collateral.split(",") if c}

    @property
    def collateral_labels(self) -> str:
        return ", ".join(str(Collateral(c).label) for c in sorted(self.collateral_set) if c in Collateral.values)


class NeedStatus(models.TextChoices):
    OPEN = "open", _("Waiting for the banks")
    UNMATCHED = "unmatched", _("No product fits yet")
    FINANCED = "financed", _("Financed")
    DECLINED = "declined", _("Every bank declined")
    WITHDRAWN = "withdrawn", _("Withdrawn by the enterprise")


class NeedQuerySet(DistrictScopedQuerySet):
    def open(self) -> "NeedQuerySet":
        return self.filter(status__in=[NeedStatus.OPEN, NeedStatus.UNMATCHED])


class FinancingNeed(models.Model):
    district = models.ForeignKey("accounts.District", on_delete=models.PROTECT, related_name="+")
    profile = models.ForeignKey("policies.EnterpriseProfile", on_delete=models.PROTECT, related_name="financing_needs")
    amount = models.DecimalField(_("amount (万元)"), **MONEY)
    term_months = models.PositiveSmallIntegerField(_("term (months)"))
    purpose = models.CharField(_("purpose"), max_length=300)
    collateral = models.CharField(_("collateral offered"), max_length=12, choices=Collateral.choices)
    status = models.CharField(_("status"), max_length=10, choices=NeedStatus.choices, default=NeedStatus.OPEN)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField()
    submitted_on = models.DateField()
    idempotency_key = models.CharField(max_length=64, blank=True)
    # The outcome.
    granted_amount = models.DecimalField(_("amount granted (万元)"), null=True, blank=True, **MONEY)
    granted_rate = models.DecimalField(_("rate (% a year)"), null=True, blank=True, **RATE)
    granted_on = models.DateField(_("granted on"), null=True, blank=True)
    granted_product = models.ForeignKey(Product, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    objects = NeedQuerySet.as_manager()

    class Meta:
        verbose_name = _("financing need")
        verbose_name_plural = _("financing needs")
        ordering = ["-submitted_at", "-pk"]
        indexes = [models.Index(fields=["district", "status"], name="need_status_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="need_amount_positive"),
            models.CheckConstraint(condition=Q(term_months__gte=1), name="need_term_positive"),
            models.UniqueConstraint(
                fields=["profile", "idempotency_key"], condition=~Q(idempotency_key=""), name="need_idempotency"
            ),
            models.CheckConstraint(
                condition=~Q(status="financed") | (Q(granted_amount__gt=0) & Q(granted_rate__isnull=False)),
                name="need_financed_has_outcome",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.profile_id} {self.amount}万"


class Level(models.TextChoices):
    """Who answers for a need the bank has not answered, in order; none is skipped."""

    BANK = "bank", _("Bank")
    FINANCIAL_OFFICE = "financial_office", _("District financial office")
    DISTRICT_LEADER = "district_leader", _("District leader")


LADDER = list(Level)


class OfferStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the bank's answer")
    GRANTED = "granted", _("Granted")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("No longer needed")


class OfferQuerySet(DistrictScopedQuerySet):
    def pending(self) -> "OfferQuerySet":
        return self.filter(status=OfferStatus.PENDING)


class Offer(models.Model):
    """A need sent to one bank product: the bank's answer and its due date.

    The due date is the ``deadline``'s (``dgov.workdays``), never a copy: the level now
    answering counts its working days from the day the need reached it (sent to the bank,
    or escalated), and a calendar import recomputes it and marks a year without an
    official calendar provisional. Each escalation starts a new deadline; the old one is
    closed and stays on its ``OfferStep``.
    """

    district = models.ForeignKey("accounts.District", on_delete=models.PROTECT, related_name="+")
    need = models.ForeignKey(FinancingNeed, on_delete=models.PROTECT, related_name="offers")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="offers")
    bank = models.ForeignKey(Bank, on_delete=models.PROTECT, related_name="offers")
    sent_on = models.DateField(_("sent on"))
    # The present level's time limit (the pending step's deadline).
    deadline = models.ForeignKey("workdays.Deadline", on_delete=models.PROTECT, related_name="+")
    level = models.CharField(_("level"), max_length=20, choices=Level.choices, default=Level.BANK)
    status = models.CharField(_("status"), max_length=10, choices=OfferStatus.choices, default=OfferStatus.PENDING)
    answered_on = models.DateField(_("answered on"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    amount = models.DecimalField(_("amount granted (万元)"), null=True, blank=True, **MONEY)
    rate = models.DecimalField(_("rate (% a year)"), null=True, blank=True, **RATE)
    term_months = models.PositiveSmallIntegerField(_("term (months)"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)

    objects = OfferQuerySet.as_manager()

    class Meta:
        verbose_name = _("need sent to a bank")
        verbose_name_plural = _("needs sent to banks")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["need", "product"], name="offer_once_per_product"),
            models.CheckConstraint(
                condition=~Q(status="granted") | (Q(amount__gt=0) & Q(rate__isnull=False)),
                name="offer_granted_has_terms",
            ),
        ]
        indexes = [models.Index(fields=["bank", "status"], name="offer_bank_status_idx")]

    def __str__(self) -> str:
        return f"{self.need_id} → {self.product_id}"

    @property
    def next_level(self) -> Level | None:
        index = LADDER.index(Level(self.level))
        return LADDER[index + 1] if index + 1 < len(LADDER) else None


STEP_VERBS = {
    "sent": _("Sent to the bank"),
    "escalated": _("Escalated"),
    "follow_up": _("Followed up"),
}


class OfferStep(models.Model):
    """Append-only log of an offer's way: sent, escalated, followed up, answered."""

    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="steps")
    at = models.DateTimeField()
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    verb = models.CharField(max_length=20)  # sent, escalated, follow_up, granted, declined, withdrawn
    # The time limit the step started (sent, escalated): read from here, never copied.
    deadline = models.ForeignKey("workdays.Deadline", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    note = models.CharField(_("note"), max_length=300, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.offer_id} {self.verb}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("OfferStep rows are append-only.")
        super().save(*args, **kwargs)

    @property
    def verb_label(self) -> str:
        """The step in words: an answer reads as the offer's status, the rest from ``STEP_VERBS``."""
        if self.verb in OfferStatus.values:
            return str(OfferStatus(self.verb).label)
        return str(STEP_VERBS.get(self.verb, self.verb))
