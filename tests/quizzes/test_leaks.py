"""The answer key never reaches a student before the review policy allows it.

Every question kind carries distinctive marker strings in its explanation, its choice
feedback (feedback, gains, costs, objection) and its accepted answers, and distinctive
numbers in its ranges and numeric key, so a plain substring search of each page and API
body is meaningful. The positive controls (the same search finds the markers once the
policy allows review) prove the search would catch a leak.
"""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from quizzes import grading, selectors, services
from quizzes.models import Attempt, Quiz, Response
from tests.quizzes.factories import make_quiz_with_every_kind
from tests.quizzes.handles import as_student_sends

pytestmark = pytest.mark.django_db

MARK = "Zq7Leak"
# Strings only a key, a credit, feedback or an explanation could put on a page.
MARKER_STRINGS = [
    f"{MARK}fb-",
    f"{MARK}explanation",
    f"{MARK}accepted",
    f"{MARK}gains",
    f"{MARK}costs",
    f"{MARK}objection",
]
# The allocation ranges, the position range and the numeric key.
KEY_NUMBERS = [
    "31.25",
    "58.75",
    "41.25",
    "68.75",
    "37.25",
    "62.75",
    "1951.375",
    "0.125",
]
# JSON fields that only the review (or a raw key) has.
KEY_FIELDS = ["credit", "correct", "accepted", "ranges", "range", "explanation_html"]
KEY_FIELDS += ["feedback", "key", "review", "tolerance", "falloff", "answers"]


def _secrets_in(text: str) -> list[str]:
    found = [marker for marker in MARKER_STRINGS if marker in text]
    found += [
        number
        for number in KEY_NUMBERS
        if re.search(rf"(?<![\d.]){re.escape(number)}(?![\d])", text)
    ]
    return found


def _key_fields_in(body) -> list[str]:
    found = []

    def walk(value):
        if isinstance(value, dict):
            for name, inner in value.items():
                if name in KEY_FIELDS:
                    found.append(name)
                walk(inner)
        elif isinstance(value, list):
            for inner in value:
                walk(inner)

    walk(body)
    return found


def _assert_no_leak(where: str, response) -> None:
    text = response.content.decode()
    assert not _secrets_in(text), f"{where} leaks {_secrets_in(text)}"
    if response.get("Content-Type", "").startswith("application/json"):
        fields = _key_fields_in(json.loads(text))
        assert not fields, f"{where} has key fields {fields}"


def _key_answers(attempt: Attempt) -> dict[int, dict]:
    """An answer to every question, full marks where the answer cannot echo the key.

    The short and numeric answers are wrong on purpose: typed as the key, the student's
    own answer would put the marker on the page without any leak.
    """
    quiz = selectors.quiz_with_questions(quiz_id=attempt.quiz_id)
    answers = {}
    for question in quiz.questions.all():
        answer = grading.key_answer(selectors.question_key(question))
        if question.kind == "short_answer":
            answer = {"text": "the state"}
        elif question.kind == "numeric":
            answer = {"value": 1900}
        elif question.kind == "tradeoff_allocation":
            answer["justification"] = "Security matters; so do rights."
        answers[question.id] = answer
    return answers


def _finish(attempt: Attempt, answers: dict[int, dict]) -> None:
    """Save answers, submit and grade, as the student's pages and the worker do."""
    services.save_responses(attempt=attempt, answers=answers)
    services.submit_attempt(attempt=attempt)
    services.grade_attempt(attempt_id=attempt.pk)


def _student_views(client, api, quiz, attempt) -> dict:
    """Every student-facing page and read endpoint for this quiz and attempt."""
    return {
        "intro page": client.get(reverse("quizzes:intro", args=[quiz.pk])),
        "history page": client.get(reverse("quizzes:history", args=[quiz.pk])),
        "take page": client.get(reverse("quizzes:attempt", args=[attempt.pk])),
        "confirm page": client.get(reverse("quizzes:submit", args=[attempt.pk])),
        "result page": client.get(reverse("quizzes:result", args=[attempt.pk])),
        "API quiz list": api.get(reverse("api-quiz-list")),
        "API quiz detail": api.get(reverse("api-quiz-detail", args=[quiz.pk])),
        "API attempts": api.get(reverse("api-quiz-attempts", args=[quiz.pk])),
        "API attempt": api.get(reverse("api-attempt-detail", args=[attempt.pk])),
    }


