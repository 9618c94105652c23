"""The industrial guidance fund (产业引导基金, DOMAIN.md §2 and §5).

A ``Fund`` has its size and its rules: the largest share it takes in a project, a cap per
project, the industries it may enter, and the people who approve (``FundApprover``) with
how many of them must agree. It commits to projects of the investment pipeline
(``Commitment``), pays in ``Tranche``s released by the project's milestones (stages of the
pipeline), and leaves by an ``Exit`` (buy-back, transfer, write-off), each with its rule.

The fund's position is kept on its row: ``reserved`` (committed, not yet paid),
``paid_out`` and ``proceeds``; what it still holds is size − paid out + proceeds −
reserved, and a CHECK keeps that at zero or above, so no race commits more than it holds.

Money in 万元.
"""

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from dgov.accounts.models import DistrictScopedQuerySet
from dgov.investment.models import Stage

MONEY: dict[str, Any] = {"max_digits": 14, "decimal_places": 2}


class Fund(models.Model):
    district = models.ForeignKey("accounts.District", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("fund"), max_length=200)
    manager_name = models.CharField(_("managed by"), max_length=200, blank=True)
    is_example = models.BooleanField(_("invented example"), default=False)
    size = models.DecimalField(_("size (万元)"), **MONEY)
    share_max = models.DecimalField(_("largest share in a project (%)"), max_digits=5, decimal_places=2)
    cap_per_project = models.DecimalField(_("at most per project (万元)"), **MONEY)
    industries = models.ManyToManyField(
        "investment.Industry", blank=True, related_name="+", verbose_name=_("industries it may enter")
    )
    approvals_needed = models.PositiveSmallIntegerField(_("approvals needed"), default=2)
    rules_text = models.TextField(_("the fund's rules"), blank=True)
    reserved = models.DecimalField(_("committed, not yet paid (万元)"), default=0, **MONEY)
    paid_out = models.DecimalField(_("paid in to projects (万元)"), default=0, **MONEY)
    proceeds = models.DecimalField(_("received back from exits (万元)"), default=0, **MONEY)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = DistrictScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("guidance fund")
        verbose_name_plural = _("guidance funds")
        ordering = ["name"]
        permissions = [
            ("view_fund_position", "Can see the guidance fund's position and each project's"),
            ("manage_fund", "Can propose commitments, plan and pay tranches, propose exits"),
        ]
        constraints = [
            # The fund never commits more than it holds.
            models.CheckConstraint(
                condition=Q(reserved__lte=F("size") - F("paid_out") + F("proceeds")), name="fund_holds_its_commitments"
            ),
            models.CheckConstraint(
                condition=Q(reserved__gte=0) & Q(paid_out__gte=0) & Q(proceeds__gte=0), name="fund_amounts_positive"
            ),
            models.CheckConstraint(condition=Q(approvals_needed__gte=1), name="fund_needs_an_approval"),
            models.UniqueConstraint(fields=["district", "name"], name="fund_name_once"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def available(self) -> Decimal:
        """What the fund can still commit."""
        return Decimal(self.size) - Decimal(self.paid_out) + Decimal(self.proceeds) - Decimal(self.reserved)


class FundApprover(models.Model):
    """A person the fund's rules name to approve its commitments, tranches and exits."""

    fund = models.ForeignKey(Fund, on_delete=models.CASCADE, related_name="approvers")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="fund_seats")
    title = models.CharField(_("seat"), max_length=100)

    class Meta:
        verbose_name = _("fund approver")
        verbose_name_plural = _("fund approvers")
        constraints = [models.UniqueConstraint(fields=["fund", "user"], name="fund_approver_once")]

    def __str__(self) -> str:
        return f"{self.title} {self.user}"


class Decision(models.TextChoices):
    PROPOSED = "proposed", _("Awaiting approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class CommitmentStatus(models.TextChoices):
    PROPOSED = "proposed", _("Awaiting approval")
    APPROVED = "approved", _("Committed")
    REJECTED = "rejected", _("Rejected")
    EXITED = "exited", _("Exited")


class CommitmentQuerySet(DistrictScopedQuerySet):
    def live(self) -> "CommitmentQuerySet":
        return self.filter(status=CommitmentStatus.APPROVED)


class Commitment(models.Model):
    district = models.ForeignKey("accounts.District", on_delete=models.PROTECT, related_name="+")
    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="commitments")
    project = models.ForeignKey("investment.Project", on_delete=models.PROTECT, related_name="fund_commitments")
    amount = models.DecimalField(_("amount (万元)"), **MONEY)
    share = models.DecimalField(_("the fund's share (%)"), max_digits=5, decimal_places=2)
    conditions = models.TextField(_("conditions"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=CommitmentStatus.choices, default=CommitmentStatus.PROPOSED
    )
    tranched = models.DecimalField(_("in tranches (万元)"), default=0, **MONEY)
    paid = models.DecimalField(_("paid in (万元)"), default=0, **MONEY)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField()
    decided_at = models.DateTimeField(null=True, blank=True)

    objects = CommitmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        ordering = ["-proposed_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="commitment_positive"),
            # Tranches never add up to more than the commitment.
            models.CheckConstraint(condition=Q(tranched__lte=F("amount")), name="commitment_tranches_within"),
            models.CheckConstraint(condition=Q(paid__lte=F("tranched")), name="commitment_paid_within"),
            models.UniqueConstraint(
                fields=["fund", "project"],
                condition=Q(status__in=["proposed", "approved"]),
                name="commitment_one_live_per_project",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.fund} → {self.project}"


class TrancheStatus(models.TextChoices):
    PROPOSED = "proposed", _("Awaiting approval")
    APPROVED = "approved", _("Approved, waiting for the milestone")
    PAID = "paid", _("Paid")
    REJECTED = "rejected", _("Rejected")
    CANCELLED = "cancelled", _("Cancelled at exit")


class Tranche(models.Model):
    """A part of the commitment paid in once the project reaches the milestone."""

    commitment = models.ForeignKey(Commitment, on_delete=models.PROTECT, related_name="tranches")
    amount = models.DecimalField(_("amount (万元)"), **MONEY)
    milestone = models.CharField(_("released when the project reaches"), max_length=20, choices=Stage.choices)
    status = models.CharField(_("status"), max_length=10, choices=TrancheStatus.choices, default=TrancheStatus.PROPOSED)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField()
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("tranche")
        verbose_name_plural = _("tranches")
        ordering = ["proposed_at", "pk"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="tranche_positive")]

    def __str__(self) -> str:
        return f"{self.commitment_id}: {self.amount}"


class ExitKind(models.TextChoices):
    BUY_BACK = "buy_back", _("Buy-back by the enterprise (回购)")
    TRANSFER = "transfer", _("Transfer to another investor (转让)")
    WRITE_OFF = "write_off", _("Write-off (核销)")


class Exit(models.Model):
    commitment = models.ForeignKey(Commitment, on_delete=models.PROTECT, related_name="exits")
    kind = models.CharField(_("kind"), max_length=10, choices=ExitKind.choices)
    proceeds = models.DecimalField(_("received (万元)"), **MONEY)
    counterparty = models.CharField(_("counterparty"), max_length=200, blank=True)
    reference = models.CharField(_("appraisal or decision reference"), max_length=200, blank=True)
    reason = models.CharField(_("reason"), max_length=500)
    status = models.CharField(_("status"), max_length=10, choices=Decision.choices, default=Decision.PROPOSED)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField()
    done_on = models.DateField(_("done on"), null=True, blank=True)

    class Meta:
        verbose_name = _("exit")
        verbose_name_plural = _("exits")
        ordering = ["proposed_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(proceeds__gte=0), name="exit_proceeds_positive"),
            models.UniqueConstraint(
                fields=["commitment"], condition=Q(status__in=["proposed", "approved"]), name="exit_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.commitment_id} {self.kind}"


class Subject(models.TextChoices):
    COMMITMENT = "commitment", _("Commitment")
    TRANCHE = "tranche", _("Tranche")
    EXIT = "exit", _("Exit")


class Approval(models.Model):
    """One named approver's decision on a commitment, tranche or exit (append-only)."""

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="+")
    subject = models.CharField(max_length=10, choices=Subject.choices)
    object_id = models.PositiveBigIntegerField()
    approver = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    seat = models.CharField(_("seat"), max_length=100)
    approve = models.BooleanField(_("approves"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["subject", "object_id", "approver"], name="approval_once_per_person")
        ]
        indexes = [models.Index(fields=["subject", "object_id"], name="approval_subject_idx")]

    def __str__(self) -> str:
        return f"{self.subject} {self.object_id} {self.approver_id} {self.approve}"
