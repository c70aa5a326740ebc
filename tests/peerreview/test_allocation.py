"""Allocation in the database: on submit, idempotent, at the deadline, under 20 threads."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from peerreview import services
from peerreview.models import ReviewAssignment, Submission
from tests.accounts.factories import UserFactory
from tests.peerreview.factories import peer_quiz, submit


def _pairs(quiz):
    return list(
        ReviewAssignment.objects.filter(submission__question__quiz=quiz)
        .exclude(state=ReviewAssignment.State.EXPIRED)
        .values_list("reviewer_id", "submission__author_id")
    )


def _check(quiz, students, k, *, complete=True):
    pairs = _pairs(quiz)
    assert all(reviewer != author for reviewer, author in pairs)
    assert len(set(pairs)) == len(pairs)
    given_ = Counter(r for r, _a in pairs)
    received = Counter(a for _r, a in pairs)
    assert max(given_.values(), default=0) <= k
    if complete:
        want = min(k, len(students) - 1)
        assert all(given_[s.pk] == want for s in students)
        assert all(received[s.pk] == want for s in students)
    # The counters allocation keeps match the rows.
    for submission in Submission.objects.filter(question__quiz=quiz):
        assert submission.assigned == received[submission.author_id]
        assert submission.to_give == given_[submission.author_id]


@pytest.mark.django_db
def test_a_submit_gets_peers_answers_never_their_own_and_never_twice():
    quiz, question = peer_quiz(k=3)
    students = UserFactory.create_batch(6)
    for student in students:
        submit(quiz, question, student)
        services.allocate_reviews(quiz_id=quiz.pk)
    _check(quiz, students, 3)


@pytest.mark.django_db
def test_allocating_twice_assigns_nothing_more():
    quiz, question = peer_quiz(k=2)
    students = UserFactory.create_batch(4)
    for student in students:
        submit(quiz, question, student)
    first = services.allocate_reviews(quiz_id=quiz.pk)
    again = services.allocate_reviews(quiz_id=quiz.pk)
    assert (first.registered, first.assigned) == (4, 8)
    assert (again.registered, again.assigned) == (0, 0)
    _check(quiz, students, 2)


@pytest.mark.django_db
def test_a_quiz_without_peer_review_allocates_nothing():
    quiz, question = peer_quiz()
    quiz.peer_review.enabled = False
    quiz.peer_review.save()
    submit(quiz, question)
    submit(quiz, question)
    assert services.allocate_reviews(quiz_id=quiz.pk).assigned == 0
    assert not Submission.objects.exists()


@pytest.mark.django_db
def test_scoring_an_attempt_queues_allocation_after_commit(
    django_capture_on_commit_callbacks,
):
    quiz, question = peer_quiz()
    with django_capture_on_commit_callbacks() as callbacks:
        submit(quiz, question)
    names = [getattr(c, "__qualname__", "") for c in callbacks]
    assert any("allocate_on_scoring" in name for name in names), names


@pytest.mark.django_db
def test_at_the_deadline_missed_reviews_go_to_finished_students_then_the_instructor():
    quiz, question = peer_quiz(k=2)
    late, *others = students = UserFactory.create_batch(5)
    for student in students:
        submit(quiz, question, student)
    services.allocate_reviews(quiz_id=quiz.pk)
    for review in ReviewAssignment.objects.exclude(reviewer=late):
        services.submit_review(
            review_id=review.pk, reviewer=review.reviewer, levels=[2, 1]
        )
    after = quiz.peer_review.review_deadline + timedelta(minutes=1)

    swept = services.sweep_deadline(quiz_id=quiz.pk, now=after)

    assert swept["expired"] == 2
    assert swept["reassigned"] == 2
    assert ReviewAssignment.objects.filter(reviewer=late, state="expired").count() == 2
    again = ReviewAssignment.objects.filter(round=1)
    assert all(r.reviewer_id in {s.pk for s in others} for r in again)
    assert all(s.assigned == 2 for s in Submission.objects.all())
    # A second sweep finds nothing new; when the reassigned reviews are missed too,
    # their answers go to the instructor.
    assert services.sweep_deadline(quiz_id=quiz.pk, now=after)["reassigned"] == 0
    later = after + timedelta(hours=quiz.peer_review.grace_hours, minutes=1)
    swept = services.sweep_deadline(quiz_id=quiz.pk, now=later)
    assert swept["expired"] == 2
    assert Submission.objects.filter(needs_instructor=True).count() == len(
        {r.submission_id for r in again}
    )


@pytest.mark.django_db
def test_with_three_students_a_missed_review_goes_to_the_instructor():
    quiz, question = peer_quiz(k=2)
    students = UserFactory.create_batch(3)
    for student in students:
        submit(quiz, question, student)
    services.allocate_reviews(quiz_id=quiz.pk)
    for review in ReviewAssignment.objects.exclude(reviewer=students[2]):
        services.submit_review(
            review_id=review.pk, reviewer=review.reviewer, levels=[1, 1]
        )
    swept = services.sweep_deadline(
        quiz_id=quiz.pk, now=quiz.peer_review.review_deadline + timedelta(seconds=1)
    )
    # Both peers of the late student already reviewed each other: nobody is left.
    assert swept == {"expired": 2, "reassigned": 0, "to_instructor": 2}


@pytest.mark.django_db
def test_the_sweep_before_the_deadline_does_nothing():
    quiz, question = peer_quiz(k=1)
    submit(quiz, question)
    submit(quiz, question)
    services.allocate_reviews(quiz_id=quiz.pk)
    swept = services.sweep_deadline(quiz_id=quiz.pk, now=timezone.now())
    assert swept == {"expired": 0, "reassigned": 0, "to_instructor": 0}


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    batches=st.lists(st.integers(min_value=1, max_value=4), min_size=1, max_size=5),
    k=st.integers(min_value=1, max_value=4),
)
@pytest.mark.django_db
def test_random_cohorts_in_the_database_keep_the_rules(batches, k):
    from django.db import transaction

    sid = transaction.savepoint()
    try:
        quiz, question = peer_quiz(k=k)
        students = []
        for size in batches:
            for _ in range(size):
                student = UserFactory()
                students.append(student)
                submit(quiz, question, student)
            services.allocate_reviews(quiz_id=quiz.pk)
        _check(quiz, students, k, complete=False)
        services.sweep_deadline(
            quiz_id=quiz.pk, now=quiz.peer_review.review_deadline + timedelta(seconds=1)
        )
        received = Counter(a for _r, a in _pairs(quiz))
        want = min(k, len(students) - 1)
        stuck = set(
            Submission.objects.filter(
                question=question, needs_instructor=True
            ).values_list("author_id", flat=True)
        )
        for student in students:
            assert received[student.pk] == want or student.pk in stuck
    finally:
        transaction.savepoint_rollback(sid)


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_submits_allocate_each_review_once():
    quiz, question = peer_quiz(k=3)
    students = UserFactory.create_batch(20)
    barrier = threading.Barrier(20)
    errors: list[BaseException] = []

    def run(student):
        try:
            barrier.wait(timeout=30)
            submit(quiz, question, student)
            services.allocate_reviews(quiz_id=quiz.pk)
            services.allocate_reviews(quiz_id=quiz.pk)  # a redelivered task
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(s,)) for s in students]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    _check(quiz, students, 3)
