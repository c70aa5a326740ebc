"""The quiz page caches what is the same for every reader and nothing else: an edit of
the quiz, its questions, lesson or course shows on the next page, and nothing of one
reader (rules, grade, attempts, e-mail, links) shows on another's page."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from quizzes.cache import cached_quiz, forget_quizzes
from quizzes.models import Quiz
from tests.accounts.factories import InstructorFactory, UserFactory
from tests.helpers.factories import (
    AssignmentFactory,
    ExtensionFactory,
    cohort_with,
    finished_attempt,
)
from tests.quizzes.factories import QuizFactory, make_short_answer, make_single_choice

pytestmark = pytest.mark.django_db


@pytest.fixture
def quiz():
    quiz = QuizFactory(title="Borders and rights")
    make_single_choice(quiz)
    return quiz


def _page(client, quiz) -> str:
    response = client.get(reverse("quizzes:intro", args=[quiz.pk]))
    assert response.status_code == 200
    return response.content.decode()


def _question_count(page: str) -> int:
    return int(re.search(r"Questions</dt>\s*<dd>(\d+)</dd>", page).group(1))


def test_the_version_changes_with_anything_the_page_shows_of_the_quiz(quiz):
    first = cached_quiz(quiz.pk).version
    forget_quizzes([quiz.pk])
    assert cached_quiz(quiz.pk).version == first, "same rows, same version"

    seen = {first}

    def rename(row, title):
        row.title = title
        row.save()

    for edit in (
        lambda: rename(Quiz.objects.get(pk=quiz.pk), "Remittances"),
        lambda: make_short_answer(quiz),
        lambda: rename(quiz.lesson, "Security versus human rights"),
        lambda: rename(quiz.course, "Global migration"),
    ):
        before = cached_quiz(quiz.pk).version
        edit()
        after = cached_quiz(quiz.pk).version
        assert after != before
        seen.add(after)
    assert len(seen) == 5


def test_an_edit_of_the_quizs_terms_shows_on_the_next_page(student_client, quiz):
    page = _page(student_client, quiz)
    assert "By highest grade; 60% to pass" in page
    assert _question_count(page) == 1

    quiz.refresh_from_db()
    quiz.pass_mark = Decimal("75")
    quiz.grading_method = Quiz.GradingMethod.AVERAGE
    quiz.review_after_close = Quiz.ReviewLevel.SCORE
    quiz.instructions = "Read the lesson on remittances first."
    quiz.save()
    make_short_answer(quiz)

    page = _page(student_client, quiz)
    assert "By average grade; 75% to pass" in page
    assert "Read the lesson on remittances first." in page
    assert "Score only" in page
    assert _question_count(page) == 2


def test_each_student_sees_their_own_rules_grade_and_attempts(client, quiz):
    now = timezone.now()
    cohort, _, (assigned,) = cohort_with(students=1, course=quiz.course)
    AssignmentFactory(cohort=cohort, quiz=quiz, attempts_allowed=3)
    finished_attempt(quiz, assigned, at=now - timedelta(days=1), percent=80)
    outsider = UserFactory()

    client.force_login(assigned)
    mine = _page(client, quiz)
    client.force_login(outsider)
    theirs = _page(client, quiz)
    client.force_login(assigned)
    mine_again = _page(client, quiz)

    assert "2 of 3 left" in mine and "80.0%" in mine
    assert "Result of attempt 1" in mine and assigned.email in mine
    assert "2 of 3 left" not in theirs and "80.0%" not in theirs
    assert "Result of attempt 1" not in theirs and assigned.email not in theirs
    assert "This quiz is set for its assigned cohorts only." in theirs
    assert outsider.email in theirs and outsider.email not in mine_again
    # The same fragments served both; the reader's parts are the reader's own.
    assert "Borders and rights" in theirs and "Borders and rights" in mine_again
    assert "2 of 3 left" in mine_again


def test_the_header_shows_each_reader_their_own_links(client, quiz):
    student, instructor = UserFactory(), InstructorFactory()

    client.force_login(student)
    as_student = _page(client, quiz)
    client.force_login(instructor)
    as_instructor = _page(client, quiz)
    client.logout()
    anonymous = client.get(reverse("courses:catalogue")).content.decode()

    instructor_link = f'href="{reverse("instructor:dashboard")}"'
    assert student.email in as_student and instructor_link not in as_student
    assert instructor.email in as_instructor and instructor_link in as_instructor
    assert student.email not in as_instructor
    assert "Log out" in as_student and "Log out" not in anonymous
    assert f'href="{reverse("accounts:login")}"' in anonymous
    assert f'href="{reverse("grades")}"' not in anonymous


def test_the_header_marks_the_page_it_is_on(student_client, quiz):
    def current(url: str) -> list[str]:
        page = student_client.get(url).content.decode()
        header = page[page.index("<header") : page.index("</header>")]
        return re.findall(r'href="([^"]+)" aria-current="page"', header)

    assert current(reverse("quizzes:intro", args=[quiz.pk])) == []
    assert current(reverse("grades")) == [reverse("grades")]
    assert current(reverse("courses:catalogue")) == [reverse("courses:catalogue")]
    assert current(reverse("quizzes:intro", args=[quiz.pk])) == []


def _rules(page: str) -> str:
    return page[page.index('id="rules-heading"') : page.index("</section>")]


def test_the_rules_are_shared_only_by_readers_under_the_same_rules(client, quiz):
    now = timezone.now()
    cohort, _, (first, second) = cohort_with(students=2, course=quiz.course)
    assignment = AssignmentFactory(
        cohort=cohort, quiz=quiz, attempts_allowed=3, due_at=now + timedelta(days=7)
    )
    finished_attempt(quiz, first, at=now - timedelta(days=1), percent=80)

    def rules_of(student) -> str:
        client.force_login(student)
        return _rules(_page(client, quiz))

    assert "2 of 3 left" in rules_of(first)
    assert "3 of 3 left" in rules_of(second)
    first.timezone = "Asia/Tokyo"
    first.save()
    assert "Asia/Tokyo" in rules_of(first) and "Asia/Tokyo" not in rules_of(second)

    # An extension changes one student's rules: their next page shows it, no one else's.
    ExtensionFactory(
        assignment=assignment, student=second, due_at=now + timedelta(days=21)
    )
    later = (now + timedelta(days=21)).strftime("%Y-%m-%dT%H:%M")
    assert later in rules_of(second)
    assert later not in rules_of(first)


def test_the_grade_shown_is_the_readers_own(client, quiz):
    now = timezone.now()
    first, second = UserFactory(), UserFactory()
    finished_attempt(quiz, first, at=now - timedelta(days=1), percent=80)
    finished_attempt(quiz, second, at=now - timedelta(days=1), percent=40)

    client.force_login(first)
    assert "<strong>80.0%</strong>" in _page(client, quiz)
    client.force_login(second)
    page = _page(client, quiz)
    assert "<strong>40.0%</strong>" in page and "80.0%" not in page
