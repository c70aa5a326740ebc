"""Quizzes a student can find: the course page lists each lesson's quiz and the final
assessment with the student's state, progress counts quizzes, Resume goes to an attempt
in progress first, lesson pages end with their quiz, and quiz lists sort naturally."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from quizzes.models import Attempt, Quiz
from tests.accounts.factories import UserFactory
from tests.courses.factories import (
    CourseFactory,
    EnrollmentFactory,
    LessonCompletionFactory,
    LessonFactory,
)
from tests.quizzes.factories import (
    AttemptFactory,
    QuizFactory,
    QuizWithoutLessonFactory,
)

pytestmark = pytest.mark.django_db


def attempt(quiz, student, state, percent=None, number=1) -> Attempt:
    """An attempt row in a given state; graded ones score `percent` out of 10."""
    finished = state != Attempt.State.IN_PROGRESS
    return AttemptFactory(
        quiz=quiz,
        student=student,
        number=number,
        state=state,
        submitted_at=timezone.now() if finished else None,
        score=None if percent is None else Decimal(percent) / 10,
        max_score=Decimal("10"),
    )


@pytest.fixture
def course_setup():
    course = CourseFactory()
    lessons = [
        LessonFactory(course=course, position=n, title=f"Lesson {n}") for n in (1, 2, 3)
    ]
    quizzes = [
        QuizFactory(lesson=lesson, course=course, title=f"Quiz on lesson {n}")
        for n, lesson in enumerate(lessons, start=1)
    ]
    final = QuizWithoutLessonFactory(course=course, title="Final assessment")
    student = UserFactory()
    EnrollmentFactory(user=student, course=course)
    return course, lessons, quizzes, final, student


def _between(html: str, start: str, end: str) -> str:
    """The list's markup from the link named start to the link named end."""
    begin = html.index(f">{start}</a>")
    return html[begin : html.index(f">{end}</a>", begin)]


def test_course_page_lists_each_quiz_beside_its_lesson_and_the_final_last(
    client, course_setup
):
    course, lessons, quizzes, final, student = course_setup
    attempt(quizzes[0], student, Attempt.State.GRADED, 80)
    attempt(quizzes[1], student, Attempt.State.NEEDS_REVIEW)
    attempt(quizzes[2], student, Attempt.State.IN_PROGRESS)
    client.force_login(student)
    html = client.get(course.get_absolute_url()).content.decode()
    order = [
        lessons[0].title,
        quizzes[0].title,
        lessons[1].title,
        quizzes[1].title,
        lessons[2].title,
        quizzes[2].title,
        final.title,
    ]
    positions = [html.index(f">{title}</a>") for title in order]
    assert positions == sorted(positions)
    assert "Best grade 80.0%" in _between(html, quizzes[0].title, lessons[1].title)
    assert "Waiting for marking" in _between(html, quizzes[1].title, lessons[2].title)
    assert "In progress" in _between(html, quizzes[2].title, final.title)
    assert "Not started" in html[html.index(f">{final.title}</a>") :]
    assert 'id="final-heading"' in html


def test_progress_counts_quizzes_as_well_as_lessons(client, course_setup):
    course, lessons, quizzes, final, student = course_setup
    LessonCompletionFactory(user=student, lesson=lessons[0])
    attempt(quizzes[0], student, Attempt.State.GRADED, 50)
    attempt(final, student, Attempt.State.NEEDS_REVIEW)
    client.force_login(student)
    html = client.get(course.get_absolute_url()).content.decode()
    # 3 lessons + 4 quizzes; a lesson completed and two quizzes handed in.
    assert '<progress max="7" value="3"' in html
    assert "3 of 7 steps done" in html
    assert "Course progress: 1 of 3 lessons completed, 2 of 4 quizzes handed in" in html
    assert html.count("progress-chart__quiz ") == 4


def test_resume_goes_to_the_attempt_in_progress_first(client, course_setup):
    course, lessons, quizzes, final, student = course_setup
    open_attempt = attempt(quizzes[1], student, Attempt.State.IN_PROGRESS)
    client.force_login(student)
    page = client.get(course.get_absolute_url()).content.decode()
    assert f'data-testid="resume" href="{open_attempt.get_absolute_url()}"' in page
    home = client.get(reverse("home")).content.decode()
    assert f'href="{open_attempt.get_absolute_url()}"' in home
    assert "Resume where I left off" in home


