"""An entry's role holds every role its actor has (TEXT: fifteen roles' codes joined run past
200 characters, which PostgreSQL refused with the act). Altering the column rebuilds the
table on SQLite, which drops its append-only triggers: they are created again here."""

import importlib

from django.db import migrations, models

# The trigger reinstall of the migration that last rebuilt the table.
seal_migration = importlib.import_module("dgov.audit.migrations.0004_entry_seal_and_rebaseline")


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
        migrations.RunPython(seal_migration.reinstall_sqlite_triggers, migrations.RunPython.noop),
    ]
