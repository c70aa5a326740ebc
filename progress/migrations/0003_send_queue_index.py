"""Index the send queue in claim order; drop the user index the unique constraint covers."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

# The name Django gave the foreign key's own index in 0001.
USER_INDEX = "progress_progressreport_user_id_00b3e593"


class Migration(migrations.Migration):
    dependencies = [
        ("progress", "0002_weekly_schedule"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="progressreport",
            name="progress_report_due_idx",
        ),
        # Only the index goes: AlterField would also drop and re-validate the foreign key.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="progressreport",
                    name="user",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="progress_reports",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX IF EXISTS "{USER_INDEX}"',
                    f'CREATE INDEX "{USER_INDEX}" '
                    'ON "progress_progressreport" ("user_id")',
                ),
            ],
        ),
        migrations.AddIndex(
            model_name="progressreport",
            index=models.Index(
                condition=models.Q(("state__in", ["pending", "sending"])),
                fields=["next_attempt_at", "id"],
                name="progress_report_queue_idx",
            ),
        ),
    ]
