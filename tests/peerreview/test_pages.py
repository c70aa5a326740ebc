"""The pages: anonymous review, calibration first, reviews received once allowed, the
instructor's disagreement list and override; scoped; constant query counts."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from peerreview import services
from peerreview.models import PeerReviewSetup, ReviewAssignment, Submission
from tests.accounts.factories import InstructorFactory, UserFactory
from tests.helpers.queries import count_get
from tests.peerreview.factories import cohort_quiz, example, peer_quiz, submit

pytestmark = pytest.mark.django_db


def _class(n=3, k=2, **kwargs):
    cohort, instructor, students, quiz, question = cohort_quiz(n, k=k, **kwargs)
    responses = [submit(quiz, question, s) for s in students]
    services.allocate_reviews(quiz_id=quiz.pk)
    return instructor, students, quiz, question, responses


def test_the_review_page_shows_the_argument_but_not_who_wrote_it(client):
    instructor, students, quiz, question, _r = _class()
    review = ReviewAssignment.objects.filter(reviewer=students[0]).first()
    client.force_login(students[0])
    page = client.get(reverse("peer:review", args=[review.pk])).content.decode()
    assert "Residents and lawful migrants gain trust" in page
    assert review.author.email not in page
    assert str(review.author) not in page
    assert "Weighs both values" in page


def test_writing_a_review_through_the_page(client):
    instructor, students, quiz, question, _r = _class()
    review = ReviewAssignment.objects.filter(reviewer=students[0]).first()
    client.force_login(students[0])
    url = reverse("peer:review", args=[review.pk])
    missing = client.post(url, {"c0": "2"})
    assert missing.status_code == 400
    done = client.post(url, {"c0": "2", "c1": "1", "comment": "Strong costs part."})
    assert done.status_code == 302
    review.refresh_from_db()
    assert (review.state, review.levels, review.comment) == (
        "done",
        [2, 1],
        "Strong costs part.",
    )


def test_another_students_review_is_a_404(client):
    instructor, students, quiz, question, _r = _class()
    review = ReviewAssignment.objects.filter(reviewer=students[0]).first()
    client.force_login(students[1])
    assert client.get(reverse("peer:review", args=[review.pk])).status_code == 404
    submission = Submission.objects.get(author=students[0])
    assert client.get(reverse("peer:received", args=[submission.pk])).status_code == 404


def test_calibration_comes_first_and_shows_the_instructors_reasons(client):
    instructor, students, quiz, question, _r = _class()
    example(question, levels=(2, 1), reasons=["Both values, with costs.", "Partly."])
    review = ReviewAssignment.objects.filter(reviewer=students[0]).first()
    client.force_login(students[0])
    page = client.get(reverse("peer:review", args=[review.pk]))
    calibrate = reverse("peer:calibrate", args=[question.pk])
    assert page.status_code == 302 and page.url == calibrate
    answered = client.post(calibrate, {"c0": "1", "c1": "1"}, follow=True)
    text = answered.content.decode()
    assert "Both values, with costs." in text
    assert "Calibration done" in text
    assert "0.75" in text  # half a criterion's range off on one criterion of two
    assert client.get(reverse("peer:review", args=[review.pk])).status_code == 200


def test_reviews_received_appear_once_my_reviews_are_written(client):
    instructor, students, quiz, question, _r = _class()
    mine = Submission.objects.get(author=students[0])
    for review in ReviewAssignment.objects.filter(submission=mine):
        services.submit_review(
            review_id=review.pk,
            reviewer=review.reviewer,
            levels=[2, 1],
            comment="Good.",
        )
    client.force_login(students[0])
    url = reverse("peer:received", args=[mine.pk])
    assert "Good." not in client.get(url).content.decode()
    for review in ReviewAssignment.objects.filter(reviewer=students[0]):
        services.submit_review(review_id=review.pk, reviewer=students[0], levels=[1, 1])
    page = client.get(url).content.decode()
    assert "Good." in page and "Both, with costs" in page
    assert "Peer score: 2.5 points." in page


def test_reviews_received_appear_after_the_deadline_anyway(client):
    instructor, students, quiz, question, _r = _class()
    mine = Submission.objects.get(author=students[0])
    for review in ReviewAssignment.objects.filter(submission=mine):
        services.submit_review(
            review_id=review.pk,
            reviewer=review.reviewer,
            levels=[2, 1],
            comment="Good.",
        )
    PeerReviewSetup.objects.filter(quiz=quiz).update(
        review_deadline=quiz.peer_review.review_deadline - timedelta(days=30)
    )
    client.force_login(students[0])
    page = client.get(reverse("peer:received", args=[mine.pk])).content.decode()
    assert "Good." in page
    # One report form per review, each with its own ids (no repeated HTML id).
    ids = re.findall(r'\bid="([^"]+)"', page)
    assert (
        page.count('name="reason"')
        == ReviewAssignment.objects.filter(submission=mine).count()
        > 1
    )
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)


def test_the_instructor_sees_the_widest_spread_first_and_overrides(client):
    instructor, students, quiz, question, responses = _class(n=3, k=2)
    calm, wild = (Submission.objects.get(author=s) for s in students[:2])
    for review in ReviewAssignment.objects.filter(submission=calm):
        services.submit_review(
            review_id=review.pk, reviewer=review.reviewer, levels=[1, 1]
        )
    for review, levels in zip(
        ReviewAssignment.objects.filter(submission=wild), ([0, 0], [2, 2]), strict=True
    ):
        services.submit_review(
            review_id=review.pk, reviewer=review.reviewer, levels=levels
        )
    client.force_login(instructor)
    page = client.get(reverse("peer-instructor:quiz", args=[quiz.pk])).content.decode()
    rows = page.split('class="disagreement-row"')[1:]
    assert str(students[1]) in rows[0] and str(students[0]) in rows[1]
    assert "Whole rubric" in page

    url = reverse("peer-instructor:answer", args=[wild.pk])
    assert client.post(url, {"c0": "2", "c1": "2", "reason": ""}).status_code == 400
    done = client.post(url, {"c0": "2", "c1": "2", "reason": "Fully argued."})
    assert done.status_code == 302
    client.force_login(students[1])
    page = client.get(reverse("peer:received", args=[wild.pk])).content.decode()
    assert "Fully argued." in page


def test_the_disagreement_list_comes_a_page_at_a_time(client, monkeypatch):
    from peerreview import instructor_views

    monkeypatch.setattr(instructor_views, "DISAGREEMENT_PAGE", 2)
    instructor, students, quiz, question, _r = _class(n=3, k=2)
    client.force_login(instructor)
    url = reverse("peer-instructor:quiz", args=[quiz.pk])
    first = client.get(url).content.decode()
    second = client.get(url, {"page": 2}).content.decode()
    assert first.count('class="disagreement-row"') == 2
    assert second.count('class="disagreement-row"') == 1
    assert 'rel="next"' in first and 'rel="prev"' in second
    shown = [str(s) for s in students if str(s) in first + second]
    assert len(shown) == 3


def test_students_and_other_instructors_cannot_open_the_instructor_pages(client):
    instructor, students, quiz, question, _r = _class()
    client.force_login(students[0])
    assert (
        client.get(reverse("peer-instructor:quiz", args=[quiz.pk])).status_code == 403
    )
    client.force_login(InstructorFactory())
    assert (
        client.get(reverse("peer-instructor:quiz", args=[quiz.pk])).status_code == 404
    )
    submission = Submission.objects.first()
    url = reverse("peer-instructor:answer", args=[submission.pk])
    assert client.get(url).status_code == 404


def test_the_setup_page_turns_peer_review_on(client):
    cohort, instructor, students, quiz, question = cohort_quiz(1)
    PeerReviewSetup.objects.all().delete()
    client.force_login(instructor)
    url = reverse("peer-instructor:setup", args=[quiz.pk])
    assert client.get(url).status_code == 200
    bad = client.post(url, {"enabled": "on", "reviews_per_student": "0"})
    assert bad.status_code == 400
    done = client.post(
        url,
        {
            "enabled": "on",
            "reviews_per_student": "2",
            "review_deadline": "2030-01-01T12:00",
        },
    )
    assert done.status_code == 302
    assert PeerReviewSetup.objects.get(quiz=quiz).reviews_per_student == 2


def _grow(quiz, question, n):
    for _ in range(n):
        submit(quiz, question, UserFactory())
    services.allocate_reviews(quiz_id=quiz.pk)


def test_the_review_queue_takes_the_same_queries_at_two_sizes(client):
    quiz, question = peer_quiz(k=2)
    student = UserFactory()
    submit(quiz, question, student)
    _grow(quiz, question, 1)
    client.force_login(student)
    client.get(reverse("peer:queue"))  # the first visit sets the header's link, once
    small = count_get(client, reverse("peer:queue"))
    other, other_question = peer_quiz(k=4)
    submit(other, other_question, student)
    _grow(other, other_question, 5)
    assert ReviewAssignment.objects.filter(reviewer=student).count() == 5
    assert count_get(client, reverse("peer:queue")) == small


def test_the_disagreement_list_takes_the_same_queries_at_two_sizes(client):
    cohort, instructor, students, quiz, question = cohort_quiz(3, k=2)
    for student in students:
        submit(quiz, question, student)
    services.allocate_reviews(quiz_id=quiz.pk)
    review = ReviewAssignment.objects.first()
    services.submit_review(review_id=review.pk, reviewer=review.reviewer, levels=[1, 1])
    client.force_login(instructor)
    url = reverse("peer-instructor:quiz", args=[quiz.pk])
    small = count_get(client, url)
    from courses.models import CohortMembership

    more = UserFactory.create_batch(5)
    CohortMembership.objects.bulk_create(
        CohortMembership(cohort=cohort, student=s) for s in more
    )
    for student in more:
        submit(quiz, question, student)
    services.allocate_reviews(quiz_id=quiz.pk)
    for review in ReviewAssignment.objects.filter(state="assigned")[:6]:
        services.submit_review(
            review_id=review.pk, reviewer=review.reviewer, levels=[1, 1]
        )
    assert count_get(client, url) == small


def test_the_header_links_to_peer_review_for_students_given_reviews_at_no_query(
    client, django_capture_on_commit_callbacks
):
    from accounts.models import User

    with django_capture_on_commit_callbacks(execute=True):
        _instructor, students, _quiz, _question, _r = _class()
    link = f'href="{reverse("peer:queue")}"'
    client.force_login(UserFactory())
    assert link not in client.get(reverse("grades")).content.decode()
    client.force_login(students[0])
    assert link in client.get(reverse("grades")).content.decode()
    # The flag is the user's own column, read with the user: the link costs no query
    # and no cache read.
    with_link = count_get(client, reverse("grades"))
    User.objects.filter(pk=students[0].pk).update(peer_review_link=False)
    assert link not in client.get(reverse("grades")).content.decode()
    assert count_get(client, reverse("grades")) == with_link
    # Opening the peer-review page brings the link back (one UPDATE, that visit only).
    client.get(reverse("peer:queue"))
    assert link in client.get(reverse("grades")).content.decode()
    assert User.objects.get(pk=students[0].pk).peer_review_link
    with CaptureQueriesContext(connection) as visit:
        client.get(reverse("peer:queue"))
    assert not [q for q in visit.captured_queries if q["sql"].startswith("UPDATE")]


def test_the_instructor_adds_a_calibration_example_students_then_calibrate_on(client):
    from peerreview.models import CalibrationExample

    cohort, instructor, students, quiz, question = cohort_quiz(2, k=2)
    client.force_login(instructor)
    page = client.get(reverse("peer-instructor:quiz", args=[quiz.pk])).content.decode()
    url = reverse("peer-instructor:example-create", args=[quiz.pk, question.pk])
    assert url in page
    assert client.get(url).status_code == 200
    parts = {
        "value": "Security first.",
        "gains": "Residents.",
        "costs": "Claimants wait.",
        "objection": "Delays harm; fast tracks answer it.",
        "evidence": "Audits of refusals.",
    }
    missing = client.post(url, {**parts, "position": "0", "c0": "1"})
    assert missing.status_code == 400 and not CalibrationExample.objects.exists()
    out_of_range = client.post(url, {**parts, "position": "0", "c0": "9", "c1": "0"})
    assert out_of_range.status_code == 400
    done = client.post(
        url, {**parts, "position": "1", "c0": "2", "c1": "0", "r0": "Weighs both."}
    )
    assert done.status_code == 302
    example = CalibrationExample.objects.get(question=question)
    assert example.justification == parts
    assert example.levels == [2, 0] and example.reasons == ["Weighs both.", ""]
    # Students and other instructors cannot add one.
    client.force_login(students[0])
    assert client.get(url).status_code == 403
    client.force_login(InstructorFactory())
    assert client.get(url).status_code == 404
