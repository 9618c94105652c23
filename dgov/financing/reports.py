"""Figures of financing matching, as plain functions (for pages, the API and the cockpit).

``figures(district_id, start, end)`` over the needs submitted in [start, end]:

1. needs: how many were stated;
2. matched: how many went to at least one bank product;
3. financed: how many were granted, and the amount granted (万元);
4. average rate: of the loans granted, weighted by amount (% a year);
5. days to an answer: mean calendar days from sending to the bank's answer, over the
   answers given; with the share answered by the due date;
6. escalated: offers now waiting above the bank (financial office or district leader).
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, F, Q, Sum

from dgov.financing.models import FinancingNeed, Level, NeedStatus, Offer, OfferStatus


@dataclass(frozen=True)
class Figures:
    needs: int
    matched: int
    financed: int
    amount_asked: Decimal
    amount_granted: Decimal
    average_rate: Decimal | None
    answers: int
    mean_days_to_answer: Decimal | None
    answered_on_time: int
    escalated_now: int

    @property
    def financed_share(self) -> Decimal | None:
        return None if not self.needs else (Decimal(self.financed) * 100 / self.needs).quantize(Decimal("0.1"))


def figures(district_id: int, start: dt.date, end: dt.date) -> Figures:
    needs = FinancingNeed.objects.filter(district_id=district_id, submitted_on__gte=start, submitted_on__lte=end)
    counted = needs.aggregate(
        n=Count("pk"),
        asked=Sum("amount"),
        financed=Count("pk", filter=Q(status=NeedStatus.FINANCED)),
        granted=Sum("granted_amount", filter=Q(status=NeedStatus.FINANCED)),
        weighted=Sum(F("granted_amount") * F("granted_rate"), filter=Q(status=NeedStatus.FINANCED)),
    )
    matched = needs.filter(offers__isnull=False).distinct().count()
    answered = Offer.objects.filter(
        need__in=needs, status__in=[OfferStatus.GRANTED, OfferStatus.DECLINED], answered_on__isnull=False
    )
    answers = list(answered.values_list("sent_on", "answered_on", "deadline__due_date"))
    days = [(a - s).days for s, a, _due in answers]
    on_time = sum(1 for _s, a, due in answers if a <= due)
    granted = counted["granted"] or Decimal(0)
    rate = (Decimal(counted["weighted"]) / granted).quantize(Decimal("0.01")) if granted else None
    escalated = Offer.objects.pending().filter(district_id=district_id).exclude(level=Level.BANK).count()
    return Figures(
        needs=counted["n"],
        matched=matched,
        financed=counted["financed"],
        amount_asked=counted["asked"] or Decimal(0),
        amount_granted=granted,
        average_rate=rate,
        answers=len(days),
        mean_days_to_answer=(Decimal(sum(days)) / len(days)).quantize(Decimal("0.1")) if days else None,
        answered_on_time=on_time,
        escalated_now=escalated,
    )


def by_bank(district_id: int, start: dt.date, end: dt.date) -> list[dict[str, object]]:
    """Per bank: needs sent, answered, granted, amount granted."""
    rows = (
        Offer.objects.filter(district_id=district_id, sent_on__gte=start, sent_on__lte=end)
        .values("bank__name", "bank__branch")
        .annotate(
            sent=Count("pk"),
            answered=Count("pk", filter=Q(status__in=[OfferStatus.GRANTED, OfferStatus.DECLINED])),
            granted=Count("pk", filter=Q(status=OfferStatus.GRANTED)),
            amount=Sum("amount", filter=Q(status=OfferStatus.GRANTED)),
            late=Count("pk", filter=Q(status=OfferStatus.PENDING) & ~Q(level=Level.BANK)),
        )
        .order_by("bank__name", "bank__branch")
    )
    return list(rows)
