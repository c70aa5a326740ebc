"""Certainty-based marking adds nothing a student may not see yet: the leak checks of
test_leaks.py, run on a quiz of every kind with CBM on and a certainty on each answer."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from quizzes import grading, services
from quizzes.models import Attempt, Quiz, Response
from tests.quizzes.test_leaks import (
    AFTER_SUBMIT,
    POLICIES,
    SCORE_ONLY,
    _assert_no_leak,
    _key_answers,
    _quiz,
    _secrets_in,
    _student_views,
    clients,  # noqa: F401 - the fixture
)

pytestmark = pytest.mark.django_db


def _certainties(attempt: Attempt) -> dict[int, int]:
    return {
        question.id: 3
        for question in attempt.quiz.questions.all()
        if grading.takes_certainty(question.kind)
    }


@pytest.mark.parametrize("policy", POLICIES)
def test_nothing_leaks_from_a_cbm_attempt_in_progress(policy, clients, student):  # noqa: F811
    client, api = clients
    quiz = _quiz(policy, certainty_based_marking=True)
    attempt, _ = services.start_attempt(quiz=quiz, student=student)
    for question_id, answer in _key_answers(attempt).items():
        Response.objects.filter(attempt=attempt, question_id=question_id).update(
            answer=answer
        )
    services.save_responses(
        attempt=attempt, answers={}, certainties=_certainties(attempt)
    )
    take = client.get(reverse("quizzes:attempt", args=[attempt.pk]))
    assert "_certainty_3" in take.content.decode()
    for where, response in _student_views(client, api, quiz, attempt).items():
        assert response.status_code in (200, 302), where
        _assert_no_leak(f"{where} (CBM)", response)


@pytest.mark.parametrize("policy", POLICIES)
def test_a_graded_cbm_attempt_shows_the_key_only_when_allowed(policy, clients, student):  # noqa: F811
    client, api = clients
    now = timezone.now()
    quiz = _quiz(
        policy, certainty_based_marking=True, closes_at=now + timedelta(days=2)
    )
    attempt, _ = services.start_attempt(quiz=quiz, student=student)
    services.save_responses(
        attempt=attempt,
        answers=_key_answers(attempt),
        certainties=_certainties(attempt),
    )
    services.submit_attempt(attempt=attempt)
    services.grade_attempt(attempt_id=attempt.pk)

    result = client.get(reverse("quizzes:result", args=[attempt.pk]))
    detail = api.get(reverse("api-attempt-detail", args=[attempt.pk]))
    assert "Certainty-based marking" in result.content.decode()
    assert detail.json()["cbm"] is not None
    if policy == AFTER_SUBMIT:
        assert 'class="calibration-chart"' in result.content.decode()
        # Positive control: the same search finds the key once the review allows it.
        assert _secrets_in(result.content.decode())
    else:
        _assert_no_leak(f"result page (CBM, {policy})", result)
        _assert_no_leak(f"API attempt (CBM, {policy})", detail)
        assert 'class="calibration-chart"' not in result.content.decode()
    if policy == SCORE_ONLY:
        Quiz.objects.filter(pk=quiz.pk).update(closes_at=now - timedelta(minutes=1))
        closed = client.get(reverse("quizzes:result", args=[attempt.pk]))
        _assert_no_leak("result page (CBM, score_only, closed)", closed)
