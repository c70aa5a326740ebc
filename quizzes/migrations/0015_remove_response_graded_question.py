"""Drop the per-response copies that 0014 moved into QuestionVersion.

A migration of its own: PostgreSQL refuses to alter a table in the transaction that
updated its rows under a deferred foreign key (0014's move).
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("quizzes", "0014_question_versions"),
    ]

    operations = [
        migrations.RemoveField(
            model_name="response",
            name="graded_question",
        ),
    ]