@pytest.fixture
def clients(client, student):
    client.force_login(student)
    api = APIClient()
    api.force_authenticate(student)
    return client, api


# Review levels at (immediately after, later while open, after the close), named for
# the three policies quizzes had before Moodle's split.
PRESETS = {
    "score_only": ("score", "score", "score"),
    "after_submit": ("answers", "answers", "answers"),
    "after_close": ("score", "score", "answers"),
}
SCORE_ONLY, AFTER_SUBMIT = "score_only", "after_submit"


def _quiz(policy: str, **kwargs) -> Quiz:
    immediately, while_open, after_close = PRESETS[policy]
    return make_quiz_with_every_kind(
        marker=MARK,
        review_immediately=immediately,
        review_while_open=while_open,
        review_after_close=after_close,
        shuffle_choices=True,
        **kwargs,
    )


POLICIES = list(PRESETS)


@pytest.mark.parametrize("policy", POLICIES)
def test_nothing_leaks_while_the_attempt_is_in_progress(policy, clients, student):
    client, api = clients
    quiz = _quiz(policy)
    started = api.post(reverse("api-quiz-attempts", args=[quiz.pk]))
    assert started.status_code == 201
    _assert_no_leak("API start", started)
    attempt = Attempt.objects.get(pk=started.json()["id"])
    # The student's own answers on the page must not bring the key along.
    for question_id, answer in _key_answers(attempt).items():
        Response.objects.filter(attempt=attempt, question_id=question_id).update(
            answer=answer
        )
    for where, response in _student_views(client, api, quiz, attempt).items():
        assert response.status_code in (200, 302), where
        _assert_no_leak(where, response)
    take = client.get(reverse("quizzes:attempt", args=[attempt.pk]))
    assert take.status_code == 200
    assert "ordering" in take.content.decode()


@pytest.mark.parametrize("policy", POLICIES)
def test_a_refused_page_save_shows_the_reason_and_no_key(policy, clients, student):
    client, _api = clients
    quiz = _quiz(policy)
    attempt, _ = services.start_attempt(quiz=quiz, student=student)
    numeric = quiz.questions.get(kind="numeric")
    response = client.post(
        reverse("quizzes:attempt", args=[attempt.pk]),
        {f"q{numeric.id}_value": "nineteen", "action": "save"},
    )
    assert response.status_code == 200
    assert "Enter a number" in response.content.decode()
    _assert_no_leak("take page with an error", response)


def test_the_take_page_and_api_name_choices_and_items_by_handles_not_ids(
    clients, student
):
    """Structure, not only text: no id that follows authoring (key) order goes out."""
    client, api = clients
    quiz = _quiz(AFTER_SUBMIT)
    attempt, _ = services.start_attempt(quiz=quiz, student=student)
    html = client.get(reverse("quizzes:attempt", args=[attempt.pk])).content.decode()
    body = api.get(reverse("api-attempt-detail", args=[attempt.pk])).json()
    items = re.findall(r'data-item="([^"]+)"', html)
    values = re.findall(r'type="(?:radio|checkbox)"[^>]*value="([^"]+)"', html)
    sent = [c["id"] for q in body["questions"] for c in q.get("choices", [])]
    sent += [i["id"] for q in body["questions"] for i in q.get("items", [])]
    real_ids = {str(pk) for pk in quiz.questions.values_list("choices__pk", flat=True)}
    real_ids |= {"a", "b", "c"}
    assert len(items) == 3 and values and sent
    for handle in items + values + sent:
        assert re.fullmatch(r"[0-9a-f]{12}", handle), handle
        assert handle not in real_ids
    assert set(items + values) <= set(sent)


