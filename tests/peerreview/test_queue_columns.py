"""The instructor's list sorts on copies kept on the answer's row (issue 20): the
services keep them, the migration fills them for answers written before, and the pager
counts no further than it needs."""

from __future__ import annotations

import pytest
from django.db import connection
from django.urls import reverse

from peerreview import instructor_views, services
from peerreview.models import ReviewAssignment, Submission
from tests.accounts.factories import InstructorFactory
from tests.helpers.migrations import leaves, migrate_to
from tests.peerreview.factories import cohort_quiz, submit

BEFORE = [("peerreview", "0004_peer_review_link_from_rows")]


def _class(n=3, k=2):
    cohort, instructor, students, quiz, question = cohort_quiz(n, k=k)
    for student in students:
        submit(quiz, question, student)
    services.allocate_reviews(quiz_id=quiz.pk)
    return instructor, students, quiz


def _scene():
    """An answer reviewed apart (spread 1), one flagged twice, one overridden, one
    untouched."""
    instructor, students, quiz = _class(n=4, k=2)
    wild, flagged, overridden, _untouched = (
        Submission.objects.get(author=s) for s in students
    )
    for review, levels in zip(
        ReviewAssignment.objects.filter(submission=wild), ([0, 0], [2, 2]), strict=True
    ):
        services.submit_review(
            review_id=review.pk, reviewer=review.reviewer, levels=levels
        )
    review = ReviewAssignment.objects.filter(submission=flagged).first()
    services.flag(
        review_id=review.pk, user=review.reviewer, target="answer", reason="x"
    )
    services.flag(
        review_id=review.pk, user=review.reviewer, target="answer", reason="y"
    )
    services.submit_review(review_id=review.pk, reviewer=review.reviewer, levels=[1, 1])
    services.flag(review_id=review.pk, user=review.author, target="review", reason="z")
    services.override_result(
        submission_id=overridden.pk,
        instructor=instructor,
        levels=[2, 1],
        reason="Fully argued.",
    )
    return instructor, quiz


def _columns():
    return {
        s.pk: (s.quiz_id, s.spread, s.open_flags)
        for s in Submission.objects.select_related("question")
    }


@pytest.mark.django_db
def test_reviews_flags_and_overrides_keep_the_copied_columns():
    _instructor, quiz = _scene()
    columns = _columns()
    spreads = sorted((c[1] for c in columns.values()), key=lambda v: (v is None, v))
    assert spreads == [0.0, 0.0, 1.0, None]
    assert sorted(c[2] for c in columns.values()) == [0, 0, 0, 2]
    assert {c[0] for c in columns.values()} == {quiz.pk}
    for submission in Submission.objects.select_related("result"):
        result = getattr(submission, "result", None)
        assert submission.spread == (result.spread if result else None)


@pytest.mark.django_db(transaction=True)
def test_migrating_forward_fills_the_columns_of_existing_answers():
    _scene()
    expected = _columns()
    latest = leaves()
    migrate_to(BEFORE)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM peerreview_submission")
            assert cursor.fetchone()[0] == len(expected)
    finally:
        migrate_to(latest)
    assert _columns() == expected


@pytest.mark.django_db
def test_the_pager_counts_only_a_few_pages_ahead(client, monkeypatch):
    monkeypatch.setattr(instructor_views, "DISAGREEMENT_PAGE", 1)
    monkeypatch.setattr(instructor_views, "PAGES_AHEAD", 1)
    instructor, students, quiz = _class(n=4, k=2)
    client.force_login(instructor)
    url = reverse("peer-instructor:quiz", args=[quiz.pk])
    first = client.get(url).content.decode()
    assert "Page 1 of more than 2" in first and 'rel="next"' in first
    third = client.get(url, {"page": 3}).content.decode()
    assert "Page 3 of 4" in third and third.count('class="disagreement-row"') == 1
    last = client.get(url, {"page": 4}).content.decode()
    assert "Page 4 of 4" in last and 'rel="next"' not in last


@pytest.mark.django_db
def test_an_instructor_of_the_course_sees_students_in_no_cohort_only(client):
    from courses.models import CohortMembership

    instructor, students, quiz = _class(n=3, k=2)
    lead = InstructorFactory()
    quiz.course.instructors.add(lead)
    CohortMembership.objects.filter(student=students[0]).delete()
    client.force_login(lead)
    page = client.get(reverse("peer-instructor:quiz", args=[quiz.pk])).content.decode()
    assert page.count('class="disagreement-row"') == 1
    assert str(students[0]) in page
