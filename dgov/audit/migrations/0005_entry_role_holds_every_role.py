"""An entry's role holds every role its actor has (TEXT: fifteen roles' codes joined run past
200 characters, which PostgreSQL refused with the act). Altering the column rebuilds the
table on SQLite, which drops its append-only triggers: they are created again here."""

import importlib

from django.db import migrations, models

append_only = importlib.import_module("dgov.audit.migrations.0002_append_only")


def reinstall_sqlite_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        with schema_editor.connection.cursor() as cursor:
            append_only._sqlite_remove(cursor)
            append_only._sqlite_install(cursor)


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0004_entry_seal_and_rebaseline'),
    ]

    operations = [
        migrations.AlterField(
            model_name='auditentry',
            name='role',
            field=models.TextField(blank=True, verbose_name='role'),
        ),
        migrations.RunPython(reinstall_sqlite_triggers, migrations.RunPython.noop),
    ]
