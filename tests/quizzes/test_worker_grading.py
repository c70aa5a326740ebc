"""Grading through the real path: Redis carries the task to a worker subprocess."""

import threading
import time

import pytest
from django.db import connections

from quizzes import services
from quizzes.models import Attempt, Response
from quizzes.tasks import sweep_attempts
from tests.accounts.factories import UserFactory
from tests.quizzes.factories import QuizFactory, make_single_choice, make_true_false

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

TIMEOUT = 30


def _wait_for(predicate, *, timeout=TIMEOUT, message="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {message}")


def _answered_attempt():
    quiz = QuizFactory()
    question = make_single_choice(quiz)
    make_true_false(quiz)
    attempt, _ = services.start_attempt(quiz=quiz, student=UserFactory())
    right = question.choices.order_by("-credit").first()
    services.save_responses(
        attempt=attempt, answers={question.pk: {"choice": right.pk}}
    )
    return attempt


def _submitted_attempt():
    attempt = _answered_attempt()
    # Outside a test transaction on_commit fires at once: the task goes to Redis now.
    services.submit_attempt(attempt=attempt)
    return attempt


def _state(attempt_id):
    return Attempt.objects.values_list("state", flat=True).get(pk=attempt_id)


def test_a_real_worker_grades_a_submitted_attempt(celery_worker_proc):
    attempt = _submitted_attempt()

    _wait_for(lambda: _state(attempt.pk) == Attempt.State.GRADED, message="grading")

    attempt.refresh_from_db()
    # One question right out of two, each worth a point.
    assert (attempt.score, attempt.max_score) == (1, 2)
    assert Response.objects.filter(attempt=attempt).count() == 2
    assert not Response.objects.filter(attempt=attempt, score__isnull=True).exists()


def _hold_response_locks(attempt_id, locked, release):
    """Lock the attempt's responses in another connection: the worker blocks mid-task."""
    from django.db import transaction

    try:
        with transaction.atomic():
            list(
                Response.objects.select_for_update()
                .filter(attempt_id=attempt_id)
                .order_by("pk")
            )
            locked.set()
            release.wait(TIMEOUT)
    finally:
        connections.close_all()


def _worker_waits_on_lock():
    with connections["default"].cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE wait_event_type = 'Lock' AND query ILIKE %s",
            ["INSERT INTO%quizzes_response%"],
        )
        return cursor.fetchone()[0] > 0


def test_worker_killed_mid_grading_grades_exactly_once_after_restart(
    celery_worker_proc,
):
    attempt = _answered_attempt()
    locked, release = threading.Event(), threading.Event()
    holder = threading.Thread(
        target=_hold_response_locks, args=(attempt.pk, locked, release)
    )
    holder.start()
    assert locked.wait(TIMEOUT)
    services.submit_attempt(attempt=attempt)
    # The worker has taken the message and sits inside grade_attempt, waiting on the lock.
    _wait_for(_worker_waits_on_lock, message="the worker to block writing responses")

    celery_worker_proc.kill()
    release.set()
    holder.join(TIMEOUT)
    assert _state(attempt.pk) == Attempt.State.SUBMITTED

    celery_worker_proc.restart()
    # The killed worker's message is unacknowledged; the sweep re-queues lost grading.
    sweep_attempts(stale_after_seconds=0)
    _wait_for(lambda: _state(attempt.pk) == Attempt.State.GRADED, message="regrading")

    attempt.refresh_from_db()
    graded_at = attempt.graded_at
    assert Response.objects.filter(attempt=attempt).count() == 2
    # A second delivery of the same message (Redis redelivers unacked work) changes nothing.
    sweep_attempts(stale_after_seconds=0)
    from quizzes.tasks import grade_attempt_task

    grade_attempt_task.delay(attempt.pk).get(timeout=TIMEOUT)
    attempt.refresh_from_db()
    assert attempt.graded_at == graded_at
    assert Response.objects.filter(attempt=attempt).count() == 2


def test_sweep_closes_attempts_whose_deadline_passed(celery_worker_proc):
    quiz = QuizFactory(time_limit_minutes=1)
    make_single_choice(quiz)
    from datetime import timedelta

    from django.utils import timezone

    attempt, _ = services.start_attempt(
        quiz=quiz, student=UserFactory(), now=timezone.now() - timedelta(minutes=5)
    )

    result = sweep_attempts()

    assert result["closed"] == 1
    attempt.refresh_from_db()
    assert attempt.submitted_at == attempt.deadline
    _wait_for(lambda: _state(attempt.pk) == Attempt.State.GRADED, message="grading")