def test_resume_without_an_attempt_walks_lessons_then_their_quizzes(
    client, course_setup
):
    course, lessons, quizzes, final, student = course_setup
    client.force_login(student)

    def resume() -> str:
        html = client.get(course.get_absolute_url()).content.decode()
        if 'data-testid="resume"' not in html:
            return ""
        return html.split('data-testid="resume" href="', 1)[1].split('"', 1)[0]

    assert resume() == lessons[0].get_absolute_url()
    LessonCompletionFactory(user=student, lesson=lessons[0])
    assert resume() == quizzes[0].get_absolute_url()
    attempt(quizzes[0], student, Attempt.State.GRADED, 90)
    assert resume() == lessons[1].get_absolute_url()
    for lesson, quiz in zip(lessons[1:], quizzes[1:], strict=True):
        LessonCompletionFactory(user=student, lesson=lesson)
        attempt(quiz, student, Attempt.State.GRADED, 90)
    assert resume() == final.get_absolute_url()
    attempt(final, student, Attempt.State.GRADED, 90)
    assert resume() == ""


def test_lesson_page_ends_with_its_quiz_and_the_last_lesson_leads_to_the_final(
    client, course_setup
):
    course, lessons, quizzes, final, student = course_setup
    attempt(quizzes[0], student, Attempt.State.GRADED, 70)
    client.force_login(student)
    first = client.get(lessons[0].get_absolute_url()).content.decode()
    tail = first[first.index('id="lesson-quizzes-heading"') :]
    assert quizzes[0].title in tail
    assert "Best grade 70.0%" in tail
    assert "Take the quiz again" in tail
    assert 'class="pager"' in tail
    last = client.get(lessons[2].get_absolute_url()).content.decode()
    assert f'href="{quizzes[2].get_absolute_url()}">Take the quiz' in last
    pager = last[last.index('class="pager"') :]
    assert f'href="{final.get_absolute_url()}"' in pager


def test_the_lesson_quiz_link_continues_an_open_attempt(client, course_setup):
    course, lessons, quizzes, final, student = course_setup
    open_attempt = attempt(quizzes[0], student, Attempt.State.IN_PROGRESS)
    client.force_login(student)
    html = client.get(lessons[0].get_absolute_url()).content.decode()
    assert f'href="{open_attempt.get_absolute_url()}">Continue the quiz' in html


def test_visitors_see_quizzes_on_the_course_page_without_a_state(client, course_setup):
    course, lessons, quizzes, final, student = course_setup
    html = client.get(course.get_absolute_url()).content.decode()
    assert final.title in html
    assert "Not started" not in html


def test_unpublished_quizzes_stay_hidden_from_students(client, course_setup):
    course, lessons, quizzes, final, student = course_setup
    Quiz.objects.filter(pk=final.pk).update(published=False)
    client.force_login(student)
    html = client.get(course.get_absolute_url()).content.decode()
    assert final.title not in html
    assert '<progress max="6"' in html


def test_quiz_lists_sort_naturally():
    course = CourseFactory()
    for n in (10, 2, 1):
        QuizWithoutLessonFactory(course=course, title=f"Lesson {n} quiz")
    titles = list(
        Quiz.objects.filter(course=course)
        .order_by("title")
        .values_list("title", flat=True)
    )
    assert titles == ["Lesson 1 quiz", "Lesson 2 quiz", "Lesson 10 quiz"]


def test_quiz_menus_of_instructors_sort_naturally(client):
    from teaching import selectors
    from tests.helpers.factories import cohort_with

    cohort, instructor, _ = cohort_with()
    for n in (10, 2):
        QuizWithoutLessonFactory(course=cohort.course, title=f"Lesson {n} quiz")
    titles = [quiz.title for quiz in selectors.assignable_quizzes(cohort)]
    assert titles == ["Lesson 2 quiz", "Lesson 10 quiz"]
    client.force_login(instructor)
    form = client.get(
        reverse("instructor:assignment-create", args=[cohort.pk])
    ).content.decode()
    assert form.index("Lesson 2 quiz") < form.index("Lesson 10 quiz")
