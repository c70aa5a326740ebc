"""A burst of submits is allocated by one run: the waiting attempts, the later tasks."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from peerreview import services, tasks
from peerreview.models import ReviewAssignment, Submission, WaitingAttempt
from tests.accounts.factories import UserFactory
from tests.peerreview.factories import peer_quiz, submit


def _burst(size: int, k: int = 2):
    quiz, question = peer_quiz(k=k)
    attempts = [
        submit(quiz, question, student).attempt_id
        for student in UserFactory.create_batch(size)
    ]
    return quiz, attempts


@pytest.mark.django_db
def test_grading_marks_the_attempt_waiting_for_allocation():
    quiz, attempts = _burst(2)
    assert set(
        WaitingAttempt.objects.filter(quiz=quiz).values_list("attempt_id", flat=True)
    ) == set(attempts)


@pytest.mark.django_db
def test_the_first_task_of_a_burst_allocates_every_waiting_attempt():
    quiz, attempts = _burst(6, k=2)

    done = tasks.allocate_reviews(quiz.pk, [attempts[0]])

    assert done == {"registered": 6, "assigned": 12}
    assert not WaitingAttempt.objects.exists()
    assert set(Submission.objects.values_list("assigned", "to_give")) == {(2, 2)}


@pytest.mark.django_db
def test_the_later_tasks_of_a_burst_stop_after_one_query(django_assert_num_queries):
    quiz, attempts = _burst(5, k=2)
    tasks.allocate_reviews(quiz.pk, [attempts[0]])
    reviews = ReviewAssignment.objects.count()
    for attempt_id in attempts[1:]:
        with django_assert_num_queries(1):
            done = tasks.allocate_reviews(quiz.pk, [attempt_id])
        assert done == {"registered": 0, "assigned": 0}
    assert ReviewAssignment.objects.count() == reviews


@pytest.mark.django_db
def test_a_run_finding_its_attempt_taken_under_the_lock_writes_nothing():
    # A task that saw the attempt waiting, then queued behind the run that took it.
    quiz, attempts = _burst(3, k=2)
    tasks.allocate_reviews(quiz.pk, [attempts[0]])
    WaitingAttempt.objects.create(quiz=quiz, attempt_id=attempts[1])
    reviews = ReviewAssignment.objects.count()

    done = services.allocate_reviews(quiz_id=quiz.pk, attempt_ids=[attempts[1]])

    assert (done.registered, done.assigned) == (0, 0)
    assert ReviewAssignment.objects.count() == reviews
    assert not WaitingAttempt.objects.exists()


def _queries_of_the_first_run(size: int) -> int:
    quiz, attempts = _burst(size, k=2)
    with CaptureQueriesContext(connection) as queries:
        done = tasks.allocate_reviews(quiz.pk, [attempts[0]])
    assert done["assigned"] == 2 * size
    return len(queries)


@pytest.mark.django_db
def test_the_run_allocating_a_burst_takes_the_same_queries_at_two_sizes():
    assert _queries_of_the_first_run(4) == _queries_of_the_first_run(12)
