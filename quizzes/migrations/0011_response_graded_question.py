"""Freeze what each graded response was graded against (quizzes/frozen.py).

Responses graded before this migration get a copy of their question as it stands now:
the closest record there is of what they were graded against, and from here on an edit
of the question no longer changes what those attempts show. One UPDATE per question.
"""

from django.db import migrations, models

GRADED_STATES = ("graded", "needs_review")
QUESTION_FIELDS = (
    "kind",
    "name",
    "prompt",
    "prompt_format",
    "explanation",
    "explanation_format",
)
CHOICE_FIELDS = (
    "position",
    "text",
    "text_format",
    "feedback",
    "feedback_format",
    "feedback_gains",
    "feedback_costs",
    "feedback_objection",
)


def freeze_graded(apps, schema_editor):
    # Historical models: the snapshot is built here, as quizzes.frozen.snapshot_of
    # builds it today, so a later change there cannot change this migration.
    Question = apps.get_model("quizzes", "Question")
    Response = apps.get_model("quizzes", "Response")
    graded = Response.objects.filter(
        attempt__state__in=GRADED_STATES, graded_question__isnull=True
    )
    question_ids = graded.values_list("question_id", flat=True).distinct()
    for question in Question.objects.filter(pk__in=question_ids).prefetch_related(
        "choices"
    ):
        snapshot = {
            "version": 1,
            **{name: getattr(question, name) for name in QUESTION_FIELDS},
            "points": str(question.points),
            "data": question.data or {},
            "choices": [
                {
                    "id": choice.id,
                    "credit": str(choice.credit),
                    **{name: getattr(choice, name) for name in CHOICE_FIELDS},
                }
                for choice in sorted(
                    question.choices.all(), key=lambda c: (c.position, c.id)
                )
            ],
        }
        graded.filter(question_id=question.pk).update(graded_question=snapshot)


class Migration(migrations.Migration):
    dependencies = [
        ("quizzes", "0010_tradeoffs_v2_rubrics_levels_pools"),
    ]

    operations = [
        migrations.AddField(
            model_name="response",
            name="graded_question",
            field=models.JSONField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(freeze_graded, migrations.RunPython.noop),
    ]
