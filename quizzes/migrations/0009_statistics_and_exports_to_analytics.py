"""QuizStatistics and ExportJob move to the analytics app: state only.

Their tables keep their names (quizzes_quizstatistics, quizzes_exportjob) and their
rows; analytics 0001 takes the models over in the migration state. Nothing in the
database changes here.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("quizzes", "0008_moodle_formats_idnumber_tags"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(model_name="quizstatistics", name="quiz"),
                migrations.DeleteModel(name="ExportJob"),
                migrations.DeleteModel(name="QuizStatistics"),
            ],
            database_operations=[],
        ),
    ]
