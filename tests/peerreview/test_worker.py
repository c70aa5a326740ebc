"""The real path: students submit, grading runs on a Celery worker through Redis, the
engine's signal queues allocation, and the worker hands out the reviews."""

from __future__ import annotations

import time

import pytest

from peerreview.models import PeerNotice, ReviewAssignment
from quizzes import services as quiz_services
from tests.accounts.factories import UserFactory
from tests.peerreview.factories import PARTS, peer_quiz

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_submits_graded_on_the_worker_get_their_reviews(celery_worker_proc):
    quiz, question = peer_quiz(k=2)
    students = UserFactory.create_batch(3)
    for student in students:
        attempt, _created = quiz_services.start_attempt(quiz=quiz, student=student)
        # Submitting queues grading on commit; grading sends `attempts_scored`, whose
        # receiver queues allocation on the grading's commit.
        quiz_services.submit_attempt(
            attempt=attempt,
            answers={str(question.pk): {"position": 30, "justification": PARTS}},
        )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if ReviewAssignment.objects.count() == 6:
            break
        time.sleep(0.2)
    pairs = list(ReviewAssignment.objects.values_list("reviewer_id", "author_id"))
    assert len(pairs) == 6, (
        celery_worker_proc.log_tail()
        if hasattr(celery_worker_proc, "log_tail")
        else pairs
    )
    assert all(reviewer != author for reviewer, author in pairs)
    while time.monotonic() < deadline and PeerNotice.objects.filter(state="pending"):
        time.sleep(0.2)
    assert set(PeerNotice.objects.values_list("state", flat=True)) == {"sent"}
