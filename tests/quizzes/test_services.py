"""Attempt services against PostgreSQL: the clock, the limits, idempotent submit and grading."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from decimal import Decimal
from threading import Barrier

import pytest
import redis
from django.conf import settings
from django.db import connection
from django.utils import timezone

from quizzes import selectors, services
from quizzes.errors import DeadlinePassed, NoAttemptsLeft
from quizzes.models import Attempt, Quiz, Response
from tests.accounts.factories import InstructorFactory, UserFactory
from tests.helpers.queries import captured_sql
from tests.quizzes.factories import (
    AttemptFactory,
    QuizFactory,
    make_essay,
    make_short_answer,
    make_single_choice,
)

THREADS = 20


def _timed_quiz(minutes: int = 10) -> Quiz:
    quiz = QuizFactory(time_limit_minutes=minutes)
    make_short_answer(quiz)
    return quiz


def _in_threads(work, count: int = THREADS) -> list:
    """Run work(i) in `count` threads released together; each closes its DB connection."""
    barrier = Barrier(count)

    def run(index):
        try:
            barrier.wait(timeout=30)
            return work(index)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=count) as pool:
        futures = [pool.submit(run, i) for i in range(count)]
        # result() re-raises a thread's exception in the test.
        return [future.result(timeout=120) for future in futures]


# --------------------------------------------------------------- the server's clock


@pytest.mark.django_db
def test_start_sets_the_deadline_from_the_time_limit():
    quiz = _timed_quiz(minutes=10)
    now = timezone.now()
    attempt, created = services.start_attempt(quiz=quiz, student=UserFactory(), now=now)
    assert created
    assert attempt.deadline == now + timedelta(minutes=10)


@pytest.mark.django_db
def test_a_save_after_the_deadline_is_refused():
    quiz = _timed_quiz()
    start = timezone.now()
    attempt, _ = services.start_attempt(quiz=quiz, student=UserFactory(), now=start)
    question = quiz.questions.get()
    with pytest.raises(DeadlinePassed):
        services.save_responses(
            attempt=attempt,
            answers={question.id: {"text": "too late"}},
            now=attempt.deadline + timedelta(seconds=1),
        )
    assert Response.objects.get(attempt=attempt).answer is None


@pytest.mark.django_db
def test_a_late_submit_is_closed_at_the_deadline_itself(
    django_capture_on_commit_callbacks,
):
    quiz = _timed_quiz()
    attempt, _ = services.start_attempt(quiz=quiz, student=UserFactory())
    question = quiz.questions.get()
    with django_capture_on_commit_callbacks() as callbacks:
        closed = services.submit_attempt(
            attempt=attempt,
            answers={question.id: {"text": "written after time"}},
            now=attempt.deadline + timedelta(minutes=7),
        )
    assert closed.state == Attempt.State.SUBMITTED
    assert closed.submitted_at == attempt.deadline
    # Answers sent after the deadline do not count.
    assert Response.objects.get(attempt=attempt).answer is None
    assert len(callbacks) == 1


@pytest.mark.django_db
def test_the_sweep_closes_an_expired_attempt_at_its_deadline():
    quiz = _timed_quiz()
    attempt, _ = services.start_attempt(quiz=quiz, student=UserFactory())
    closed = services.close_expired_attempt(
        attempt_id=attempt.pk, now=attempt.deadline + timedelta(hours=1)
    )
    assert closed.state == Attempt.State.SUBMITTED
    assert closed.submitted_at == attempt.deadline


# --------------------------------------------------------------- submit by the owner


@pytest.mark.django_db
def test_submitting_my_attempt_without_answers_locks_it_and_closes_it(
    django_capture_on_commit_callbacks,
):
    student = UserFactory()
    attempt, _ = services.start_attempt(quiz=_timed_quiz(), student=student)
    now = timezone.now()
    with django_capture_on_commit_callbacks() as callbacks:
        closed, statements = captured_sql(
            lambda: services.submit_own_attempt(
                attempt_id=attempt.pk, student=student, now=now
            )
        )
    work = [sql for sql in statements if "SAVEPOINT" not in sql]
    assert len(work) == 2
    assert work[0].startswith("SELECT") and work[0].endswith("FOR UPDATE")
    assert work[1].startswith("UPDATE")
    assert closed.pk == attempt.pk
    assert closed.state == Attempt.State.SUBMITTED
    assert closed.submitted_at == now
    assert Attempt.objects.get(pk=attempt.pk).submitted_at == now
    assert len(callbacks) == 1


@pytest.mark.django_db
def test_submitting_my_attempt_late_closes_it_at_the_deadline(
    django_capture_on_commit_callbacks,
):
    student = UserFactory()
    attempt, _ = services.start_attempt(quiz=_timed_quiz(), student=student)
    with django_capture_on_commit_callbacks() as callbacks:
        closed = services.submit_own_attempt(
            attempt_id=attempt.pk,
            student=student,
            now=attempt.deadline + timedelta(minutes=7),
        )
    assert closed.state == Attempt.State.SUBMITTED
    assert closed.submitted_at == attempt.deadline
    assert Attempt.objects.get(pk=attempt.pk).submitted_at == attempt.deadline
    assert len(callbacks) == 1


@pytest.mark.django_db
def test_submitting_my_attempt_twice_returns_it_unchanged_and_grades_once(
    django_capture_on_commit_callbacks,
):
    student = UserFactory()
    attempt, _ = services.start_attempt(quiz=_timed_quiz(), student=student)
    with django_capture_on_commit_callbacks() as callbacks:
        first = services.submit_own_attempt(attempt_id=attempt.pk, student=student)
        again = services.submit_own_attempt(
            attempt_id=attempt.pk,
            student=student,
            now=first.submitted_at + timedelta(minutes=1),
        )
    assert again.pk == first.pk
    assert again.state == Attempt.State.SUBMITTED
    assert again.submitted_at == first.submitted_at
    assert len(callbacks) == 1


@pytest.mark.django_db
@pytest.mark.parametrize("with_answers", [False, True])
def test_submitting_someone_elses_attempt_is_not_found_and_leaves_it(
    django_capture_on_commit_callbacks, with_answers
):
    quiz = _timed_quiz()
    attempt, _ = services.start_attempt(quiz=quiz, student=UserFactory())
    answers = {quiz.questions.get().id: {"text": "not mine"}} if with_answers else None
    with django_capture_on_commit_callbacks() as callbacks:
        with pytest.raises(Attempt.DoesNotExist):
            services.submit_own_attempt(
                attempt_id=attempt.pk, student=UserFactory(), answers=answers
            )
    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.IN_PROGRESS
    assert attempt.submitted_at is None
    assert Response.objects.get(attempt=attempt).answer is None
    assert callbacks == []


@pytest.mark.django_db
def test_submitting_a_missing_attempt_is_not_found():
    with pytest.raises(Attempt.DoesNotExist):
        services.submit_own_attempt(attempt_id=2**31 - 1, student=UserFactory())


@pytest.mark.django_db
def test_submitting_my_attempt_with_answers_saves_them_then_closes_it(
    django_capture_on_commit_callbacks,
):
    student = UserFactory()
    quiz = _timed_quiz()
    attempt, _ = services.start_attempt(quiz=quiz, student=student)
    question = quiz.questions.get()
    with django_capture_on_commit_callbacks() as callbacks:
        closed = services.submit_own_attempt(
            attempt_id=attempt.pk,
            student=student,
            answers={question.id: {"text": "in time"}},
        )
    assert closed.state == Attempt.State.SUBMITTED
    assert Response.objects.get(attempt=attempt).answer == {"text": "in time"}
    assert len(callbacks) == 1


# --------------------------------------------------------------- concurrency


def _finished(quiz, student, number):
    return AttemptFactory(
        quiz=quiz,
        student=student,
        number=number,
        state=Attempt.State.GRADED,
        submitted_at=timezone.now(),
        score=Decimal("1"),
        max_score=Decimal("1"),
    )


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_starts_make_one_attempt_within_the_limit():
    quiz = QuizFactory(attempts_allowed=3)
    make_short_answer(quiz)
    student = UserFactory()
    _finished(quiz, student, 1)
    _finished(quiz, student, 2)

    results = _in_threads(lambda i: services.start_attempt(quiz=quiz, student=student))

    assert Attempt.objects.filter(quiz=quiz, student=student).count() == 3
    assert sum(1 for _attempt, created in results if created) == 1
    assert {attempt.pk for attempt, _created in results} == {
        Attempt.objects.get(quiz=quiz, student=student, number=3).pk
    }


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_starts_with_no_attempts_left_all_refused():
    quiz = QuizFactory(attempts_allowed=2)
    make_short_answer(quiz)
    student = UserFactory()
    _finished(quiz, student, 1)
    _finished(quiz, student, 2)

    def start(_index):
        try:
            services.start_attempt(quiz=quiz, student=student)
        except NoAttemptsLeft:
            return "refused"
        return "started"

    assert _in_threads(start) == ["refused"] * THREADS
    assert Attempt.objects.filter(quiz=quiz, student=student).count() == 2


def _queued_messages() -> int:
    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    try:
        return client.llen("celery")
    finally:
        client.close()


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_submits_transition_and_enqueue_grading_once():
    quiz = QuizFactory()
    make_short_answer(quiz)
    attempt, _ = services.start_attempt(quiz=quiz, student=UserFactory())
    queued_before = _queued_messages()

    results = _in_threads(lambda i: services.submit_attempt(attempt=attempt))

    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.SUBMITTED
    # Every caller got the same submission back: one transition, one timestamp.
    assert {r.pk for r in results} == {attempt.pk}
    assert {r.submitted_at for r in results} == {attempt.submitted_at}
    # delay_on_commit ran after exactly one commit: one grading message on the broker.
    assert _queued_messages() - queued_before == 1


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_submits_by_the_owner_close_and_enqueue_grading_once():
    student = UserFactory()
    quiz = QuizFactory()
    make_short_answer(quiz)
    attempt, _ = services.start_attempt(quiz=quiz, student=student)
    queued_before = _queued_messages()

    results = _in_threads(
        lambda i: services.submit_own_attempt(attempt_id=attempt.pk, student=student)
    )

    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.SUBMITTED
    assert {r.pk for r in results} == {attempt.pk}
    assert {r.submitted_at for r in results} == {attempt.submitted_at}
    assert _queued_messages() - queued_before == 1


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_gradings_of_one_attempt_score_it_once():
    quiz = QuizFactory()
    question = make_single_choice(quiz)
    right = question.choices.get(credit=1)
    attempt, _ = services.start_attempt(quiz=quiz, student=UserFactory())
    services.submit_attempt(
        attempt=attempt, answers={question.id: {"choice": right.id}}
    )

    results = _in_threads(lambda i: services.grade_attempt(attempt_id=attempt.pk))

    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.GRADED
    assert attempt.score == Decimal("1")
    # The lock makes every later call see a graded attempt and leave it alone.
    assert {r.graded_at for r in results} == {attempt.graded_at}


# --------------------------------------------------------------- grades


@pytest.mark.parametrize(
    ("method", "expected"),
    [
        (Quiz.GradingMethod.HIGHEST, Decimal("80.0")),
        (Quiz.GradingMethod.AVERAGE, Decimal("60.0")),
        (Quiz.GradingMethod.FIRST, Decimal("40.0")),
        (Quiz.GradingMethod.LAST, Decimal("60.0")),
    ],
)
@pytest.mark.django_db
def test_the_quiz_grade_follows_its_grading_method(method, expected):
    quiz = QuizFactory(grading_method=method)
    student = UserFactory()
    for number, score in [(1, "4"), (2, "8"), (3, "6")]:
        AttemptFactory(
            quiz=quiz,
            student=student,
            number=number,
            state=Attempt.State.GRADED,
            submitted_at=timezone.now(),
            score=Decimal(score),
            max_score=Decimal("10"),
        )
    # An attempt still being graded does not count yet.
    AttemptFactory(
        quiz=quiz,
        student=student,
        number=4,
        state=Attempt.State.SUBMITTED,
        submitted_at=timezone.now(),
        max_score=Decimal("10"),
    )
    assert selectors.quiz_grade_for(student=student, quiz=quiz) == expected


@pytest.mark.django_db
def test_no_graded_attempt_means_no_grade():
    quiz = QuizFactory()
    assert selectors.quiz_grade_for(student=UserFactory(), quiz=quiz) is None


def _submitted(quiz, answers):
    attempt, _ = services.start_attempt(quiz=quiz, student=UserFactory())
    services.save_responses(attempt=attempt, answers=answers)
    return services.submit_attempt(attempt=attempt)


@pytest.mark.django_db
def test_grading_a_graded_attempt_changes_nothing():
    quiz = QuizFactory()
    question = make_single_choice(quiz)
    right = question.choices.get(credit=1)
    attempt = _submitted(quiz, {question.id: {"choice": right.id}})
    first = services.grade_attempt(attempt_id=attempt.pk)
    assert first.state == Attempt.State.GRADED
    assert first.score == Decimal("1")
    before = Attempt.objects.get(pk=attempt.pk)
    response_before = Response.objects.get(attempt=attempt)

    second = services.grade_attempt(
        attempt_id=attempt.pk, now=timezone.now() + timedelta(hours=1)
    )

    after = Attempt.objects.get(pk=attempt.pk)
    response_after = Response.objects.get(attempt=attempt)
    assert second.graded_at == before.graded_at
    assert (after.score, after.state, after.graded_at) == (
        before.score,
        before.state,
        before.graded_at,
    )
    assert (response_after.score, response_after.graded_at) == (
        response_before.score,
        response_before.graded_at,
    )


@pytest.mark.django_db
def test_an_essay_waits_for_review_then_the_attempt_is_graded():
    quiz = QuizFactory()
    choice_question = make_single_choice(quiz)
    essay = make_essay(quiz)
    right = choice_question.choices.get(credit=1)
    attempt = _submitted(
        quiz,
        {
            choice_question.id: {"choice": right.id},
            essay.id: {"text": "Both sides have a point."},
        },
    )
    graded = services.grade_attempt(attempt_id=attempt.pk)
    assert graded.state == Attempt.State.NEEDS_REVIEW
    essay_response = Response.objects.get(attempt=attempt, question=essay)
    assert essay_response.awaiting_manual

    services.score_response(
        response_id=essay_response.pk,
        grader=InstructorFactory(),
        score=Decimal("3"),
        comment="Good balance.",
    )

    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.GRADED
    assert attempt.score == Decimal("4")
    assert attempt.max_score == Decimal("5")


@pytest.mark.django_db
def test_starting_a_quiz_enrols_the_student_once():
    from courses.models import Enrollment

    quiz = QuizFactory()
    make_single_choice(quiz)
    student = UserFactory()

    attempt, _ = services.start_attempt(quiz=quiz, student=student)
    services.submit_attempt(attempt=attempt)
    services.start_attempt(quiz=quiz, student=student)

    assert Enrollment.objects.filter(user=student, course=quiz.course).count() == 1


@pytest.mark.django_db
def test_off_postgresql_my_submit_takes_the_locked_path(
    monkeypatch, django_capture_on_commit_callbacks
):
    # SQLite (the zero-setup run) has no UPDATE ... RETURNING path here: the ORM's.
    monkeypatch.setattr(connection, "vendor", "sqlite")
    student = UserFactory()
    attempt, _ = services.start_attempt(quiz=_timed_quiz(), student=student)
    now = timezone.now()
    with django_capture_on_commit_callbacks() as callbacks:
        closed, statements = captured_sql(
            lambda: services.submit_own_attempt(
                attempt_id=attempt.pk, student=student, now=now
            )
        )
    assert any("FOR UPDATE" in sql for sql in statements)
    assert closed.state == Attempt.State.SUBMITTED
    assert closed.submitted_at == now
    assert len(callbacks) == 1
    with pytest.raises(Attempt.DoesNotExist):
        services.submit_own_attempt(attempt_id=attempt.pk, student=UserFactory())
