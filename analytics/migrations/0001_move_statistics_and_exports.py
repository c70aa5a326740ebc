"""QuizStatistics and ExportJob, taken over from the quizzes app: state only.

The tables stay as quizzes created them (`db_table` keeps their names), with their
rows; the content types move with the models, so permissions granted on them hold.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

MOVED = ("quizstatistics", "exportjob")


def move_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MOVED:
        if not ContentType.objects.filter(app_label="analytics", model=model).exists():
            ContentType.objects.filter(app_label="quizzes", model=model).update(
                app_label="analytics"
            )


def restore_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MOVED:
        if not ContentType.objects.filter(app_label="quizzes", model=model).exists():
            ContentType.objects.filter(app_label="analytics", model=model).update(
                app_label="quizzes"
            )


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("courses", "0004_lesson_reading_minutes"),
        ("quizzes", "0009_statistics_and_exports_to_analytics"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ExportJob",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "kind",
                            models.CharField(
                                choices=[
                                    ("cohort_grades", "Cohort grades"),
                                    ("quiz_responses", "Quiz responses"),
                                ],
                                max_length=24,
                            ),
                        ),
                        (
                            "state",
                            models.CharField(
                                choices=[
                                    ("pending", "Pending"),
                                    ("running", "Running"),
                                    ("done", "Done"),
                                    ("failed", "Failed"),
                                ],
                                default="pending",
                                max_length=16,
                            ),
                        ),
                        ("rows_done", models.PositiveIntegerField(default=0)),
                        ("rows_total", models.PositiveIntegerField(default=0)),
                        ("file_name", models.CharField(blank=True, max_length=255)),
                        ("error", models.TextField(blank=True)),
                        (
                            "created_at",
                            models.DateTimeField(default=django.utils.timezone.now),
                        ),
                        ("finished_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "cohort",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.CASCADE,
                                to="courses.cohort",
                            ),
                        ),
                        (
                            "quiz",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.CASCADE,
                                to="quizzes.quiz",
                            ),
                        ),
                        (
                            "requested_by",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="export_jobs",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "quizzes_exportjob",
                        "ordering": ["-created_at"],
                    },
                ),
                migrations.CreateModel(
                    name="QuizStatistics",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "which",
                            models.CharField(
                                choices=[
                                    ("first", "First attempts"),
                                    ("all", "All attempts"),
                                ],
                                default="first",
                                max_length=8,
                            ),
                        ),
                        ("attempt_count", models.PositiveIntegerField(default=0)),
                        ("data", models.JSONField(default=dict)),
                        (
                            "computed_at",
                            models.DateTimeField(default=django.utils.timezone.now),
                        ),
                        (
                            "quiz",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="statistics",
                                to="quizzes.quiz",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name_plural": "quiz statistics",
                        "db_table": "quizzes_quizstatistics",
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("quiz", "which"), name="quizzes_stats_unique"
                            )
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_types, restore_content_types),
    ]
