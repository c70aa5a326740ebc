"""Grading in batches: one task grades the waiting attempts of its quiz, once each."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from quizzes import services
from quizzes.models import Attempt, Response
from quizzes.services.marking import GRADE_BATCH
from quizzes.tasks import grade_attempt_task
from tests.accounts.factories import UserFactory
from tests.quizzes.factories import QuizFactory, make_short_answer, make_single_choice


def _quiz():
    quiz = QuizFactory()
    make_single_choice(quiz)
    make_short_answer(quiz)
    return quiz


def _submitted(quiz, count: int) -> list[Attempt]:
    """`count` students' attempts, each with the right choice, submitted."""
    choice_question = quiz.questions.get(kind="single_choice")
    right = choice_question.choices.get(credit=1)
    attempts = []
    for _ in range(count):
        attempt, _created = services.start_attempt(quiz=quiz, student=UserFactory())
        services.submit_attempt(
            attempt=attempt, answers={choice_question.id: {"choice": right.id}}
        )
        attempts.append(attempt)
    return attempts


def _states(attempts) -> list[str]:
    return list(
        Attempt.objects.filter(pk__in=[a.pk for a in attempts])
        .order_by("pk")
        .values_list("state", flat=True)
    )


@pytest.mark.django_db
def test_one_task_grades_the_other_waiting_attempts_of_its_quiz_only():
    quiz = _quiz()
    mine, *others = _submitted(quiz, 4)
    elsewhere = _submitted(_quiz(), 2)
    in_progress, _ = services.start_attempt(quiz=quiz, student=UserFactory())

    assert grade_attempt_task(mine.pk) == Attempt.State.GRADED

    assert _states([mine, *others]) == [Attempt.State.GRADED] * 4
    assert _states(elsewhere) == [Attempt.State.SUBMITTED] * 2
    assert _states([in_progress]) == [Attempt.State.IN_PROGRESS]
    # Each graded attempt has its own score: the right choice, nothing for the blank text.
    for attempt in Attempt.objects.filter(pk__in=[mine.pk, *[a.pk for a in others]]):
        assert attempt.score == Decimal("1.000")
        assert attempt.max_score == Decimal("2.000")
        assert attempt.responses.count() == 2


@pytest.mark.django_db
def test_a_batch_stops_at_its_size_and_the_rest_wait_for_their_own_tasks():
    quiz = _quiz()
    attempts = _submitted(quiz, 5)

    state, graded = services.grade_submitted(attempt_id=attempts[0].pk, batch=3)

    assert state == Attempt.State.GRADED
    assert len(graded) == 3
    assert _states(attempts).count(Attempt.State.GRADED) == 3
    assert attempts[0].pk in {a.pk for a in graded}


@pytest.mark.django_db
def test_the_task_of_an_attempt_a_batch_already_graded_is_one_read():
    quiz = _quiz()
    first, second = _submitted(quiz, 2)
    grade_attempt_task(first.pk)
    graded_at = Attempt.objects.get(pk=second.pk).graded_at

    with CaptureQueriesContext(connection) as queries:
        assert grade_attempt_task(second.pk) == Attempt.State.GRADED

    assert len(queries) == 1
    assert Attempt.objects.get(pk=second.pk).graded_at == graded_at


def _grading_queries(waiting: int) -> int:
    attempts = _submitted(_quiz(), waiting)
    with CaptureQueriesContext(connection) as queries:
        grade_attempt_task(attempts[0].pk)
    assert _states(attempts) == [Attempt.State.GRADED] * waiting
    return len(queries)


@pytest.mark.django_db
def test_grading_a_batch_takes_the_same_queries_for_two_attempts_as_for_twenty():
    assert GRADE_BATCH >= 20
    assert _grading_queries(2) == _grading_queries(20)


@pytest.mark.django_db(transaction=True)
def test_a_batch_skips_an_attempt_another_transaction_holds():
    quiz = _quiz()
    mine, held, free = _submitted(quiz, 3)
    locked = threading.Event()
    release = threading.Event()

    def hold():
        try:
            with transaction.atomic():
                Attempt.objects.select_for_update().filter(pk=held.pk).order_by().get()
                locked.set()
                release.wait(timeout=30)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=1) as pool:
        holder = pool.submit(hold)
        assert locked.wait(timeout=30)
        try:
            state, graded = services.grade_submitted(attempt_id=mine.pk)
        finally:
            release.set()
        holder.result(timeout=30)

    assert state == Attempt.State.GRADED
    assert {a.pk for a in graded} == {mine.pk, free.pk}
    assert _states([held]) == [Attempt.State.SUBMITTED]
    # Its own task grades it once the other transaction is done.
    assert grade_attempt_task(held.pk) == Attempt.State.GRADED


@pytest.mark.django_db(transaction=True)
def test_two_workers_draining_one_queue_grade_every_attempt_once():
    quiz = _quiz()
    attempts = _submitted(quiz, 30)
    ids = [a.pk for a in attempts]
    barrier = threading.Barrier(2)

    def drain(half: list[int]) -> list[int]:
        try:
            barrier.wait(timeout=30)
            graded = []
            for attempt_id in half:
                graded += [
                    a.pk for a in services.grade_submitted(attempt_id=attempt_id)[1]
                ]
            return graded
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(drain, [ids[0::2], ids[1::2]]))

    graded = results[0] + results[1]
    assert sorted(graded) == sorted(ids)  # every attempt graded, none twice
    assert _states(attempts) == [Attempt.State.GRADED] * 30
    assert Response.objects.filter(attempt__in=ids).count() == 30 * 2


@pytest.mark.django_db
def test_a_question_added_after_the_attempt_started_is_graded_as_unanswered():
    quiz = _quiz()
    (attempt,) = _submitted(quiz, 1)
    added = make_single_choice(quiz, marker="added-")

    services.grade_submitted(attempt_id=attempt.pk)

    attempt.refresh_from_db()
    row = Response.objects.get(attempt=attempt, question=added)
    assert (row.answer, row.score, row.max_score) == (None, 0, added.points)
    assert row.graded_at is not None
    assert attempt.state == Attempt.State.GRADED
    assert attempt.max_score == sum(
        r.max_score for r in Response.objects.filter(attempt=attempt)
    )
    assert Response.objects.filter(attempt=attempt).count() == 3
