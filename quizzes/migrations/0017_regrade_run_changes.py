"""A regrade's changes move from one JSON list on the run to rows of their own."""

from decimal import Decimal

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

# Rows written per INSERT while moving the JSON entries.
BATCH = 500


def _decimal(value):
    return None if value in (None, "") else Decimal(str(value))


def move_changes_to_rows(apps, schema_editor):
    """Each JSON entry becomes a row, in the list's order; the run counts them."""
    RegradeRun = apps.get_model("quizzes", "RegradeRun")
    Change = apps.get_model("quizzes", "RegradeRunChange")
    Attempt = apps.get_model("quizzes", "Attempt")
    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    for run in RegradeRun.objects.order_by("pk").iterator(chunk_size=50):
        entries = run.changes or []
        for start in range(0, len(entries), BATCH):
            part = entries[start : start + BATCH]
            # An attempt or a student deleted since the run is kept as a null.
            attempts = set(
                Attempt.objects.filter(
                    pk__in=[e.get("attempt") for e in part]
                ).values_list("pk", flat=True)
            )
            students = set(
                User.objects.filter(
                    pk__in=[e.get("student") for e in part]
                ).values_list("pk", flat=True)
            )
            Change.objects.bulk_create(
                Change(
                    run_id=run.pk,
                    attempt_id=e.get("attempt") if e.get("attempt") in attempts else None,
                    student_id=e.get("student") if e.get("student") in students else None,
                    number=e.get("number") or 0,
                    old=_decimal(e.get("old")),
                    new=_decimal(e.get("new")),
                    old_max=_decimal(e.get("old_max")) or Decimal("0"),
                    new_max=_decimal(e.get("new_max")) or Decimal("0"),
                    old_state=e.get("old_state") or "",
                    new_state=e.get("new_state") or "",
                    question_old=_decimal(e.get("question_old")),
                    question_new=_decimal(e.get("question_new")),
                )
                for e in part
            )
        RegradeRun.objects.filter(pk=run.pk).update(changed=len(entries))


def move_rows_to_changes(apps, schema_editor):
    """Back to one JSON list per run (the e-mail and name as they are now)."""
    RegradeRun = apps.get_model("quizzes", "RegradeRun")
    Change = apps.get_model("quizzes", "RegradeRunChange")

    def text(value):
        return None if value is None else str(value)

    for run in RegradeRun.objects.order_by("pk").iterator(chunk_size=50):
        entries = []
        for c in Change.objects.filter(run_id=run.pk).select_related("student").order_by("pk"):
            student = c.student
            name = ""
            if student is not None:
                name = f"{student.first_name} {student.last_name}".strip() or student.email
            entries.append(
                {
                    "attempt": c.attempt_id,
                    "student": c.student_id,
                    "email": student.email if student else "",
                    "name": name,
                    "number": c.number,
                    "old": text(c.old),
                    "new": text(c.new),
                    "old_max": text(c.old_max),
                    "new_max": text(c.new_max),
                    "old_state": c.old_state,
                    "new_state": c.new_state,
                    "question_old": text(c.question_old),
                    "question_new": text(c.question_new),
                }
            )
        RegradeRun.objects.filter(pk=run.pk).update(changes=entries)


class Migration(migrations.Migration):
    dependencies = [
        ("quizzes", "0016_assignment_peer_review"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="regraderun",
            name="changed",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.CreateModel(
            name="RegradeRunChange",
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
                ("number", models.PositiveIntegerField()),
                ("old", models.DecimalField(decimal_places=3, max_digits=8, null=True)),
                ("new", models.DecimalField(decimal_places=3, max_digits=8, null=True)),
                ("old_max", models.DecimalField(decimal_places=3, max_digits=8)),
                ("new_max", models.DecimalField(decimal_places=3, max_digits=8)),
                ("old_state", models.CharField(max_length=16)),
                ("new_state", models.CharField(max_length=16)),
                (
                    "question_old",
                    models.DecimalField(decimal_places=3, max_digits=8, null=True),
                ),
                (
                    "question_new",
                    models.DecimalField(decimal_places=3, max_digits=8, null=True),
                ),
                (
                    "attempt",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="quizzes.attempt",
                    ),
                ),
                (
                    "run",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="change_rows",
                        to="quizzes.regraderun",
                    ),
                ),
                (
                    "student",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={"ordering": ["id"]},
        ),
        migrations.RunPython(move_changes_to_rows, move_rows_to_changes),
        migrations.RemoveField(model_name="regraderun", name="changes"),
        migrations.AlterField(
            model_name="regraderunchange",
            name="run",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="changes",
                to="quizzes.regraderun",
            ),
        ),
    ]