@pytest.mark.parametrize("policy", POLICIES)
def test_after_grading_the_key_shows_only_when_the_policy_allows(
    policy, clients, student
):
    client, api = clients
    now = timezone.now()
    quiz = _quiz(policy, closes_at=now + timedelta(days=2))
    attempt, _ = services.start_attempt(quiz=quiz, student=student)
    _finish(attempt, _key_answers(attempt))
    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.NEEDS_REVIEW

    views = _student_views(client, api, quiz, attempt)
    result, api_attempt = views.pop("result page"), views.pop("API attempt")
    for where, response in views.items():
        _assert_no_leak(f"{where} ({policy}, graded)", response)
    assert result.status_code == 200
    assert "out of" in result.content.decode()
    if policy == AFTER_SUBMIT:
        # Positive control: the same search finds every kind of secret once allowed.
        found = _secrets_in(result.content.decode())
        assert {f"{MARK}fb-", f"{MARK}explanation", f"{MARK}accepted"} <= set(found)
        assert {f"{MARK}gains", "31.25", "37.25", "1951.375"} <= set(found)
        assert "review" in api_attempt.json()["questions"][0]
    else:
        _assert_no_leak(f"result page ({policy})", result)
        _assert_no_leak(f"API attempt ({policy})", api_attempt)
        assert api_attempt.json()["score"] is not None

    # The quiz closes: only after_close opens the review; score_only never does.
    Quiz.objects.filter(pk=quiz.pk).update(closes_at=now - timedelta(minutes=1))
    result = client.get(reverse("quizzes:result", args=[attempt.pk]))
    api_attempt = api.get(reverse("api-attempt-detail", args=[attempt.pk]))
    if policy == SCORE_ONLY:
        _assert_no_leak("result page (score_only, closed)", result)
        _assert_no_leak("API attempt (score_only, closed)", api_attempt)
        assert "shows your score only" in result.content.decode()
    else:
        assert f"{MARK}explanation" in result.content.decode()
        assert f"{MARK}explanation" in api_attempt.content.decode()


@pytest.mark.parametrize("policy", POLICIES)
def test_api_save_and_submit_responses_leak_nothing(policy, clients, student):
    client, api = clients
    quiz = _quiz(policy, closes_at=timezone.now() + timedelta(days=2))
    started = api.post(reverse("api-quiz-attempts", args=[quiz.pk]))
    attempt = Attempt.objects.get(pk=started.json()["id"])
    answers = as_student_sends(
        attempt, {str(qid): answer for qid, answer in _key_answers(attempt).items()}
    )
    saved = api.put(
        reverse("api-attempt-responses", args=[attempt.pk]),
        {"answers": answers},
        format="json",
    )
    assert saved.status_code == 200
    _assert_no_leak("API save", saved)
    submitted = api.post(
        reverse("api-attempt-submit", args=[attempt.pk]), {}, format="json"
    )
    assert submitted.status_code == 202
    again = api.post(
        reverse("api-attempt-submit", args=[attempt.pk]), {}, format="json"
    )
    assert again.status_code == 202
    # The 202 is a small state report whatever the policy; the review is read with GET.
    _assert_no_leak("API submit", submitted)
    _assert_no_leak("API submit again", again)
    if policy == AFTER_SUBMIT:
        # Allowed the moment it is submitted.
        detail = api.get(reverse("api-attempt-detail", args=[attempt.pk]))
        assert f"{MARK}explanation" in detail.content.decode()
    else:
        # Submitted, not yet graded: every view of it is still closed.
        for where, response in _student_views(client, api, quiz, attempt).items():
            _assert_no_leak(f"{where} ({policy}, being graded)", response)


@pytest.mark.parametrize("policy", POLICIES)
def test_a_refused_api_save_says_why_without_the_key(policy, clients, student):
    _client, api = clients
    quiz = _quiz(policy)
    started = api.post(reverse("api-quiz-attempts", args=[quiz.pk]))
    attempt = Attempt.objects.get(pk=started.json()["id"])
    numeric = quiz.questions.get(kind="numeric")
    refused = api.put(
        reverse("api-attempt-responses", args=[attempt.pk]),
        {"answers": {str(numeric.id): {"value": "1950"}}},
        format="json",
    )
    assert refused.status_code == 400
    assert "number" in refused.json()[str(numeric.id)][0]
    _assert_no_leak("API save error", refused)
