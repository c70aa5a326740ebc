"""The quiz page's copy of a quiz, held per process under a version PostgreSQL works out
from the rows (quizzes.cache.quiz_at, docs/decisions/0009): any edit shows on the next
page, even one that bypasses save() and its signals; an unchanged quiz costs no query."""

from __future__ import annotations

import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core import rows
from courses.models import Course, Lesson
from quizzes import cache
from quizzes.models import Question, Quiz
from tests.quizzes.factories import QuizFactory, make_single_choice

pytestmark = pytest.mark.django_db


@pytest.fixture
def quiz():
    quiz = QuizFactory(title="Borders and rights", instructions="Read chapter two.")
    make_single_choice(quiz)
    return quiz


def _page(client, quiz) -> str:
    response = client.get(reverse("quizzes:intro", args=[quiz.pk]))
    assert response.status_code == 200
    return response.content.decode()


def _version(quiz_id: int) -> str:
    (found,) = rows.fetch_together([cache.version_statement(quiz_id)])
    return found[0][0]


def test_an_unchanged_quiz_comes_from_the_process_copy_at_no_query(quiz):
    found = [(_version(quiz.pk),)]
    first = cache.quiz_at(quiz.pk, found)
    with CaptureQueriesContext(connection) as queries:
        again = cache.quiz_at(quiz.pk, found)
    assert again is first and len(queries) == 0
    assert (again.title, again.question_count, again.version) == (
        "Borders and rights",
        1,
        found[0][0],
    )


def test_a_copy_held_under_another_version_is_never_served(quiz):
    held = cache.quiz_at(quiz.pk, [(_version(quiz.pk),)])
    Quiz.objects.filter(pk=quiz.pk).update(title="Remittances")  # no signal
    fresh = cache.quiz_at(quiz.pk, [(_version(quiz.pk),)])
    assert fresh is not held
    assert (fresh.title, held.title) == ("Remittances", "Borders and rights")
    assert fresh.version != held.version


def test_the_version_changes_with_each_kind_of_edit_and_not_otherwise(quiz):
    seen = [_version(quiz.pk)]
    assert _version(quiz.pk) == seen[-1]
    lesson = Lesson.objects.create(course=quiz.course, title="One", slug="one")
    edits = [
        lambda: Quiz.objects.filter(pk=quiz.pk).update(instructions="Read all."),
        lambda: Quiz.objects.filter(pk=quiz.pk).update(lesson=lesson),
        lambda: Lesson.objects.filter(pk=lesson.pk).update(title="Lesson one"),
        lambda: Course.objects.filter(pk=quiz.course_id).update(title="Migration"),
        lambda: make_single_choice(quiz),
        lambda: Question.objects.filter(quiz=quiz).update(pool="a"),  # 2 -> 1
        lambda: Question.objects.filter(quiz=quiz).delete(),
    ]
    for edit in edits:
        edit()
        seen.append(_version(quiz.pk))
    # Each edit changes it (a pool counts once: the copy holds the count, not the rows).
    assert all(a != b for a, b in itertools.pairwise(seen)), seen
    assert _version(quiz.pk) == seen[-1]


def test_edits_that_bypass_save_show_on_the_next_page(student_client, quiz):
    assert "Borders and rights" in _page(student_client, quiz)
    Quiz.objects.filter(pk=quiz.pk).update(title="Remittances and brain drain")
    Course.objects.filter(pk=quiz.course_id).update(title="A renamed course")
    page = _page(student_client, quiz)
    assert "Remittances and brain drain" in page and "A renamed course" in page
    Quiz.objects.filter(pk=quiz.pk).update(published=False)
    response = student_client.get(reverse("quizzes:intro", args=[quiz.pk]))
    assert response.status_code == 404


def test_the_page_reads_the_quiz_with_the_students_rows_in_one_round_trip(
    student_client, quiz
):
    _page(student_client, quiz)  # this process holds the copy from now on
    with CaptureQueriesContext(connection) as queries:
        _page(student_client, quiz)
    assert not [q for q in queries.captured_queries if "quizzes_quiz" in q["sql"]][1:]
    assert len(queries) == 2  # the user, then the quiz's version with my rows
