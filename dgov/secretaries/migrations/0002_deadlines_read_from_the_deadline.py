"""Issue steps and green-channel cases read their dates from a ``workdays.Deadline`` (which a
calendar import recomputes) instead of a copied date (issue 20, decision 0023)."""

import django.db.models.deletion
from django.db import migrations, models
from django.utils import timezone

from dgov.workdays.migrations._walker import walker


def link_deadlines(apps, schema_editor):
    Deadline = apps.get_model("workdays", "Deadline")
    IssueStep = apps.get_model("secretaries", "IssueStep")
    GreenChannelCase = apps.get_model("secretaries", "GreenChannelCase")
    walk = None
    for step in IssueStep.objects.select_related("issue__project").order_by("pk"):
        issue = step.issue
        if step.outcome == "pending" and issue.deadline_id:
            step.deadline_id = issue.deadline_id
        else:
            label = f"{issue.project.name} {issue.title}"[:200]
            found = Deadline.objects.filter(
                district_id=issue.district_id, label=label, start_date=step.started_on, due_date=step.due_on
            ).first()
            if found is None:
                found = Deadline.objects.create(
                    district_id=issue.district_id,
                    label=label,
                    start_date=step.started_on,
                    counted_from="routed",
                    working_days=0,
                    due_date=step.due_on,
                    base_due_date=step.due_on,
                    closed_at=timezone.now(),
                )
            step.deadline_id = found.pk
        step.save(update_fields=["deadline"])
    for case in GreenChannelCase.objects.filter(application__accepted_on__isnull=False).select_related("application"):
        walk = walk or walker(apps)
        application = case.application
        due = walk(application.accepted_on, case.promised_days)
        deadline = Deadline.objects.create(
            district_id=case.district_id,
            label=f"{application.number} green channel",
            start_date=application.accepted_on,
            working_days=case.promised_days,
            due_date=due,
            base_due_date=due,
            closed_at=timezone.now() if application.decided_on else None,
        )
        case.deadline_id = deadline.pk
        case.save(update_fields=["deadline"])


class Migration(migrations.Migration):
    dependencies = [
        ("secretaries", "0001_initial"),
        ("workdays", "0004_deadline_terms_stops_and_followers"),
        ("applications", "0005_supplement_notice_reason_and_clock_stops_on_deadlines"),
    ]

    operations = [
        migrations.AddField(
            model_name="greenchannelcase",
            name="deadline",
            field=models.OneToOneField(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="workdays.deadline",
            ),
        ),
        migrations.AddField(
            model_name="issuestep",
            name="deadline",
            field=models.ForeignKey(
                null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="workdays.deadline"
            ),
        ),
        migrations.RunPython(link_deadlines, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="issuestep",
            name="deadline",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, related_name="+", to="workdays.deadline"
            ),
        ),
        migrations.RemoveField(model_name="greenchannelcase", name="promised_due_on"),
        migrations.RemoveField(model_name="issuestep", name="due_on"),
    ]
