"""Limits on the student API: request rates, body size and absurd values all get a clear 4xx."""

from __future__ import annotations

import json

import pytest
from django.conf import settings
from django.urls import reverse
from rest_framework.test import APIClient
from rest_framework.throttling import ScopedRateThrottle

from quizzes import services
from quizzes.models import Attempt, Question, Response
from tests.accounts.factories import UserFactory
from tests.quizzes.factories import make_quiz_with_every_kind

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clear_cache")]


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def responses_url(attempt) -> str:
    return reverse("api-attempt-responses", args=[attempt.pk])


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


def question(quiz, kind) -> Question:
    return quiz.questions.get(kind=kind)


@pytest.fixture
def still_clock(monkeypatch):
    """The throttle's clock held still: a loaded machine can take over a minute to send
    240 requests, and the window would then let the 241st through."""
    now = ScopedRateThrottle.timer()
    monkeypatch.setattr(ScopedRateThrottle, "timer", lambda self: now)


@pytest.fixture
def low_rates(settings, monkeypatch):
    """Set the two scopes' rates low through settings, as an operator would."""
    rates = {"attempt_start": "3/min", "answer_save": "4/min"}
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": rates,
    }
    # DRF copies the rates onto the class when it is imported; re-read them as a new
    # process would (pytest-django's settings fixture reloads api_settings itself).
    from rest_framework.settings import api_settings

    monkeypatch.setattr(
        ScopedRateThrottle, "THROTTLE_RATES", api_settings.DEFAULT_THROTTLE_RATES
    )
    return rates


def test_the_configured_rates_are_the_documented_defaults():
    rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]

    assert rates == {
        "attempt_start": "30/min",
        "answer_save": "240/min",
        "cohort_join": "20/hour",
    }
    assert ScopedRateThrottle.THROTTLE_RATES == rates


def test_starting_attempts_past_the_real_rate_gets_429_with_a_message(
    still_clock, quiz, student
):
    client = client_for(student)
    url = reverse("api-quiz-attempts", args=[quiz.pk])

    codes = [client.post(url).status_code for _ in range(30)]
    refused = client.post(url)

    # The first creates the attempt, the rest return it; all within the rate.
    assert codes == [201] + [200] * 29
    assert refused.status_code == 429
    assert "throttled" in refused.json()["detail"]
    assert int(refused["Retry-After"]) > 0


def test_saving_answers_past_the_real_rate_gets_429(
    still_clock, quiz, student, attempt
):
    client = client_for(student)
    essay = question(quiz, Question.Kind.ESSAY)
    body = {"answers": {str(essay.pk): {"text": "Both sides have costs."}}}

    codes = {
        client.put(responses_url(attempt), body, format="json").status_code
        for _ in range(240)
    }
    refused = client.put(responses_url(attempt), body, format="json")

    assert codes == {200}
    assert refused.status_code == 429
    assert "throttled" in refused.json()["detail"]


def test_a_lower_rate_from_settings_is_applied_per_student(low_rates, quiz, student):
    client, classmate = client_for(student), client_for(UserFactory())
    start = reverse("api-quiz-attempts", args=[quiz.pk])

    codes = [client.post(start).status_code for _ in range(4)]
    other = classmate.post(start)
    # Reading is not throttled: only POST is a start.
    listed = client.get(start)

    assert codes == [201, 200, 200, 429]
    assert other.status_code == 201
    assert listed.status_code == 200


def test_a_lower_answer_save_rate_from_settings_is_applied(
    low_rates, quiz, student, attempt
):
    client = client_for(student)
    body = {"answers": {}}

    codes = [
        client.put(responses_url(attempt), body, format="json").status_code
        for _ in range(5)
    ]

    assert codes == [200, 200, 200, 200, 429]


def test_a_two_mebibyte_body_is_refused_with_a_clear_4xx(quiz, student, attempt):
    client = client_for(student)
    essay = question(quiz, Question.Kind.ESSAY)
    body = json.dumps({"answers": {str(essay.pk): {"text": "x" * (2 * 1024 * 1024)}}})

    response = client.put(responses_url(attempt), body, content_type="application/json")

    # Django refuses the body (RequestDataTooBig): never a 500. The API should also say
    # why in JSON, as every other API error does (see SECURITY.md, core/api.py).
    assert response.status_code in (400, 413), response.status_code
    assert response["Content-Type"] == "application/json", (
        f"{response.status_code} {response['Content-Type']}: "
        f"{response.content[:80]!r} (core/api.py does not map RequestDataTooBig)"
    )
    assert "too large" in response.json()["detail"]
    assert Response.objects.get(attempt=attempt, question=essay).answer is None


@pytest.mark.parametrize(
    ("kind", "answer"),
    [
        (Question.Kind.TRADEOFF_ALLOCATION, {"allocation": [10**9, 100 - 10**9]}),
        (Question.Kind.TRADEOFF_ALLOCATION, {"allocation": [50.5, 49.5]}),
        (Question.Kind.TRADEOFF_POSITION, {"position": 10**9}),
        (Question.Kind.TRADEOFF_POSITION, {"position": -1}),
        (Question.Kind.NUMERIC, {"value": 10**400}),
        (Question.Kind.NUMERIC, {"value": "1951"}),
        (Question.Kind.ESSAY, {"text": "x" * 50_000}),
        (Question.Kind.SHORT_ANSWER, {"text": "y" * 50_000}),
        (Question.Kind.SINGLE_CHOICE, {"choice": 10**12}),
        (Question.Kind.MULTIPLE_RESPONSE, {"choices": list(range(5000))}),
        (Question.Kind.ORDERING, {"order": ["a"] * 5000}),
        (Question.Kind.MATCHING, {"matches": {f"m{i}": "x" for i in range(5000)}}),
    ],
    ids=lambda value: value if isinstance(value, str) else None,
)
def test_absurd_values_are_refused_with_400(quiz, student, attempt, kind, answer):
    client = client_for(student)
    target = question(quiz, kind)

    response = client.put(
        responses_url(attempt),
        {"answers": {str(target.pk): answer}},
        format="json",
    )

    assert response.status_code == 400, response.content[:300]
    assert str(target.pk) in response.json()
    assert Response.objects.get(attempt=attempt, question=target).answer is None


@pytest.mark.parametrize("value", ["nan", "inf", "-inf"])
def test_non_finite_numbers_are_refused_with_400(quiz, student, attempt, value):
    client = client_for(student)
    numeric = question(quiz, Question.Kind.NUMERIC)
    # Python writes the JavaScript literals NaN / Infinity that strict JSON forbids.
    body = json.dumps({"answers": {str(numeric.pk): {"value": float(value)}}})
    assert "NaN" in body or "Infinity" in body

    response = client.put(responses_url(attempt), body, content_type="application/json")

    assert response.status_code == 400
    assert response.json()["detail"]
    assert Response.objects.get(attempt=attempt, question=numeric).answer is None


def test_too_many_answers_in_one_request_are_refused(quiz, student, attempt):
    client = client_for(student)
    answers = {str(10_000_000 + i): {"text": "x"} for i in range(3000)}

    response = client.put(responses_url(attempt), {"answers": answers}, format="json")

    assert response.status_code == 400
    assert Attempt.objects.get(pk=attempt.pk).state == Attempt.State.IN_PROGRESS
