"""The cached quiz behind the student pages and API: every edit shows at once."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from courses.models import Course
from quizzes import selectors
from quizzes.cache import cached_quiz
from quizzes.services import import_gift
from tests.quizzes.factories import QuizFactory, make_short_answer, make_single_choice

pytestmark = pytest.mark.django_db


@pytest.fixture
def quiz():
    quiz = QuizFactory(title="Borders and rights")
    make_single_choice(quiz)
    return quiz


def _intro(client, quiz):
    return client.get(reverse("quizzes:intro", args=[quiz.pk]))


def _api(api_client, quiz):
    return api_client.get(reverse("api-quiz-detail", args=[quiz.pk]))


def test_a_second_read_of_a_quiz_comes_from_the_cache(quiz):
    cached_quiz(quiz.pk)
    with CaptureQueriesContext(connection) as queries:
        again = cached_quiz(quiz.pk)
    assert len(queries) == 0
    assert (again.title, again.question_count, again.course.slug) == (
        "Borders and rights",
        1,
        quiz.course.slug,
    )


def test_renaming_a_quiz_shows_on_the_next_page(student_client, quiz):
    assert "Borders and rights" in _intro(student_client, quiz).content.decode()
    quiz.title = "Remittances and brain drain"
    quiz.save()
    assert (
        "Remittances and brain drain" in _intro(student_client, quiz).content.decode()
    )


def test_unpublishing_a_quiz_or_its_course_hides_it_at_once(
    student_client, student, api_client, quiz
):
    api_client.force_authenticate(student)
    assert _intro(student_client, quiz).status_code == 200
    assert _api(api_client, quiz).status_code == 200

    quiz.course.status = Course.Status.DRAFT
    quiz.course.save()
    assert _intro(student_client, quiz).status_code == 404
    assert _api(api_client, quiz).status_code == 404

    quiz.course.status = Course.Status.PUBLISHED
    quiz.course.save()
    quiz.published = False
    quiz.save()
    assert _intro(student_client, quiz).status_code == 404
    assert _api(api_client, quiz).status_code == 404


def test_adding_or_removing_questions_changes_the_count(student, api_client, quiz):
    api_client.force_authenticate(student)
    assert _api(api_client, quiz).json()["question_count"] == 1
    extra = make_short_answer(quiz)
    assert _api(api_client, quiz).json()["question_count"] == 2
    extra.delete()
    assert _api(api_client, quiz).json()["question_count"] == 1


def test_a_gift_import_into_a_quiz_changes_its_count(student, quiz):
    selectors.quiz_for_user(quiz_id=quiz.pk, user=student)
    import_gift(
        course=quiz.course,
        text="::Q1:: Borders are open.{TRUE}\n\n::Q2:: Remittances help.{FALSE}\n",
        quiz=quiz.slug,
    )
    assert selectors.quiz_for_user(quiz_id=quiz.pk, user=student).question_count == 3


def test_renaming_the_lesson_or_course_shows_in_the_breadcrumb(student_client, quiz):
    _intro(student_client, quiz)
    quiz.lesson.title = "Security versus human rights"
    quiz.lesson.save()
    quiz.course.title = "Global migration"
    quiz.course.save()
    page = _intro(student_client, quiz).content.decode()
    assert "Security versus human rights" in page
    assert "Global migration" in page


def test_a_deleted_quiz_is_gone(student_client, quiz):
    _intro(student_client, quiz)
    pk = quiz.pk
    quiz.delete()
    assert student_client.get(reverse("quizzes:intro", args=[pk])).status_code == 404
