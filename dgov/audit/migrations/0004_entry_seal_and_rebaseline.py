"""Each audit entry carries a seal (a MAC keyed outside the database, dgov/audit/seal.py);
re-baselines after a restore (decision 0013).

Entries written before this migration have no seal: on a database that holds some, set
DGOV_AUDIT_UNSEALED_UPTO to the highest of their numbers. Adding the column rebuilds the
table on SQLite, which drops its append-only triggers: they are created again here.
"""

import importlib

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

append_only = importlib.import_module("dgov.audit.migrations.0002_append_only")


def reinstall_sqlite_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        with schema_editor.connection.cursor() as cursor:
            append_only._sqlite_remove(cursor)
            append_only._sqlite_install(cursor)


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0003_hot_path_indexes_and_constraints'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='auditentry',
            name='seal',
            field=models.CharField(blank=True, editable=False, max_length=48, verbose_name='seal'),
        ),
        migrations.CreateModel(
            name='Rebaseline',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('seq', models.BigIntegerField(verbose_name='restored to entry')),
                ('chain_hash', models.CharField(max_length=64, verbose_name='chain hash')),
                ('reason', models.TextField(verbose_name='reason')),
                ('requested_at', models.DateTimeField(verbose_name='requested at')),
                ('approved_at', models.DateTimeField(blank=True, null=True, verbose_name='agreed at')),
                ('approved_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='agreed by')),
                ('requested_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='requested by')),
            ],
            options={
                'verbose_name': 're-baseline',
                'verbose_name_plural': 're-baselines',
                'permissions': [('rebaseline_audit_trail', 'Can ask for and agree to a re-baseline of the audit trail')],
            },
        ),
        migrations.RunPython(reinstall_sqlite_triggers, migrations.RunPython.noop),
    ]
