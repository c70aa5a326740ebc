"""Crafted JSON bodies: lone surrogates and deep nesting are a 400 that echoes nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import User
from core.parsers import MAX_DEPTH
from quizzes import services
from quizzes.models import Attempt, Response
from tests.accounts.factories import UserFactory
from tests.quizzes.factories import QuizFactory, make_essay

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clear_cache")]

LONE_SURROGATE = "\\ud800"  # as written in JSON: valid JSON, not valid Unicode


@pytest.fixture
def student():
    return UserFactory(timezone="Europe/Paris")


@pytest.fixture
def client(student):
    client = APIClient()
    client.force_authenticate(student)
    return client


@pytest.fixture
def attempt(student):
    quiz = QuizFactory()
    make_essay(quiz)
    attempt, _ = services.start_attempt(quiz=quiz, student=student)
    return attempt


def send(client, method: str, url: str, body: str):
    # Raw bytes: DRF's test encoder could not even write a lone surrogate.
    return client.generic(
        method, url, body.encode("ascii"), content_type="application/json"
    )


def assert_clean_400(response) -> None:
    assert response.status_code == 400, response.content[:300]
    assert response["Content-Type"] == "application/json"
    detail = response.json()["detail"]
    assert "Unicode" in detail or "nested" in detail
    # The refusal never repeats the bad input.
    assert "\\ud800" not in response.content.decode()


def test_a_lone_surrogate_as_an_answers_key_is_a_400(client, attempt):
    url = reverse("api-attempt-responses", args=[attempt.pk])
    body = '{"answers": {"' + LONE_SURROGATE + '": {"text": "x"}}}'

    assert_clean_400(send(client, "PUT", url, body))
    assert_clean_400(
        send(client, "POST", reverse("api-attempt-submit", args=[attempt.pk]), body)
    )
    assert Attempt.objects.get(pk=attempt.pk).state == Attempt.State.IN_PROGRESS


def test_a_lone_surrogate_in_an_answer_text_is_a_400_and_nothing_is_saved(
    client, attempt
):
    question = attempt.quiz.questions.get()
    url = reverse("api-attempt-responses", args=[attempt.pk])
    body = f'{{"answers": {{"{question.pk}": {{"text": "ok {LONE_SURROGATE}"}}}}}}'

    assert_clean_400(send(client, "PUT", url, body))
    assert Response.objects.get(attempt=attempt).answer is None


def test_a_lone_surrogate_as_a_time_zone_is_a_400(client, student):
    body = '{"timezone": "Europe/' + LONE_SURROGATE + '"}'

    assert_clean_400(send(client, "PATCH", reverse("api-me"), body))
    assert User.objects.get(pk=student.pk).timezone == "Europe/Paris"


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 5_000, 200_000])
def test_deeply_nested_json_is_a_400(client, attempt, depth):
    url = reverse("api-attempt-responses", args=[attempt.pk])
    question = attempt.quiz.questions.get()
    nested = "[" * depth + "]" * depth
    body = f'{{"answers": {{"{question.pk}": {{"text": {nested}}}}}}}'

    assert_clean_400(send(client, "PUT", url, body))
    assert_clean_400(send(client, "PATCH", reverse("api-me"), nested))


def test_ordinary_bodies_still_parse(client, attempt):
    question = attempt.quiz.questions.get()
    url = reverse("api-attempt-responses", args=[attempt.pk])
    body = (
        f'{{"answers": {{"{question.pk}": {{"text": "caf\\u00e9 \\ud83d\\ude00"}}}}}}'
    )

    response = send(client, "PUT", url, body)

    assert response.status_code == 200, response.content
    assert Response.objects.get(attempt=attempt).answer == {"text": "café 😀"}
