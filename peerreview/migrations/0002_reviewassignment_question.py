"""Copy each review's question onto the review (allocation reads a question's open
reviews off one index), filled from its answer for the rows already there."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    # Filling the column and then making it NOT NULL in one transaction would trip
    # PostgreSQL's pending deferred foreign-key checks; each step commits on its own.
    atomic = False

    dependencies = [("peerreview", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="reviewassignment",
            name="question",
            field=models.ForeignKey(
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="quizzes.question",
            ),
        ),
        migrations.RunSQL(
            "UPDATE peerreview_reviewassignment AS review "
            "SET question_id = answer.question_id "
            "FROM peerreview_submission AS answer "
            "WHERE answer.id = review.submission_id",
            migrations.RunSQL.noop,
        ),
        migrations.AlterField(
            model_name="reviewassignment",
            name="question",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="quizzes.question",
            ),
        ),
        migrations.AddIndex(
            model_name="reviewassignment",
            index=models.Index(
                fields=["question", "state", "-id"], name="peer_review_open_idx"
            ),
        ),
    ]
