"""The lateness of each decision stored on the case (decision 0033), filled for the cases
decided before it: from the due dates of the deadlines the decision closed, as the
decision writes it now (``lateness.days_late``). The indexes are made after the rows are
filled."""

from django.conf import settings
from collections import defaultdict
from typing import Any

from django.db import migrations, models

CHUNK = 5_000


def fill_lateness(apps: Any, schema_editor: Any) -> None:
    from dgov.applications.lateness import days_late

    Application = apps.get_model("applications", "Application")
    decided = Application.objects.filter(decided_on__isnull=False).order_by("pk")
    last = 0
    while True:
        rows = list(
            decided.filter(pk__gt=last).values_list(
                "pk", "decided_on", "legal_deadline__due_date", "promised_deadline__due_date"
            )[:CHUNK]
        )
        if not rows:
            return
        alike: dict[tuple[int, int], list[int]] = defaultdict(list)
        for pk, decided_on, legal_due, promised_due in rows:
            alike[(days_late(decided_on, legal_due), days_late(decided_on, promised_due))].append(pk)
        for (legal, promised), pks in alike.items():
            Application.objects.filter(pk__in=pks).update(late_legal_days=legal, late_promised_days=promised)
        last = rows[-1][0]


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0004_one_time_codes_and_agents'),
        ('applications', '0006_result_delivery'),
        ('services', '0002_complete_guides_english_and_search_log'),
        ('workdays', '0004_deadline_terms_stops_and_followers'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='application',
            name='late_legal_days',
            field=models.PositiveSmallIntegerField(null=True, verbose_name='late against the legal limit (working days)'),
        ),
        migrations.AddField(
            model_name='application',
            name='late_promised_days',
            field=models.PositiveSmallIntegerField(null=True, verbose_name='late against the promised limit (working days)'),
        ),
        migrations.RunPython(fill_lateness, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name='application',
            index=models.Index(condition=models.Q(('late_legal_days__gt', 0)), fields=['district', 'decided_on', 'department'], name='application_late_legal_idx'),
        ),
        migrations.AddIndex(
            model_name='application',
            index=models.Index(condition=models.Q(('late_promised_days__gt', 0)), fields=['district', 'decided_on', 'department'], name='application_late_promised_idx'),
        ),
    ]
