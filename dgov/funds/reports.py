"""The guidance fund's figures, as plain functions (for the pages, the API and the cockpit).

``position(fund)``: size, committed and unpaid, paid in, received back, still available,
and the number of live commitments. ``projects(fund)``: one line per commitment with the
project's stage, the amount, the share, what is in tranches and paid, and how it ended.
"""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, Sum

from dgov.funds.models import Commitment, CommitmentStatus, Exit, Fund, TrancheStatus


@dataclass(frozen=True)
class Position:
    fund: Fund
    size: Decimal
    reserved: Decimal
    paid_out: Decimal
    proceeds: Decimal
    available: Decimal
    live: int
    proposed: int
    exited: int

    @property
    def committed(self) -> Decimal:
        """Committed to live projects: paid in, and still to pay."""
        return self.reserved + self.paid_out


def position(fund: Fund) -> Position:
    counts = Commitment.objects.filter(fund=fund).aggregate(
        live=Count("pk", filter=Q(status=CommitmentStatus.APPROVED)),
        proposed=Count("pk", filter=Q(status=CommitmentStatus.PROPOSED)),
        exited=Count("pk", filter=Q(status=CommitmentStatus.EXITED)),
    )
    return Position(
        fund=fund,
        size=Decimal(fund.size),
        reserved=Decimal(fund.reserved),
        paid_out=Decimal(fund.paid_out),
        proceeds=Decimal(fund.proceeds),
        available=fund.available,
        live=counts["live"],
        proposed=counts["proposed"],
        exited=counts["exited"],
    )


def projects(fund: Fund) -> list[dict[str, Any]]:
    rows = (
        Commitment.objects.filter(fund=fund)
        .select_related("project")
        .annotate(
            tranches_paid=Count("tranches", filter=Q(tranches__status=TrancheStatus.PAID)),
            tranches_waiting=Sum("tranches__amount", filter=Q(tranches__status=TrancheStatus.APPROVED)),
        )
        .order_by("-proposed_at")
    )
    exits = {e.commitment_id: e for e in Exit.objects.filter(commitment__fund=fund, status="approved")}
    return [
        {
            "commitment": c,
            "project": c.project,
            "stage": c.project.get_stage_display(),
            "amount": c.amount,
            "share": c.share,
            "tranched": c.tranched,
            "paid": c.paid,
            "waiting": c.tranches_waiting or Decimal(0),
            "tranches_paid": c.tranches_paid,
            "status": c.get_status_display(),
            "exit": exits.get(c.pk),
        }
        for c in rows
    ]


def district_totals(district_id: int) -> dict[str, Decimal]:
    """All funds of the district together (for the cockpit)."""
    totals = Fund.objects.filter(district_id=district_id).aggregate(
        size=Sum("size"), reserved=Sum("reserved"), paid_out=Sum("paid_out"), proceeds=Sum("proceeds")
    )
    return {k: v or Decimal(0) for k, v in totals.items()}
