"""The e-mails: "you have N reviews waiting" and "your answer has been reviewed", each
exactly once, and none to a student who turned e-mails off."""

from __future__ import annotations

import pytest
from django.core import mail

from peerreview import notices, services
from peerreview.models import PeerNotice, ReviewAssignment, Submission
from tests.accounts.factories import UserFactory
from tests.peerreview.factories import peer_quiz, submit

pytestmark = pytest.mark.django_db


def test_reviews_waiting_is_sent_once_per_student_and_quiz(
    django_capture_on_commit_callbacks,
):
    quiz, question = peer_quiz(k=2)
    quiet, *others = students = UserFactory.create_batch(3)
    quiet.progress_emails = False
    quiet.save()
    for student in students:
        submit(quiz, question, student)
    with django_capture_on_commit_callbacks() as queued:
        services.allocate_reviews(quiz_id=quiz.pk)
    assert queued  # sending is queued after the commit
    services.allocate_reviews(quiz_id=quiz.pk)

    counts = notices.send_due_notices()
    again = notices.send_due_notices()

    assert counts == {"sent": 2, "skipped": 1, "failed": 0}
    assert again == {"sent": 0, "skipped": 0, "failed": 0}
    assert sorted(m.to[0] for m in mail.outbox) == sorted(s.email for s in others)
    assert all(m.subject == "You have 2 reviews waiting" for m in mail.outbox)
    assert PeerNotice.objects.get(user=quiet).state == "skipped"


def test_answer_reviewed_is_sent_once_when_its_reviews_are_in():
    quiz, question = peer_quiz(k=2)
    students = UserFactory.create_batch(3)
    for student in students:
        submit(quiz, question, student)
    services.allocate_reviews(quiz_id=quiz.pk)
    notices.send_due_notices()
    mail.outbox.clear()
    mine = Submission.objects.get(author=students[0])
    first, second = ReviewAssignment.objects.filter(submission=mine)
    services.submit_review(review_id=first.pk, reviewer=first.reviewer, levels=[1, 1])
    assert notices.send_due_notices()["sent"] == 0
    services.submit_review(review_id=second.pk, reviewer=second.reviewer, levels=[1, 1])
    notices.answer_reviewed(user_id=students[0].pk, submission_id=mine.pk)  # a repeat
    assert notices.send_due_notices()["sent"] == 1
    assert [(m.to, m.subject) for m in mail.outbox] == [
        ([students[0].email], "Your answer has been reviewed")
    ]
