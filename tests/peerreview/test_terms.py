"""Peer review per assignment: a student's terms are their assignment's where it sets
them, the quiz's otherwise; registration, due dates and scoring follow them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from courses.models import CohortMembership
from peerreview import services, terms
from peerreview.models import PeerReviewSetup, ReviewAssignment, Submission
from quizzes.models import Assignment
from tests.accounts.factories import UserFactory
from tests.helpers.factories import AssignmentFactory, cohort_with
from tests.peerreview.factories import cohort_quiz, submit

pytestmark = pytest.mark.django_db


def _second_cohort(quiz, students: int):
    """Students of another cohort of the course, assigned the quiz as it is set."""
    cohort, _instructor, members = cohort_with(students=students, course=quiz.course)
    AssignmentFactory(cohort=cohort, quiz=quiz)
    return members


def _setup(**kwargs) -> PeerReviewSetup:
    return PeerReviewSetup(
        quiz_id=1,
        enabled=kwargs.get("enabled", True),
        reviews_per_student=3,
        review_deadline=kwargs.get("deadline", timezone.now()),
        scores_count=kwargs.get("scores_count", False),
    )


def test_without_an_assignment_the_quiz_terms_hold():
    setup = _setup(enabled=True, scores_count=True)
    assert terms.resolve(setup, None) == terms.Terms(
        True, setup.review_deadline, True, 3
    )


def test_each_setting_the_assignment_gives_replaces_the_quiz_one():
    setup = _setup(enabled=True, scores_count=False)
    later = setup.review_deadline + timedelta(days=3)
    only_off = Assignment(peer_review=False)
    assert terms.resolve(setup, only_off) == terms.Terms(
        False, setup.review_deadline, False, 3
    )
    everything = Assignment(
        peer_review=True, peer_review_deadline=later, peer_scores_count=True
    )
    assert terms.resolve(setup, everything) == terms.Terms(True, later, True, 3)


def test_a_student_takes_the_terms_of_their_latest_due_assignment():
    cohort, _instructor, students, quiz, _question = cohort_quiz(2)
    outsider = UserFactory()
    setup = quiz.peer_review
    soon = setup.review_deadline + timedelta(days=1)
    AssignmentFactory(cohort=cohort, quiz=quiz, peer_review_deadline=soon)
    # A second cohort of the same student, due later, turns scoring on.
    other, _i, _m = cohort_with(course=quiz.course)
    CohortMembership.objects.create(cohort=other, student=students[0])
    AssignmentFactory(
        cohort=other,
        quiz=quiz,
        due_at=timezone.now() + timedelta(days=30),
        peer_scores_count=False,
    )

    found = terms.for_students(setup, [students[0].pk, students[1].pk, outsider.pk])

    assert found[students[0].pk].scores_count is False  # the later assignment's
    assert found[students[0].pk].review_deadline == setup.review_deadline
    assert found[students[1].pk].review_deadline == soon
    assert found[students[1].pk].scores_count is setup.scores_count
    assert found[outsider.pk] == terms.resolve(setup, None)


def test_a_cohort_with_peer_review_off_is_not_registered_nor_reviewed():
    cohort, _instructor, students, quiz, question = cohort_quiz(3, k=2)
    AssignmentFactory(cohort=cohort, quiz=quiz, peer_review=False)
    others = _second_cohort(quiz, 3)
    for student in [*students, *others]:
        submit(quiz, question, student)

    services.allocate_reviews(quiz_id=quiz.pk)

    authors = set(Submission.objects.values_list("author_id", flat=True))
    assert authors == {s.pk for s in others}
    reviewers = set(ReviewAssignment.objects.values_list("reviewer_id", flat=True))
    assert reviewers == {s.pk for s in others}


def test_an_assignment_turns_peer_review_on_where_the_quiz_has_it_off():
    cohort, _instructor, students, quiz, question = cohort_quiz(3, k=2)
    quiz.peer_review.enabled = False
    quiz.peer_review.save()
    AssignmentFactory(cohort=cohort, quiz=quiz, peer_review=True)
    (outsider,) = _second_cohort(quiz, 1)
    attempts = [submit(quiz, question, s).attempt_id for s in [*students, outsider]]

    # As the grading receiver queued it: a submit's task, its attempt waiting.
    done = services.allocate_reviews(quiz_id=quiz.pk, attempt_ids=attempts[:1])

    assert (done.registered, done.assigned) == (3, 6)
    assert set(Submission.objects.values_list("author_id", flat=True)) == {
        s.pk for s in students
    }


def test_reviews_are_due_at_the_reviewer_assignment_deadline():
    cohort, _instructor, students, quiz, question = cohort_quiz(2, k=1)
    later = quiz.peer_review.review_deadline + timedelta(days=5)
    AssignmentFactory(cohort=cohort, quiz=quiz, peer_review_deadline=later)
    (outsider,) = _second_cohort(quiz, 1)
    for student in [*students, outsider]:
        submit(quiz, question, student)

    services.allocate_reviews(quiz_id=quiz.pk)

    dues = dict(ReviewAssignment.objects.values_list("reviewer_id", "due_at"))
    assert dues[students[0].pk] == later and dues[students[1].pk] == later
    assert dues[outsider.pk] == quiz.peer_review.review_deadline


def test_peer_scores_count_for_a_cohort_whose_assignment_says_so():
    cohort, _instructor, students, quiz, question = cohort_quiz(
        3, k=2, scores_count=False
    )
    AssignmentFactory(cohort=cohort, quiz=quiz, peer_scores_count=True)
    responses = [submit(quiz, question, s) for s in students]
    services.allocate_reviews(quiz_id=quiz.pk)
    for review in ReviewAssignment.objects.all():
        services.submit_review(
            review_id=review.pk, reviewer=review.reviewer, levels=[2, 2]
        )
    for response in responses:
        response.refresh_from_db()
        assert response.manual_score is not None
