"""A bank's answer is due by a ``workdays.Deadline`` (issue 20, items 4c and 5a), no longer
by a date copied onto the offer and its steps: a calendar import recomputes it, and a date
in a year without an official calendar is marked provisional.

Each step that started a time limit (sent, escalated) gets a deadline from the date it
announced, counted from the day of the step in the working days of its level; the pending
offer's present step keeps its deadline open (its due date is the offer's current one),
every other is closed. Backwards, the dates are copied back and the deadlines closed.
"""

import datetime as dt

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.utils import timezone

# The working days of each level as the financing rules counted them when this was written
# (``rules.level_days``; ``FINANCING_LEVEL_DAYS`` overrides them).
LEVEL_DAYS = {"financial_office": 5, "district_leader": 5}


def _level_days(level: str) -> int:
    return int({**LEVEL_DAYS, **getattr(settings, "FINANCING_LEVEL_DAYS", {})}[level])


def to_deadlines(apps, schema_editor):
    Offer = apps.get_model("financing", "Offer")
    OfferStep = apps.get_model("financing", "OfferStep")
    Deadline = apps.get_model("workdays", "Deadline")
    CalendarYear = apps.get_model("workdays", "CalendarYear")
    official = set(CalendarYear.objects.filter(official=True).values_list("year", flat=True))
    now = timezone.now()

    def deadline(offer, start: dt.date, days: int, due: dt.date, is_open: bool):
        return Deadline.objects.create(
            district_id=offer.district_id,
            label=f"{offer.need.profile.name} → {offer.bank.name} · {offer.product.name}"[:200],
            start_date=start,
            counted_from="routed",
            working_days=days,
            due_date=due,
            base_due_date=due,
            provisional=any(year not in official for year in range(start.year, due.year + 1)),
            closed_at=None if is_open else now,
        )

    offers = Offer.objects.select_related("need__profile", "bank", "product").order_by("pk")
    for offer in offers.iterator(chunk_size=500):
        steps = list(
            OfferStep.objects.filter(offer=offer, verb__in=["sent", "escalated"], due_on__isnull=False).order_by(
                "at", "pk"
            )
        )
        current = None
        for i, step in enumerate(steps):
            last = i == len(steps) - 1
            start = offer.sent_on if step.verb == "sent" else timezone.localdate(step.at)
            days = offer.product.answer_days if step.level == "bank" else _level_days(step.level)
            due = offer.due_on if last else step.due_on
            made = deadline(offer, start, days, due, is_open=last and offer.status == "pending")
            OfferStep.objects.filter(pk=step.pk).update(deadline=made)
            if last:
                current = made
        if current is None:  # no step announced a date: counted from the sending
            days = offer.product.answer_days if offer.level == "bank" else _level_days(offer.level)
            current = deadline(offer, offer.sent_on, days, offer.due_on, is_open=offer.status == "pending")
        Offer.objects.filter(pk=offer.pk).update(deadline=current)


def to_dates(apps, schema_editor):
    Offer = apps.get_model("financing", "Offer")
    OfferStep = apps.get_model("financing", "OfferStep")
    Deadline = apps.get_model("workdays", "Deadline")
    ids = set()
    for offer in Offer.objects.select_related("deadline").iterator(chunk_size=500):
        Offer.objects.filter(pk=offer.pk).update(due_on=offer.deadline.due_date)
        ids.add(offer.deadline_id)
    for step in OfferStep.objects.filter(deadline__isnull=False).select_related("deadline").iterator(chunk_size=500):
        OfferStep.objects.filter(pk=step.pk).update(due_on=step.deadline.due_date)
        ids.add(step.deadline_id)
    Deadline.objects.filter(pk__in=ids, closed_at__isnull=True).update(closed_at=timezone.now())


class Migration(migrations.Migration):
    dependencies = [
        ("financing", "0001_initial"),
        ("workdays", "0004_deadline_terms_stops_and_followers"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="offer",
            options={"ordering": ["pk"], "verbose_name": "need sent to a bank", "verbose_name_plural": "needs sent to banks"},
        ),
        migrations.RemoveIndex(model_name="offer", name="offer_bank_idx"),
        migrations.RemoveIndex(model_name="offer", name="offer_due_idx"),
        migrations.AddField(
            model_name="offer",
            name="deadline",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="workdays.deadline",
            ),
        ),
        migrations.AddField(
            model_name="offerstep",
            name="deadline",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="workdays.deadline",
            ),
        ),
        # Nullable while the data moves, so that the way back can add the column again.
        migrations.AlterField(
            model_name="offer", name="due_on", field=models.DateField(null=True, verbose_name="answer due")
        ),
        migrations.RunPython(to_deadlines, to_dates),
        migrations.RemoveField(model_name="offer", name="due_on"),
        migrations.RemoveField(model_name="offerstep", name="due_on"),
        migrations.AlterField(
            model_name="offer",
            name="deadline",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, related_name="+", to="workdays.deadline"
            ),
        ),
        migrations.AddIndex(
            model_name="offer",
            index=models.Index(fields=["bank", "status"], name="offer_bank_status_idx"),
        ),
    ]
