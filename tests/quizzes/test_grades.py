"""The student's Grades page and its API: every quiz of each course, the grade that
counts, attempts, marking to come and feedback; constant queries at any size."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from quizzes.models import Attempt, Quiz
from tests.accounts.factories import UserFactory
from tests.courses.factories import CourseFactory, EnrollmentFactory, LessonFactory
from tests.helpers.queries import count_get
from tests.quizzes.factories import QuizFactory, QuizWithoutLessonFactory
from tests.quizzes.test_course_plan import attempt

pytestmark = pytest.mark.django_db


@pytest.fixture
def student():
    return UserFactory()


def _course(student, *, lessons=2, with_attempts=True):
    course = CourseFactory()
    EnrollmentFactory(user=student, course=course)
    quizzes = []
    for n in range(1, lessons + 1):
        lesson = LessonFactory(course=course, position=n)
        quizzes.append(QuizFactory(lesson=lesson, course=course))
    quizzes.append(QuizWithoutLessonFactory(course=course, title="Final"))
    if with_attempts:
        for quiz in quizzes:
            attempt(quiz, student, Attempt.State.GRADED, 70, number=1)
            attempt(quiz, student, Attempt.State.NEEDS_REVIEW, number=2)
            attempt(quiz, student, Attempt.State.IN_PROGRESS, number=3)
    return course, quizzes


def test_grades_page_shows_the_grade_that_counts_attempts_marking_and_feedback(
    client, student
):
    course = CourseFactory(title="Migration")
    EnrollmentFactory(user=student, course=course)
    lesson = LessonFactory(course=course, position=1)
    last_counts = QuizFactory(
        lesson=lesson,
        course=course,
        title="Lesson 1 quiz",
        grading_method=Quiz.GradingMethod.LAST,
        pass_mark=75,
    )
    final = QuizWithoutLessonFactory(course=course, title="Final assessment")
    untouched = QuizFactory(lesson=lesson, course=course, title="Lesson 1 review")
    attempt(last_counts, student, Attempt.State.GRADED, 90, number=1)
    second = attempt(last_counts, student, Attempt.State.GRADED, 60, number=2)
    waiting = attempt(final, student, Attempt.State.NEEDS_REVIEW)
    # Someone else's attempt and a course I am not in stay out.
    attempt(untouched, UserFactory(), Attempt.State.GRADED, 100)
    QuizFactory(title="Not my course")
    client.force_login(student)

    response = client.get(reverse("grades"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Not my course" not in html
    row = html[html.index(">Lesson 1 quiz</a>") : html.index(">Lesson 1 review</a>")]
    assert "60.0%" in row and "Not passed yet" in row and "Last attempt" in row
    assert "2 attempts" in row
    assert reverse("quizzes:result", args=[second.pk]) in row
    final_row = html[html.index(">Final assessment</a>") :]
    assert reverse("quizzes:result", args=[waiting.pk]) in final_row
    assert "1 attempt waits for a grader" in html
    extra = html[html.index(">Lesson 1 review</a>") : html.index(">Final assessment")]
    assert "Not started" in extra
    # Lesson quizzes first, the final assessment last.
    assert html.index(">Lesson 1 review</a>") < html.index(">Final assessment</a>")


def test_grades_api_says_what_the_page_shows(student):
    course, quizzes = _course(student, lessons=1)
    client = APIClient()
    client.force_authenticate(student)
    response = client.get(reverse("api-grades"))
    assert response.status_code == 200
    [entry] = response.json()
    assert entry["course"] == course.slug
    assert entry["awaiting_marking"] == 2
    first, final = entry["quizzes"]
    assert final["is_final"] is True and first["is_final"] is False
    assert first["grade"] == "70.0"
    assert first["passed"] is True
    assert first["state"] == "in_progress"
    assert first["awaiting_marking"] == 1
    assert [a["number"] for a in first["attempts"]] == [1, 2, 3]
    assert first["feedback_attempt"] == first["attempts"][1]["id"]


def test_grades_need_a_login(client):
    assert client.get(reverse("grades")).status_code == 302
    assert APIClient().get(reverse("api-grades")).status_code in (401, 403)


def test_grades_page_with_no_course_says_so(client, student):
    client.force_login(student)
    html = client.get(reverse("grades")).content.decode()
    assert "not enrolled in any course" in html


@pytest.mark.parametrize("name", ["grades", "api-grades"])
def test_grades_do_not_grow_with_courses_quizzes_or_attempts(
    client, student, django_assert_num_queries, name
):
    client.force_login(student)
    _course(student, lessons=1)
    baseline = count_get(client, reverse(name))
    for _ in range(4):
        _course(student, lessons=5)
    with django_assert_num_queries(baseline):
        client.get(reverse(name))


def test_course_page_with_quizzes_does_not_grow(
    client, student, django_assert_num_queries
):
    client.force_login(student)
    small, _ = _course(student, lessons=2)
    big, _ = _course(student, lessons=20)
    baseline = count_get(client, small.get_absolute_url())
    with django_assert_num_queries(baseline):
        client.get(big.get_absolute_url())


def test_lesson_page_with_quizzes_does_not_grow(
    client, student, django_assert_num_queries
):
    client.force_login(student)
    small, _ = _course(student, lessons=2)
    big, _ = _course(student, lessons=20)
    for course in (small, big):
        QuizFactory(lesson=course.lessons.get(position=1), course=course)
    small_url, big_url = (
        course.lessons.get(position=1).get_absolute_url() for course in (small, big)
    )
    baseline = count_get(client, small_url)
    with django_assert_num_queries(baseline):
        client.get(big_url)


def test_home_with_attempts_in_progress_does_not_grow(
    client, student, django_assert_num_queries
):
    client.force_login(student)
    _course(student, lessons=1)
    baseline = count_get(client, reverse("home"))
    for _ in range(4):
        _course(student, lessons=3)
    with django_assert_num_queries(baseline):
        client.get(reverse("home"))
