"""The statistics and export tables move from quizzes to analytics with their rows.

A database at the last migration before the split (quizzes 0008) holds a QuizStatistics
row and an ExportJob row; migrating forward must keep both, readable through the
analytics models, with no table renamed and the content types moved along.
"""

from __future__ import annotations

import pytest

from analytics.models import ExportJob, QuizStatistics
from tests.helpers.migrations import leaves, migrate_to

BEFORE = [("quizzes", "0008_moodle_formats_idnumber_tags")]


@pytest.mark.django_db(transaction=True)
def test_rows_written_before_the_split_are_read_through_analytics():
    old = migrate_to(BEFORE)
    try:
        User = old.get_model("accounts", "User")
        Course = old.get_model("courses", "Course")
        Quiz = old.get_model("quizzes", "Quiz")
        ContentType = old.get_model("contenttypes", "ContentType")
        OldStatistics = old.get_model("quizzes", "QuizStatistics")
        OldExport = old.get_model("quizzes", "ExportJob")
        teacher = User.objects.create(email="t@example.org")
        course = Course.objects.create(title="Trade", slug="trade")
        quiz = Quiz.objects.create(
            course=course, slug="before", title="Before the split"
        )
        OldStatistics.objects.create(
            quiz=quiz, which="first", attempt_count=3, data={"questions": []}
        )
        OldExport.objects.create(
            kind="cohort_grades",
            requested_by=teacher,
            quiz=quiz,
            state="done",
            rows_done=2,
            rows_total=2,
            file_name="grades.csv",
        )
        ContentType.objects.get_or_create(app_label="quizzes", model="exportjob")
    finally:
        migrate_to(leaves())

    stats = QuizStatistics.objects.get()
    assert (stats.quiz.title, stats.which, stats.attempt_count) == (
        "Before the split",
        "first",
        3,
    )
    job = ExportJob.objects.get()
    assert (job.state, job.file_name, job.percent_done) == ("done", "grades.csv", 100)
    assert job.requested_by.email == "t@example.org"
    # No table renamed; the permission's content type followed the model.
    assert QuizStatistics._meta.db_table == "quizzes_quizstatistics"
    assert ExportJob._meta.db_table == "quizzes_exportjob"
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()
    assert ContentType.objects.filter(app_label="analytics", model="exportjob").exists()
    assert not ContentType.objects.filter(
        app_label="quizzes", model="exportjob"
    ).exists()
