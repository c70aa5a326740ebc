"""Attempt integrity: ids in a request cannot move answers, attempts or the clock."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from quizzes import services
from quizzes.models import Attempt, Question, Response
from tests.accounts.factories import UserFactory
from tests.quizzes.factories import make_quiz_with_every_kind

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clear_cache")]


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def url(name: str, attempt: Attempt) -> str:
    return reverse(name, args=[attempt.pk])


def snapshot(attempt: Attempt) -> dict:
    """Every column a forged request might try to change, plus the saved answers."""
    row = Attempt.objects.values(
        "quiz_id", "student_id", "state", "deadline", "started_at", "submitted_at"
    ).get(pk=attempt.pk)
    row["answers"] = dict(
        Response.objects.filter(attempt=attempt).values_list("question_id", "answer")
    )
    return row


@pytest.fixture
def quiz():
    return make_quiz_with_every_kind()


@pytest.fixture
def student():
    return UserFactory()


@pytest.fixture
def attempt(quiz, student):
    attempt, _ = services.start_attempt(quiz=quiz, student=student)
    return attempt


@pytest.fixture
def other_attempt():
    """Another student's attempt at another quiz."""
    other, _ = services.start_attempt(
        quiz=make_quiz_with_every_kind(), student=UserFactory()
    )
    return other


def essay_of(quiz) -> Question:
    return quiz.questions.get(kind=Question.Kind.ESSAY)


def test_answers_to_another_quizs_questions_are_refused(
    student, attempt, other_attempt
):
    foreign = essay_of(other_attempt.quiz)
    own = essay_of(attempt.quiz)
    before = snapshot(attempt)

    response = client_for(student).put(
        url("api-attempt-responses", attempt),
        {"answers": {str(own.pk): {"text": "Mine"}, str(foreign.pk): {"text": "X"}}},
        format="json",
    )

    assert response.status_code == 400
    assert str(foreign.pk) in response.json()
    # All or nothing: the valid answer in the same request was not saved either.
    assert snapshot(attempt) == before
    assert not Response.objects.filter(attempt=attempt, question=foreign).exists()
    assert Response.objects.get(attempt=other_attempt, question=foreign).answer is None


def test_submitting_with_another_quizs_question_ids_is_refused(
    student, attempt, other_attempt
):
    foreign = essay_of(other_attempt.quiz)

    response = client_for(student).post(
        url("api-attempt-submit", attempt),
        {"answers": {str(foreign.pk): {"text": "X"}}},
        format="json",
    )

    assert response.status_code == 400
    assert Attempt.objects.get(pk=attempt.pk).state == Attempt.State.IN_PROGRESS


@pytest.mark.parametrize(
    ("method", "name"),
    [
        ("get", "api-attempt-detail"),
        ("put", "api-attempt-responses"),
        ("post", "api-attempt-submit"),
    ],
)
def test_another_students_attempt_is_a_404_and_stays_untouched(
    student, other_attempt, method, name
):
    essay = essay_of(other_attempt.quiz)
    before = snapshot(other_attempt)

    response = getattr(client_for(student), method)(
        url(name, other_attempt),
        {"answers": {str(essay.pk): {"text": "Written by someone else"}}},
        format="json",
    )

    assert response.status_code == 404
    assert snapshot(other_attempt) == before


def test_body_fields_cannot_move_an_attempt_to_another_student_or_quiz(
    student, attempt, other_attempt
):
    essay = essay_of(attempt.quiz)
    forged = {
        "answers": {str(essay.pk): {"text": "Fair answer"}},
        "quiz": other_attempt.quiz_id,
        "student": other_attempt.student_id,
        "attempt": other_attempt.pk,
        "id": other_attempt.pk,
        "state": "graded",
        "score": 100,
    }
    client = client_for(student)

    saved = client.put(url("api-attempt-responses", attempt), forged, format="json")
    submitted = client.post(url("api-attempt-submit", attempt), forged, format="json")

    assert saved.status_code == 200
    assert submitted.status_code == 202
    row = Attempt.objects.get(pk=attempt.pk)
    assert (row.quiz_id, row.student_id) == (attempt.quiz_id, student.pk)
    assert row.state == Attempt.State.SUBMITTED
    assert row.score is None
    assert snapshot(other_attempt)["state"] == Attempt.State.IN_PROGRESS
    assert submitted.json()["id"] == attempt.pk


