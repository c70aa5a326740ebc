"""The instructor's list sorts on copies kept on the answer's row: its quiz, its
result's spread and its open flags (issue 20); filled here for existing answers."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Count, Exists, OuterRef, Subquery


def fill(apps, schema_editor):
    Question = apps.get_model("quizzes", "Question")
    Submission = apps.get_model("peerreview", "Submission")
    PeerResult = apps.get_model("peerreview", "PeerResult")
    Flag = apps.get_model("peerreview", "Flag")
    Submission.objects.update(
        quiz_id=Subquery(
            Question.objects.filter(pk=OuterRef("question_id")).values("quiz_id")[:1]
        )
    )
    results = PeerResult.objects.filter(submission_id=OuterRef("pk"))
    Submission.objects.filter(Exists(results)).update(
        spread=Subquery(results.values("spread")[:1])
    )
    flags = Flag.objects.filter(
        review__submission_id=OuterRef("pk"), resolved_at=None
    ).order_by()
    Submission.objects.filter(Exists(flags)).update(
        open_flags=Subquery(
            flags.values("review__submission_id").annotate(n=Count("pk")).values("n")
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("peerreview", "0004_peer_review_link_from_rows"),
        ("quizzes", "0016_assignment_peer_review"),
    ]

    operations = [
        migrations.AddField(
            model_name="submission",
            name="quiz",
            field=models.ForeignKey(
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="quizzes.quiz",
            ),
        ),
        migrations.AddField(
            model_name="submission",
            name="spread",
            field=models.FloatField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="submission",
            name="open_flags",
            field=models.PositiveIntegerField(db_default=0, default=0),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
