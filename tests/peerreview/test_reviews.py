"""Calibration, writing a review, the weighted-median score, flags and the override."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from peerreview import services
from peerreview.models import CalibrationAttempt, Flag, PeerResult, ReviewAssignment
from quizzes.models import GradeAudit, Response
from tests.accounts.factories import InstructorFactory, UserFactory
from tests.peerreview.factories import example, peer_quiz, submit

pytestmark = pytest.mark.django_db


def _cohort(n=4, k=3, **kwargs):
    quiz, question = peer_quiz(k=k, **kwargs)
    students = UserFactory.create_batch(n)
    responses = [submit(quiz, question, s) for s in students]
    services.allocate_reviews(quiz_id=quiz.pk)
    return quiz, question, students, responses


def _reviews_of(response):
    return ReviewAssignment.objects.filter(submission__response=response).order_by("id")


def test_calibration_gives_a_weight_from_the_distance_to_the_instructor():
    quiz, question, (student, *_), _r = _cohort()
    first = example(question, levels=(2, 2), position=0)
    second = example(question, levels=(0, 0), position=1)

    services.calibrate(example_id=first.pk, student=student, levels=[2, 2])
    weight, pending = services.calibration_weight_for(
        student=student, question_id=question.pk
    )
    assert (weight, pending) == (1.0, True)
    services.calibrate(example_id=second.pk, student=student, levels=[1, 2])
    # Example 2 was 0.5 off on the first criterion and 1 off on the second: 0.75.
    weight, pending = services.calibration_weight_for(
        student=student, question_id=question.pk
    )
    assert (weight, pending) == (pytest.approx(0.625), False)
    # A second try changes nothing.
    services.calibrate(example_id=second.pk, student=student, levels=[0, 0])
    assert CalibrationAttempt.objects.get(example=second).levels == [1, 2]


def test_a_reviewer_must_calibrate_before_reviewing():
    quiz, question, (student, *_), _r = _cohort()
    example(question)
    review = ReviewAssignment.objects.filter(reviewer=student).first()
    with pytest.raises(ValidationError):
        services.submit_review(review_id=review.pk, reviewer=student, levels=[2, 1])


def test_the_peer_score_is_the_weighted_median_and_counts_when_set_to():
    quiz, question, students, responses = _cohort(n=4, k=3)
    response = responses[0]
    sure = example(question, levels=(2, 1))
    levels_by_order = [[2, 2], [2, 0], [0, 2]]
    for review, levels in zip(_reviews_of(response), levels_by_order, strict=True):
        # The third reviewer calibrated badly: their weight is small.
        guess = [0, 0] if levels == [0, 2] else [2, 1]
        services.calibrate(example_id=sure.pk, student=review.reviewer, levels=guess)
        services.submit_review(
            review_id=review.pk,
            reviewer=review.reviewer,
            levels=levels,
            comment="Clear.",
        )
    result = PeerResult.objects.get(submission__response=response)
    assert result.levels == [2, 2]
    assert result.points == Decimal("3.000")
    assert result.spread == 1.0
    assert result.complete
    response.refresh_from_db()
    # The automatic share (complete parts, 1 point) plus the peer score (3 points).
    assert response.manual_score == Decimal("3.000")
    assert response.score == Decimal("4.000")
    assert (
        response.attempt.__class__.objects.get(pk=response.attempt_id).state == "graded"
    )


def test_advisory_peer_scores_leave_the_grade_to_the_instructor():
    quiz, question, students, responses = _cohort(n=3, k=2, scores_count=False)
    for review in _reviews_of(responses[0]):
        services.submit_review(
            review_id=review.pk, reviewer=review.reviewer, levels=[2, 1]
        )
    assert PeerResult.objects.get(submission__response=responses[0]).complete
    assert Response.objects.get(pk=responses[0].pk).manual_score is None


def test_writing_a_review_twice_or_someone_elses_or_late_is_refused():
    quiz, question, students, responses = _cohort(n=3, k=2)
    review = ReviewAssignment.objects.filter(reviewer=students[0]).first()
    with pytest.raises(Http404):
        services.submit_review(review_id=review.pk, reviewer=students[1], levels=[1, 1])
    with pytest.raises(ValidationError):
        services.submit_review(review_id=review.pk, reviewer=students[0], levels=[9, 1])
    services.submit_review(review_id=review.pk, reviewer=students[0], levels=[1, 1])
    services.submit_review(review_id=review.pk, reviewer=students[0], levels=[0, 0])
    review.refresh_from_db()
    assert review.levels == [1, 1]
    other = ReviewAssignment.objects.filter(
        reviewer=students[0], state="assigned"
    ).first()
    with pytest.raises(PermissionDenied):
        services.submit_review(
            review_id=other.pk,
            reviewer=students[0],
            levels=[1, 1],
            now=other.due_at + timedelta(seconds=1),
        )


def test_flags_go_to_the_instructor_once_and_only_from_those_involved():
    quiz, question, students, responses = _cohort(n=3, k=2)
    review = ReviewAssignment.objects.filter(reviewer=students[0]).first()
    services.flag(
        review_id=review.pk, user=students[0], target="answer", reason="Insults."
    )
    services.flag(
        review_id=review.pk, user=students[0], target="answer", reason="Again."
    )
    assert Flag.objects.count() == 1
    with pytest.raises(Http404):
        services.flag(
            review_id=review.pk, user=students[1], target="answer", reason="x"
        )
    # The author may flag the review only once it is written.
    author = review.author
    with pytest.raises(Http404):
        services.flag(review_id=review.pk, user=author, target="review", reason="Rude.")
    services.submit_review(review_id=review.pk, reviewer=students[0], levels=[0, 0])
    services.flag(review_id=review.pk, user=author, target="review", reason="Rude.")
    assert Flag.objects.count() == 2


def test_the_instructor_overrides_with_a_reason_and_the_audit_is_kept():
    quiz, question, students, responses = _cohort(n=3, k=2)
    instructor = InstructorFactory()
    for review in _reviews_of(responses[0]):
        services.submit_review(
            review_id=review.pk, reviewer=review.reviewer, levels=[0, 0]
        )
    submission = responses[0].peer_submission
    with pytest.raises(ValidationError):
        services.override_result(
            submission_id=submission.pk, instructor=instructor, levels=[2, 2], reason=""
        )
    result = services.override_result(
        submission_id=submission.pk,
        instructor=instructor,
        levels=[2, 2],
        reason="The objection is answered in full.",
    )
    assert result.override_points == Decimal("3.000")
    response = Response.objects.get(pk=responses[0].pk)
    assert response.override_score == Decimal("4.000")
    assert response.override_reason == "The objection is answered in full."
    audit = GradeAudit.objects.get(response=response)
    assert (audit.old_value, audit.new_value) == (Decimal("1.000"), Decimal("4.000"))
    # The same override again writes no second audit row.
    services.override_result(
        submission_id=submission.pk,
        instructor=instructor,
        levels=[2, 2],
        reason="The objection is answered in full.",
    )
    assert GradeAudit.objects.filter(response=response).count() == 1
