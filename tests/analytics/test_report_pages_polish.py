"""Report pages read well: site table styles, whole-word titles, a warning on few attempts."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from analytics import services as report_services
from analytics.models import QuizStatistics
from tests.accounts.factories import UserFactory
from tests.helpers.factories import (
    QuizFactory,
    graded_attempt,
    single_choice,
    taught_cohort,
)

pytestmark = pytest.mark.django_db

LONG_PROMPT = (
    "Which of the following best describes the main reason receiving countries "
    "hesitate to expand legal labour migration pathways despite shortages?"
)


def _quiz_with_attempts(count: int):
    quiz = QuizFactory()
    question, choices = single_choice(quiz, position=1)
    question.name = ""
    question.prompt = LONG_PROMPT
    question.save()
    students = [UserFactory() for _ in range(count)]
    _cohort, instructor = taught_cohort(quiz.course, students=students)
    for student in students:
        graded_attempt(quiz, student, {question: {"choice": choices[0].id}})
    return quiz, instructor


def _statistics_html(client, quiz, instructor) -> str:
    client.force_login(instructor)
    url = reverse("reports:quiz-statistics", kwargs={"pk": quiz.pk})
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_statistics_from_few_attempts_say_they_are_not_yet_meaningful(client):
    quiz, instructor = _quiz_with_attempts(2)
    html = _statistics_html(client, quiz, instructor)
    assert "statistics-too-few" in html
    assert "are not yet meaningful" in html
    assert "fewer than 10 attempts" in html


def test_statistics_from_ten_attempts_carry_no_warning(client):
    quiz, instructor = _quiz_with_attempts(2)
    report_services.refresh_quiz_statistics(quiz_id=quiz.pk, which="first")
    QuizStatistics.objects.filter(quiz=quiz).update(
        attempt_count=10, computed_at=timezone.now()
    )
    html = _statistics_html(client, quiz, instructor)
    assert "statistics-too-few" not in html
    assert "not yet meaningful" not in html


def test_statistics_tables_use_the_site_styles_and_whole_word_labels(client):
    quiz, instructor = _quiz_with_attempts(2)
    html = _statistics_html(client, quiz, instructor)
    assert 'class="table question-stats"' in html
    assert 'class="table choice-counts"' in html
    label = QuizStatistics.objects.get(quiz=quiz, which="first").data["questions"][0][
        "label"
    ]
    assert label.endswith("…")
    words = label.removesuffix("…").split()
    assert words == LONG_PROMPT.split()[: len(words)]


def test_reports_index_and_regrade_use_the_site_table_styles(client):
    quiz, instructor = _quiz_with_attempts(1)
    client.force_login(instructor)
    index = client.get(reverse("reports:index")).content.decode()
    assert 'class="table reports-quizzes"' in index
    # Change the key so the dry run has a row to show.
    question = quiz.questions.get()
    first, second = question.choices.order_by("position", "id")[:2]
    first.credit, second.credit = second.credit, first.credit
    first.save()
    second.save()
    regrade = client.get(
        reverse("reports:quiz-regrade", kwargs={"pk": quiz.pk})
    ).content.decode()
    assert 'class="table regrade-preview"' in regrade
