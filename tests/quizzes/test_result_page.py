"""What a result page shows at review: real worth, readable keys, a summary table."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from quizzes import services
from quizzes.models import Quiz
from quizzes.templatetags.quiz_tags import _readable_pattern
from tests.quizzes.factories import (
    QuestionFactory,
    QuizFactory,
    make_allocation,
    make_multiple_response,
    make_quiz_with_every_kind,
    make_single_choice,
)

pytestmark = pytest.mark.django_db


def _reviewed(client, student, quiz, answers) -> str:
    attempt, _ = services.start_attempt(quiz=quiz, student=student)
    services.submit_attempt(attempt=attempt, answers=answers)
    services.grade_attempt(attempt_id=attempt.pk)
    return client.get(reverse("quizzes:result", args=[attempt.pk])).content.decode()


@pytest.mark.parametrize(
    ("pattern", "readable"),
    [
        ("*countr* of origin*", "…countr… of origin…"),
        ("*origin countr*", "…origin countr…"),
        ("the state", "the state"),
        ("no * one", "no … one"),
    ],
)
def test_short_answer_patterns_read_as_words(pattern, readable):
    assert _readable_pattern(pattern) == readable


def test_a_short_answer_key_shows_words_and_says_what_the_dots_mean(
    student_client, student
):
    quiz = QuizFactory(review_immediately=Quiz.ReviewLevel.ANSWERS)
    question = QuestionFactory(
        quiz=quiz,
        data={
            "answers": [{"text": "*countr* of origin*", "credit": 1, "feedback": ""}],
            "feedback_wrong": "",
        },
    )
    html = _reviewed(student_client, student, quiz, {question.id: {"text": "x"}})
    assert "*countr*" not in html
    assert "…countr… of origin…" in html
    assert "stands for any text" in html


def test_credits_are_rounded_and_a_wrong_tick_is_explained(student_client, student):
    quiz = QuizFactory(review_immediately=Quiz.ReviewLevel.ANSWERS)
    single = make_single_choice(quiz, position=0)
    single.choices.filter(credit=0).update(credit=Decimal("0.33334"))
    multiple = make_multiple_response(quiz, position=1)
    right = single.choices.get(credit=1)
    moon = multiple.choices.get(text="Moon phases")
    html = _reviewed(
        student_client,
        student,
        quiz,
        {
            single.id: {"choice": right.id},
            multiple.id: {"choices": [moon.id]},
        },
    )
    assert "0.33334" not in html and "(credit 0.33)" in html
    assert "Remittances (adds 50% of the points)" in html
    assert "Moon phases (a wrong tick: takes away 50% of the points)" in html
    assert "a wrong tick takes its share away" in html


def test_the_header_shows_what_a_question_with_a_justification_is_worth(
    student_client, student
):
    quiz = QuizFactory(review_immediately=Quiz.ReviewLevel.ANSWERS)
    question = make_allocation(quiz, points=Decimal("2"))
    attempt, _ = services.start_attempt(quiz=quiz, student=student)
    html = student_client.get(
        reverse("quizzes:attempt", args=[attempt.pk])
    ).content.decode()
    # 2 points for the allocation + 2 for the justification.
    assert re.search(r"\(points: 4\)", html), question


def test_a_long_result_starts_with_a_summary_linking_each_question(
    student_client, student
):
    quiz = make_quiz_with_every_kind(review_immediately=Quiz.ReviewLevel.ANSWERS)
    html = _reviewed(student_client, student, quiz, {})
    summary = html.split('class="table result-summary-table"')[1].split("</table>")[0]
    ids = list(quiz.questions.order_by("position").values_list("id", flat=True))
    links = re.findall(r'href="#question-(\d+)"', summary)
    assert [int(i) for i in links] == ids
    for qid in ids:
        assert f'id="question-{qid}"' in html
    # The summary comes first, before the first question's feedback.
    assert html.index("result-summary-table") < html.index('class="review-question"')


def test_a_short_result_has_no_summary_table(student_client, student):
    quiz = QuizFactory(review_immediately=Quiz.ReviewLevel.ANSWERS)
    make_single_choice(quiz)
    html = _reviewed(student_client, student, quiz, {})
    assert "result-summary-table" not in html
