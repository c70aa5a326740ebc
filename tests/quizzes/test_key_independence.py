"""Nothing a student receives before review correlates with the key, over the whole bank.

The bank writes each key first (the full-credit choice, the correct choices, the items in
their correct order). Whatever the student is sent — the order choices and items are
shown in, and the ids that name them, in the API and in the take page's markup — must not
follow that authoring order. For every quiz of the shipped bank this test starts several
attempts and measures where the key falls among what was shown: its normalised rank (0 =
first, 1 = last) averages one half when the key is independent of the order, and 0 when
the key comes first, as it did when choices went out under their database ids.
"""

from __future__ import annotations

import re
from itertools import combinations
from pathlib import Path
from statistics import mean, stdev

import pytest
from django.core.management import call_command
from django.urls import reverse
from rest_framework.test import APIClient

from quizzes.models import Question, Quiz
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

REPO_ROOT = Path(__file__).resolve().parents[2]
FIXTURES = [
    REPO_ROOT / "fixtures" / "migration_course.json",
    REPO_ROOT / "fixtures" / "migration_quizzes.json",
]
ATTEMPTS_PER_QUIZ = 6
# How many standard errors a mean may stray from its centre by chance: at 4.5 a correct
# build fails about once in 150,000 runs, while a key-first order is dozens away.
STANDARD_ERRORS = 4.5
HANDLE = re.compile(r"^[0-9a-f]{12}$")


def _rank(position: int, count: int) -> float:
    return position / (count - 1)


def _tau(shown: list, correct: list) -> float:
    """Kendall's tau between an order shown and the correct order (1 = identical)."""
    place = {item: i for i, item in enumerate(shown)}
    pairs = list(combinations(correct, 2))
    agree = sum(1 if place[a] < place[b] else -1 for a, b in pairs)
    return agree / len(pairs)


@pytest.fixture
def bank():
    call_command("loaddata", *map(str, FIXTURES), verbosity=0)
    quizzes = list(Quiz.objects.order_by("pk"))
    # Retakes for the sampling: the bank's own limit is not what is measured here.
    Quiz.objects.update(attempts_allowed=None, opens_at=None, closes_at=None)
    return quizzes


def _keys(quiz: Quiz) -> dict[int, dict]:
    """The key of each choice and ordering question, by choice and item text."""
    keys = {}
    for question in quiz.questions.prefetch_related("choices"):
        if question.kind in (
            Question.Kind.SINGLE_CHOICE,
            Question.Kind.MULTIPLE_RESPONSE,
        ):
            keys[question.id] = {
                "kind": question.kind,
                "correct": {c.text for c in question.choices.all() if c.credit > 0},
            }
        elif question.kind == Question.Kind.ORDERING:
            keys[question.id] = {
                "kind": question.kind,
                "order": [item["text"] for item in question.data["items"]],
            }
    return keys


def _html_ids(html: str, question_id: int) -> list[str]:
    """The choice values or ordering item names of one question, in page order."""
    part = html.split(f'data-question="{question_id}"', 1)[1].split("</fieldset>")[0]
    return re.findall(r'value="([^"]+)"[^>]*>\s*<label', part) or re.findall(
        r'data-item="([^"]+)"', part
    )


def _samples(bank) -> dict[str, list[float]]:
    samples: dict[str, list[float]] = {
        "display rank": [],
        "id rank": [],
        "display tau": [],
        "id tau": [],
    }
    api, page = APIClient(), APIClient()
    for quiz in bank:
        keys = _keys(quiz)
        for _ in range(ATTEMPTS_PER_QUIZ):
            student = UserFactory()
            api.force_authenticate(student)
            page.force_login(student)
            started = api.post(reverse("api-quiz-attempts", args=[quiz.pk]))
            assert started.status_code in (200, 201), started.content
            body = started.json()
            html = page.get(
                reverse("quizzes:attempt", args=[body["id"]])
            ).content.decode()
            for question in body["questions"]:
                key = keys.get(question["id"])
                if key is None:
                    continue
                listed = question.get("choices") or question["items"]
                ids = [entry["id"] for entry in listed]
                texts = [entry["text"] for entry in listed]
                assert all(HANDLE.match(str(i)) for i in ids), ids
                # The page names them exactly as the API does, in the same order.
                assert _html_ids(html, question["id"]) == ids
                by_id = sorted(ids)
                if key["kind"] == Question.Kind.ORDERING:
                    text_of = dict(zip(ids, texts, strict=True))
                    samples["display tau"].append(_tau(texts, key["order"]))
                    samples["id tau"].append(
                        _tau([text_of[i] for i in by_id], key["order"])
                    )
                    continue
                for position, (choice_id, text) in enumerate(
                    zip(ids, texts, strict=True)
                ):
                    if text not in key["correct"]:
                        continue
                    samples["display rank"].append(_rank(position, len(ids)))
                    samples["id rank"].append(_rank(by_id.index(choice_id), len(ids)))
    return samples


def _assert_centred(name: str, values: list[float], centre: float) -> None:
    bound = STANDARD_ERRORS * stdev(values) / len(values) ** 0.5
    assert abs(mean(values) - centre) < bound, (name, mean(values), centre, bound)


def test_the_key_is_independent_of_the_order_and_the_ids_a_student_is_sent(bank):
    samples = _samples(bank)
    assert len(samples["display rank"]) >= 200, "the bank should give many samples"
    assert len(samples["display tau"]) >= 20
    # The key's rank among the choices shown, by place and by id: uniform, mean 1/2.
    _assert_centred("display rank", samples["display rank"], 0.5)
    _assert_centred("id rank", samples["id rank"], 0.5)
    # The order items are shown in, and the order of their ids: tau 0 on average.
    _assert_centred("display tau", samples["display tau"], 0.0)
    _assert_centred("id tau", samples["id tau"], 0.0)


def test_handles_differ_between_attempts_and_never_are_database_ids(bank):
    quiz = next(q for q in bank if q.questions.filter(kind="single_choice").exists())
    api = APIClient()
    seen = []
    for _ in range(2):
        api.force_authenticate(UserFactory())
        body = api.post(reverse("api-quiz-attempts", args=[quiz.pk])).json()
        question = next(q for q in body["questions"] if q["kind"] == "single_choice")
        seen.append({c["id"] for c in question["choices"]})
    database_ids = {
        str(pk) for pk in quiz.questions.values_list("choices__pk", flat=True)
    }
    assert not seen[0] & seen[1]
    assert not (seen[0] | seen[1]) & database_ids
