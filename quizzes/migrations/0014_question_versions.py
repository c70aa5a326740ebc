"""Store each graded copy of a question once (QuestionVersion) and point responses at it.

Grading wrote a 1–3 KB copy of the question into every response it graded
(`Response.graded_question`, 0011); the same copy, once per question version, now lives
in `QuestionVersion` and each response holds its key (`graded_version`). Responses with a
copy get the version of that copy: one row per distinct (question, copy), each found
by its digest as `quizzes.frozen.digest_of` computes it, so grading finds them again.
0015 then drops the copies. Reversed, the copies are written back from the versions.
"""

import hashlib
import json

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models

BATCH = 1000


def _digest(snapshot: dict) -> str:
    # As quizzes.frozen.digest_of, written out so a later change there cannot change
    # what this migration stored.
    text = json.dumps(snapshot, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def move_copies(apps, schema_editor):
    Response = apps.get_model("quizzes", "Response")
    QuestionVersion = apps.get_model("quizzes", "QuestionVersion")
    copies = (
        Response.objects.filter(graded_question__isnull=False)
        .order_by()
        .values_list("question_id", "graded_question")
        .distinct()
    )
    versions = {}
    for question_id, snapshot in copies.iterator(chunk_size=BATCH):
        digest = _digest(snapshot)
        versions.setdefault(
            (question_id, digest),
            QuestionVersion(question_id=question_id, digest=digest, snapshot=snapshot),
        )
    QuestionVersion.objects.bulk_create(versions.values(), batch_size=BATCH)
    response = schema_editor.quote_name(Response._meta.db_table)
    version = schema_editor.quote_name(QuestionVersion._meta.db_table)
    # One statement: each response finds the version of its question equal to its copy
    # (jsonb equality, the same test DISTINCT used above).
    schema_editor.execute(
        f"UPDATE {response} AS r SET graded_version_id = v.id FROM {version} AS v"
        " WHERE r.graded_question IS NOT NULL AND v.question_id = r.question_id"
        " AND v.snapshot = r.graded_question"
    )


def restore_copies(apps, schema_editor):
    Response = apps.get_model("quizzes", "Response")
    QuestionVersion = apps.get_model("quizzes", "QuestionVersion")
    response = schema_editor.quote_name(Response._meta.db_table)
    version = schema_editor.quote_name(QuestionVersion._meta.db_table)
    schema_editor.execute(
        f"UPDATE {response} AS r SET graded_question = v.snapshot FROM {version} AS v"
        " WHERE v.id = r.graded_version_id"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("quizzes", "0013_grading_queue_indexes"),
    ]

    operations = [
        migrations.CreateModel(
            name="QuestionVersion",
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
                ("digest", models.CharField(editable=False, max_length=64)),
                ("snapshot", models.JSONField(editable=False)),
                (
                    "created_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, editable=False
                    ),
                ),
                (
                    "question",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="versions",
                        to="quizzes.question",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("question", "digest"),
                        name="question_version_digest_unique",
                    )
                ],
            },
        ),
        migrations.AddField(
            model_name="response",
            name="graded_version",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.RESTRICT,
                related_name="+",
                to="quizzes.questionversion",
            ),
        ),
        migrations.RunPython(move_copies, restore_copies),
    ]
