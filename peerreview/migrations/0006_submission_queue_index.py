"""Every answer now has its quiz (0005): require it, and index the instructor's list.

Apart from 0005 because PostgreSQL refuses to alter a table with the foreign-key checks
of 0005's updates still pending in the same transaction. 0005 rewrote every answer's
row: the table is analyzed at once, not when autovacuum comes round, so the list's
queries are planned with statistics of the new columns (without them the pager's count
read every answer of a 100,000-answer quiz).

The index is made on PostgreSQL only: SQLite (`make run`'s database) cannot order an
index column NULLS LAST, and a development database does not need the list's index.
The migration state has it either way, so `makemigrations` sees the model as it is."""

import django.db.models.deletion
from django.db import migrations, models

INDEX = models.Index(
    models.F("quiz"),
    models.OrderBy(models.F("needs_instructor"), descending=True),
    models.OrderBy(models.F("spread"), descending=True, nulls_last=True),
    models.F("submitted_at"),
    models.F("id"),
    name="peer_submission_queue_idx",
)


def _add_on_postgresql(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(apps.get_model("peerreview", "Submission"), INDEX)


def _remove_on_postgresql(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("peerreview", "Submission"), INDEX)


class Migration(migrations.Migration):
    dependencies = [
        ("peerreview", "0005_submission_queue_columns"),
    ]

    operations = [
        migrations.AlterField(
            model_name="submission",
            name="quiz",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="quizzes.quiz",
            ),
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddIndex(model_name="submission", index=INDEX)
            ],
            database_operations=[
                migrations.RunPython(_add_on_postgresql, _remove_on_postgresql)
            ],
        ),
        migrations.RunSQL("ANALYZE peerreview_submission", migrations.RunSQL.noop),
    ]
