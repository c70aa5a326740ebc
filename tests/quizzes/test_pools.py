"""Question pools: one question per pool per attempt, a retake sees another, grading and
the attempt page count only what was dealt."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest

from quizzes import pools, selectors, services
from quizzes.models import Attempt, Response
from tests.accounts.factories import UserFactory
from tests.quizzes.factories import QuizFactory, make_short_answer, make_single_choice


def test_draw_deals_one_question_per_pool_and_every_unpooled_one():
    dealt, skipped = pools.draw(
        [(1, ""), (2, "a"), (3, "a"), (4, ""), (5, "b"), (6, "b"), (7, "b")],
        set(),
        random.Random(1),
    )

    assert len(dealt) == 4 and {1, 4} <= set(dealt)
    assert len({2, 3} & set(dealt)) == 1 and len({5, 6, 7} & set(dealt)) == 1
    assert sorted(dealt + skipped) == list(range(1, 8))


def test_draw_prefers_questions_not_seen_and_repeats_once_all_are_seen():
    for seed in range(20):
        dealt, _ = pools.draw([(1, "a"), (2, "a")], {1}, random.Random(seed))
        assert dealt == [2]
    seen_all = {
        pools.draw([(1, "a"), (2, "a")], {1, 2}, random.Random(s))[0][0]
        for s in range(40)
    }
    assert seen_all == {1, 2}


@pytest.fixture
def pooled_quiz(db):
    quiz = QuizFactory(attempts_allowed=3, shuffle_questions=True)
    plain = make_short_answer(quiz, points=Decimal("1"))
    first = make_single_choice(quiz, pool="case", points=Decimal("2"))
    second = make_single_choice(quiz, pool="case", points=Decimal("2"))
    return quiz, plain, first, second


def test_an_attempt_holds_one_question_of_the_pool_and_is_worth_only_what_it_holds(
    pooled_quiz,
):
    quiz, plain, first, second = pooled_quiz
    student = UserFactory()

    attempt, _ = services.start_attempt(quiz=quiz, student=student)

    dealt = attempt.layout["questions"]
    assert len(dealt) == 2 and plain.pk in dealt
    assert len({first.pk, second.pk} & set(dealt)) == 1
    assert attempt.max_score == Decimal("3")
    assert set(
        Response.objects.filter(attempt=attempt).values_list("question_id", flat=True)
    ) == set(dealt)
    attempt = selectors.attempt_for_owner(attempt_id=attempt.pk, user=student)
    assert [q.pk for q in selectors.ordered_questions(attempt)] == dealt


def test_a_retake_sees_the_other_question_of_the_pool(pooled_quiz):
    quiz, _plain, first, second = pooled_quiz
    student = UserFactory()
    seen = []
    for _ in range(2):
        attempt, _ = services.start_attempt(quiz=quiz, student=student)
        seen += [q for q in attempt.layout["questions"] if q in (first.pk, second.pk)]
        services.submit_attempt(attempt=attempt, answers={})

    assert sorted(seen) == sorted([first.pk, second.pk])


def test_grading_scores_only_the_dealt_questions_in_a_batch(pooled_quiz):
    quiz, plain, first, second = pooled_quiz
    attempts = []
    for _ in range(4):
        attempt, _ = services.start_attempt(quiz=quiz, student=UserFactory())
        answers = {str(plain.pk): {"text": "the state"}}
        services.submit_attempt(attempt=attempt, answers=answers)
        attempts.append(attempt)

    services.grade_submitted(attempt_id=attempts[0].pk, batch=10)

    for attempt in Attempt.objects.filter(pk__in=[a.pk for a in attempts]):
        assert attempt.state == Attempt.State.GRADED
        assert attempt.max_score == Decimal("3")
        assert attempt.score == Decimal("1")
        scored = set(attempt.responses.values_list("question_id", flat=True))
        assert scored == set(attempt.layout["questions"])


def test_a_quiz_counts_a_pool_once_in_its_number_of_questions(pooled_quiz):
    from quizzes.models import Quiz

    quiz = pooled_quiz[0]

    assert Quiz.objects.with_question_count().get(pk=quiz.pk).question_count == 2
