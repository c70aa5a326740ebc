"""The result page: the tradeoff map of every option, and the class's spread on
tradeoff items once the answers are shown; the position itself scores nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from quizzes import presentation, services, spreads
from quizzes.models import Choice, Question, Quiz
from tests.accounts.factories import UserFactory
from tests.quizzes.factories import QuestionFactory, QuizFactory

pytestmark = pytest.mark.django_db

PARTS = {
    "value": "I put border security first, because a state that cannot check arrivals "
    "loses consent.",
    "gains": "Residents and lawful migrants gain trust in the system and faster, "
    "predictable decisions.",
    "costs": "People with valid claims bear longer waits, and border towns bear "
    "crowded reception centres.",
    "objection": "Rights advocates say screening delays harm refugees; funded fast "
    "tracks answer much of that.",
    "evidence": "Audits showing valid claims refused more often under tighter checks "
    "would change my view.",
}


def position_question(quiz: Quiz) -> Question:
    return QuestionFactory(
        quiz=quiz,
        kind=Question.Kind.TRADEOFF_POSITION,
        points=Decimal("1"),
        data={
            "scoring": 2,
            "left": "Border security",
            "right": "Migrants' rights",
            "range": [20, 80],
            "justification": {"points": 3, "rubric": "Argue it in five parts."},
        },
    )


def scenario_question(quiz: Quiz) -> Question:
    question = QuestionFactory(
        quiz=quiz, kind=Question.Kind.SINGLE_CHOICE, data={}, name="Scenario: x"
    )
    for n, credit in enumerate((1, 0.5, 0.5)):
        Choice.objects.create(
            question=question,
            position=n,
            text=f"Option {n}",
            credit=Decimal(str(credit)),
            feedback=f"feedback {n}",
            feedback_gains=f"gains {n}",
            feedback_costs=f"costs {n}",
            feedback_objection=f"objection {n}",
        )
    return question


def finish(quiz, question, position, student=None):
    student = student or UserFactory()
    attempt, _ = services.start_attempt(quiz=quiz, student=student)
    answer = {"position": position, "justification": PARTS}
    services.submit_attempt(attempt=attempt, answers={str(question.pk): answer})
    services.grade_attempt(attempt_id=attempt.pk)
    attempt.refresh_from_db()
    return attempt, student


def test_a_full_argument_earns_the_same_at_0_and_50():
    quiz = QuizFactory()
    question = position_question(quiz)

    at_0, _ = finish(quiz, question, 0)
    at_50, _ = finish(quiz, question, 50)

    scores = [a.responses.get().auto_score for a in (at_0, at_50)]
    assert scores == [Decimal("1.000"), Decimal("1.000")]
    assert at_0.state == at_50.state == "needs_review"


def test_the_tradeoff_map_shows_every_option_after_submitting_but_no_credit(client):
    quiz = QuizFactory(review_immediately=Quiz.ReviewLevel.FEEDBACK)
    question = scenario_question(quiz)
    student = UserFactory()
    attempt, _ = services.start_attempt(quiz=quiz, student=student)
    choice = question.choices.order_by("position").last()
    handle = presentation.handles_for(attempt).of(question.pk, choice.pk)
    services.submit_attempt(
        attempt=attempt,
        answers=presentation.answers_from_student(
            attempt, {str(question.pk): {"choice": handle}}
        ),
    )
    services.grade_attempt(attempt_id=attempt.pk)

    client.force_login(student)
    page = client.get(reverse("quizzes:result", args=[attempt.pk])).content.decode()

    assert "Tradeoff map" in page
    for n in range(3):
        for part in ("gains", "costs", "objection"):
            assert f"{part} {n}" in page
    assert "credit" not in page.split("Tradeoff map")[1].split("</table>")[0]


def test_the_class_spread_appears_once_the_answers_are_shown(client):
    quiz = QuizFactory(
        review_immediately=Quiz.ReviewLevel.FEEDBACK,
        review_while_open=Quiz.ReviewLevel.FEEDBACK,
        review_after_close=Quiz.ReviewLevel.ANSWERS,
        attempts_allowed=1,
    )
    question = position_question(quiz)
    for position in (10, 90, 95):
        finish(quiz, question, position)
    attempt, student = finish(quiz, question, 0)

    client.force_login(student)
    page = client.get(reverse("quizzes:result", args=[attempt.pk])).content.decode()

    assert "Where the class stood" in page
    assert "4 answers" in page
    assert "outside the defensible range" not in page


def test_the_spread_is_hidden_below_three_answers_and_is_one_query(
    django_assert_num_queries,
):
    quiz = QuizFactory()
    question = position_question(quiz)
    finish(quiz, question, 30)
    with django_assert_num_queries(1):
        assert spreads.class_spreads(quiz.pk, [question]) == {question.pk: None}
    for position in (70, 100, 0):
        finish(quiz, question, position)
    with django_assert_num_queries(1):
        spread = spreads.class_spreads(quiz.pk, [question])[question.pk]
    assert spread["answers"] == 4
    assert [b["count"] for b in spread["buckets"]] == [1, 1, 0, 1, 1]