def test_answers_after_submit_are_refused_with_409(student, attempt):
    client = client_for(student)
    essay = essay_of(attempt.quiz)
    client.post(url("api-attempt-submit", attempt), {}, format="json")
    before = snapshot(attempt)

    late = client.put(
        url("api-attempt-responses", attempt),
        {"answers": {str(essay.pk): {"text": "An afterthought"}}},
        format="json",
    )
    resubmit = client.post(
        url("api-attempt-submit", attempt),
        {"answers": {str(essay.pk): {"text": "An afterthought"}}},
        format="json",
    )

    assert late.status_code == 409
    assert late.json()["code"] == "attempt_finished"
    # A repeated submit is idempotent: same attempt, answers unchanged.
    assert resubmit.status_code in (200, 202)
    assert snapshot(attempt) == before


def test_the_deadline_is_the_servers_and_a_client_clock_is_ignored(student):
    quiz = make_quiz_with_every_kind(time_limit_minutes=10)
    client = client_for(student)
    start = client.post(
        reverse("api-quiz-attempts", args=[quiz.pk]),
        {"deadline": "2999-01-01T00:00:00Z", "started_at": "2999-01-01T00:00:00Z"},
        format="json",
    )
    attempt = Attempt.objects.get(pk=start.json()["id"])
    essay = essay_of(quiz)

    assert start.status_code == 201
    assert attempt.deadline - attempt.started_at == timedelta(minutes=10)
    assert abs(attempt.started_at - timezone.now()) < timedelta(minutes=1)

    # Time runs out on the server (moved back rather than slept through).
    Attempt.objects.filter(pk=attempt.pk).update(
        started_at=timezone.now() - timedelta(minutes=11),
        deadline=timezone.now() - timedelta(minutes=1),
    )
    forged_clock = {
        "answers": {str(essay.pk): {"text": "Just in time, says my clock"}},
        "now": (timezone.now() - timedelta(minutes=5)).isoformat(),
        "saved_at": (timezone.now() - timedelta(minutes=5)).isoformat(),
        "deadline": "2999-01-01T00:00:00Z",
        "seconds_left": 600,
    }
    late = client.put(
        url("api-attempt-responses", attempt), forged_clock, format="json"
    )

    assert late.status_code == 409
    assert late.json()["code"] == "deadline_passed"
    row = Attempt.objects.get(pk=attempt.pk)
    # Closed at its own deadline with nothing from the late request.
    assert row.state == Attempt.State.SUBMITTED
    assert row.submitted_at == row.deadline
    assert Response.objects.get(attempt=row, question=essay).answer is None


def test_a_late_submit_keeps_only_what_was_saved_in_time(student):
    quiz = make_quiz_with_every_kind(time_limit_minutes=10)
    attempt, _ = services.start_attempt(quiz=quiz, student=student)
    essay = essay_of(quiz)
    client = client_for(student)
    client.put(
        url("api-attempt-responses", attempt),
        {"answers": {str(essay.pk): {"text": "Saved in time"}}},
        format="json",
    )
    Attempt.objects.filter(pk=attempt.pk).update(
        deadline=timezone.now() - timedelta(seconds=1)
    )

    response = client.post(
        url("api-attempt-submit", attempt),
        {"answers": {str(essay.pk): {"text": "Rewritten after time"}}},
        format="json",
    )

    assert response.status_code == 202
    row = Attempt.objects.get(pk=attempt.pk)
    assert row.submitted_at == row.deadline
    assert Response.objects.get(attempt=row, question=essay).answer == {
        "text": "Saved in time"
    }


def test_an_unpublished_quiz_cannot_be_started_by_its_id(student):
    hidden = make_quiz_with_every_kind(published=False)

    response = client_for(student).post(reverse("api-quiz-attempts", args=[hidden.pk]))

    assert response.status_code == 404
    assert not Attempt.objects.filter(quiz=hidden).exists()
