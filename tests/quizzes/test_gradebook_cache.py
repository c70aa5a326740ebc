"""The gradebook's cached column sums: every write that changes a grade is seen at once.

Each test reads the sums (so they are cached under the cohort's grades version), makes
one write through its service, and checks the next read equals a fresh computation
(`coursework_sums`) and shows the change.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from courses import services as courses_services
from courses.models import Cohort
from quizzes import coursework_sums, gradebook_cache, services
from quizzes.models import Choice, Quiz
from quizzes.services import regrading
from tests.accounts.factories import UserFactory
from tests.helpers.factories import (
    AssignmentFactory,
    EssayQuestionFactory,
    QuizFactory,
    cohort_with,
    essay_answer,
    finished_attempt,
    single_choice,
    take,
    taught_cohort,
)
from tests.helpers.queries import count_queries

pytestmark = pytest.mark.django_db


@pytest.fixture
def book():
    """A cohort (Ada, Ben) with one assigned one-question quiz; A is right, B wrong."""
    cohort, instructor, (ada, ben) = cohort_with(students=2)
    quiz = QuizFactory(course=cohort.course, grading_method=Quiz.GradingMethod.HIGHEST)
    _question, (right, wrong, _other) = single_choice(quiz, position=1)
    assignment = AssignmentFactory(cohort=cohort, quiz=quiz)
    return {
        "cohort": cohort,
        "instructor": instructor,
        "ada": ada,
        "ben": ben,
        "quiz": quiz,
        "question": _question,
        "right": right,
        "wrong": wrong,
        "assignment": assignment,
    }


def _answer(book, choice):
    return {str(book["question"].pk): {"choice": choice.pk}}


def _sums(cohort):
    return gradebook_cache.column_sums(cohort.pk)


def _changed(cohort, before):
    """The cached read after a write: equal to a fresh sum, and not what it was."""
    after = _sums(cohort)
    assert after == coursework_sums.column_sums(cohort.pk)
    assert after != before
    return after


def _version(cohort) -> int:
    return Cohort.objects.values_list("grades_version", flat=True).get(pk=cohort.pk)


def test_a_second_read_without_a_write_sends_only_the_version_query(book):
    take(book["quiz"], book["ada"], _answer(book, book["right"]))
    cohort = book["cohort"]
    assert count_queries(lambda: _sums(cohort)) == 2  # the version, the sums
    assert count_queries(lambda: _sums(cohort)) == 1
    assert _sums(cohort) == {book["assignment"].pk: (Decimal(100), 1)}


def test_grading_an_attempt_is_seen(book):
    before = _sums(book["cohort"])
    take(book["quiz"], book["ada"], _answer(book, book["right"]))
    after = _changed(book["cohort"], before)
    assert after == {book["assignment"].pk: (Decimal(100), 1)}


def test_grading_a_student_of_another_cohort_leaves_this_one_cached(book):
    take(book["quiz"], book["ada"], _answer(book, book["right"]))
    version = _version(book["cohort"])
    stranger = UserFactory()
    elsewhere, _teacher = taught_cohort(book["cohort"].course, students=[stranger])
    AssignmentFactory(cohort=elsewhere, quiz=book["quiz"])
    take(book["quiz"], stranger, _answer(book, book["right"]))
    assert _version(elsewhere) > 0
    assert _version(book["cohort"]) == version


def test_a_manual_mark_is_seen(book):
    essay = EssayQuestionFactory(quiz=book["quiz"], points=Decimal(4))
    attempt = take(
        book["quiz"],
        book["ada"],
        {**essay_answer(essay), **_answer(book, book["right"])},
    )
    before = _sums(book["cohort"])  # waiting for a person: no grade yet
    response = attempt.responses.get(question=essay)
    services.score_response(
        response_id=response.pk, grader=book["instructor"], score=Decimal(3)
    )
    after = _changed(book["cohort"], before)
    assert after == {book["assignment"].pk: (Decimal("80.0"), 1)}  # 4 of 5 points


def test_a_question_override_is_seen(book):
    attempt = take(book["quiz"], book["ada"], _answer(book, book["wrong"]))
    before = _sums(book["cohort"])
    services.override_response_score(
        response_id=attempt.responses.get().pk,
        instructor=book["instructor"],
        score=Decimal(1),
        reason="Both readings are defensible.",
    )
    assert _changed(book["cohort"], before) == {book["assignment"].pk: (100, 1)}


def test_setting_and_clearing_a_grade_override_are_seen(book):
    take(book["quiz"], book["ada"], _answer(book, book["wrong"]))
    before = _sums(book["cohort"])
    kwargs = {
        "assignment": book["assignment"],
        "student": book["ben"],
        "instructor": book["instructor"],
        "reason": "Viva.",
    }
    services.set_grade_override(grade=Decimal(60), **kwargs)
    overridden = _changed(book["cohort"], before)
    assert overridden == {book["assignment"].pk: (Decimal(60), 2)}
    services.clear_grade_override(**kwargs)
    assert _changed(book["cohort"], overridden) == before


def test_a_regrade_is_seen(book):
    take(book["quiz"], book["ada"], _answer(book, book["wrong"]))
    before = _sums(book["cohort"])
    Choice.objects.filter(pk=book["wrong"].pk).update(credit=Decimal(1))
    assert _sums(book["cohort"]) == before  # a key change moves no grade by itself
    regrading.regrade(quiz=book["quiz"], user=book["instructor"], reason="B is fine")
    assert _changed(book["cohort"], before) == {book["assignment"].pk: (100, 1)}


def test_a_new_assignment_is_seen(book):
    other = QuizFactory(course=book["cohort"].course)
    _q, (right, _wrong, _o) = single_choice(other, position=1)
    take(other, book["ada"], {str(_q.pk): {"choice": right.pk}})  # practised early
    before = _sums(book["cohort"])
    assignment = services.assign_quiz(
        cohort=book["cohort"],
        quiz=other,
        instructor=book["instructor"],
        due_at=timezone.now() + timedelta(days=7),
    )
    assert _changed(book["cohort"], before)[assignment.pk] == (100, 1)


def test_a_changed_grading_method_is_seen(book):
    take(book["quiz"], book["ada"], _answer(book, book["right"]))
    take(book["quiz"], book["ada"], _answer(book, book["wrong"]))
    before = _sums(book["cohort"])
    book["quiz"].grading_method = Quiz.GradingMethod.LAST
    book["quiz"].save()
    assert _changed(book["cohort"], before) == {book["assignment"].pk: (0, 1)}


def test_a_student_joining_and_leaving_is_seen(book):
    newcomer = UserFactory()
    finished_attempt(book["quiz"], newcomer, at=timezone.now(), percent=100)
    take(book["quiz"], book["ada"], _answer(book, book["wrong"]))
    before = _sums(book["cohort"])
    courses_services.add_student(cohort=book["cohort"], email=newcomer.email)
    joined = _changed(book["cohort"], before)
    assert joined == {book["assignment"].pk: (Decimal(100), 2)}
    courses_services.remove_student(cohort=book["cohort"], student_id=newcomer.pk)
    assert _changed(book["cohort"], joined) == before


def test_joining_with_the_code_is_seen(book):
    code = courses_services.rotate_join_code(cohort=book["cohort"])
    newcomer = UserFactory()
    finished_attempt(book["quiz"], newcomer, at=timezone.now(), percent=100)
    before = _sums(book["cohort"])
    courses_services.join_cohort(user=newcomer, code=code)
    assert _changed(book["cohort"], before) == {book["assignment"].pk: (100, 1)}


def test_the_gradebook_page_shows_the_new_average_after_a_grade(book, client):
    take(book["quiz"], book["ada"], _answer(book, book["right"]))
    client.force_login(book["instructor"])
    url = reverse("instructor:gradebook", kwargs={"pk": book["cohort"].pk})
    first = client.get(url)
    assert first.context["book"].columns[0].average == Decimal("100.0")
    take(book["quiz"], book["ben"], _answer(book, book["wrong"]))
    second = client.get(url)
    assert second.context["book"].columns[0].average == Decimal("50.0")
