"""Nothing a student writes is lost: unfinished answers are drafts, saved per question.

Through the API, the take page's Save and its autosave (htmx posting the form itself),
an allocation short of 100 or a half-given order is kept as a draft beside the complete
answers of the same request; its justification is saved to be marked; at the deadline
the draft's gradable part is what is graded.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from quizzes import grading, presentation, selectors, services
from quizzes.models import Attempt, Response
from tests.quizzes.factories import (
    QuizFactory,
    make_allocation,
    make_ordering,
    make_question,
    make_single_choice,
)
from tests.quizzes.handles import as_student_sends

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def api(student):
    client = APIClient()
    client.force_authenticate(student)
    return client


def _quiz():
    quiz = QuizFactory()
    choice = make_single_choice(quiz, position=0)
    allocation = make_allocation(quiz, position=1)
    ordering = make_ordering(quiz, position=2)
    return quiz, choice, allocation, ordering


# --------------------------------------------------------------- pure split


def test_split_keeps_an_incomplete_allocation_and_grades_its_justification():
    key = {
        "kind": "tradeoff_allocation",
        "points": 2,
        "data": {
            "values": ["A", "B"],
            "ranges": [[0, 100], [0, 100]],
            "falloff": 30,
            "justification": {"points": 2, "rubric": "Argue."},
        },
    }
    split = grading.split_answer(key, {"allocation": [40, 50], "justification": "x"})
    assert split.gradable == {"justification": "x"}
    assert split.draft == {"allocation": [40, 50], "justification": "x"}
    assert "adds up to 90" in split.problem
    complete = grading.split_answer(key, {"allocation": [40, 60]})
    assert complete.draft is None and complete.gradable == {"allocation": [40, 60]}
    with pytest.raises(grading.InvalidAnswer):
        grading.split_answer(key, {"allocation": [40.5, 59.5]})


# --------------------------------------------------------------- the API


def test_api_save_keeps_the_valid_answer_and_drafts_the_incomplete_one(api, student):
    quiz, choice, allocation, _ordering = _quiz()
    attempt, _ = services.start_attempt(quiz=quiz, student=student)
    right = choice.choices.get(credit=1)
    body = {
        str(choice.id): {"choice": right.id},
        str(allocation.id): {"allocation": [40, 50], "justification": "Because."},
    }

    saved = api.put(
        reverse("api-attempt-responses", args=[attempt.pk]),
        {"answers": as_student_sends(attempt, body)},
        format="json",
    )

    assert saved.status_code == 200, saved.content
    assert saved.json()["saved"] == 1
    assert "adds up to 90" in saved.json()["drafts"][str(allocation.id)]
    rows = {r.question_id: r for r in Response.objects.filter(attempt=attempt)}
    assert rows[choice.id].answer == {"choice": right.id}
    assert rows[allocation.id].draft == {
        "allocation": [40, 50],
        "justification": "Because.",
    }
    detail = api.get(reverse("api-attempt-detail", args=[attempt.pk])).json()
    shown = next(q for q in detail["questions"] if q["id"] == allocation.id)
    assert shown["draft"] == {"allocation": [40, 50], "justification": "Because."}
    assert "adds up to 90" in shown["problem"]
    assert shown["answered"] is False


def test_malformed_json_is_a_400_and_changes_nothing(api, student):
    quiz, choice, allocation, _ordering = _quiz()
    attempt, _ = services.start_attempt(quiz=quiz, student=student)
    url = reverse("api-attempt-responses", args=[attempt.pk])
    first = as_student_sends(
        attempt,
        {str(allocation.id): {"allocation": [40, 50], "justification": "Kept."}},
    )
    api.put(url, {"answers": first}, format="json")

    broken = api.generic("PUT", url, '{"answers": {', content_type="application/json")
    mistyped = api.put(
        url, {"answers": {str(allocation.id): {"allocation": "ninety"}}}, format="json"
    )

    assert broken.status_code == 400 and mistyped.status_code == 400
    row = Response.objects.get(attempt=attempt, question=allocation)
    assert row.draft == {"allocation": [40, 50], "justification": "Kept."}


def test_at_the_deadline_the_draft_is_graded_as_incomplete_and_its_argument_marked(
    student,
):
    quiz, _choice, allocation, _ordering = _quiz()
    attempt, _ = services.start_attempt(quiz=quiz, student=student)
    services.save_responses(
        attempt=attempt,
        answers={allocation.id: {"allocation": [40, 50], "justification": "Argued."}},
    )
    later = attempt.started_at + timedelta(hours=1)
    Attempt.objects.filter(pk=attempt.pk).update(deadline=later - timedelta(minutes=1))
    services.close_expired_attempt(attempt_id=attempt.pk, now=later)
    graded = services.grade_attempt(attempt_id=attempt.pk)

    row = Response.objects.get(attempt=attempt, question=allocation)
    assert graded.state == Attempt.State.NEEDS_REVIEW
    assert row.auto_score == 0
    assert row.needs_manual is True  # the justification waits for a person
    assert row.answer == {"justification": "Argued."}


# --------------------------------------------------------------- autosave


def _form_post(attempt, **fields) -> dict:
    return {"page": "1", **fields}


def test_autosave_posts_the_form_and_says_what_was_kept(student_client, student):
    quiz, choice, allocation, _ordering = _quiz()
    attempt, _ = services.start_attempt(quiz=quiz, student=student)
    handles = presentation.handles_for(
        Attempt.objects.get(pk=attempt.pk), selectors.ordered_questions(attempt)
    )
    right = choice.choices.get(credit=1)
    url = reverse("quizzes:autosave", args=[attempt.pk])

    response = student_client.post(
        url,
        {
            "page": "1",
            f"q{choice.id}_choice": handles.of(choice.id, right.id),
            f"q{allocation.id}_alloc_0": "40",
            f"q{allocation.id}_alloc_1": "50",
            f"q{allocation.id}_justification": "My argument.",
        },
        HTTP_HX_REQUEST="true",
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "1 complete answer" in html
    assert "Not complete yet, kept as drafts: question 2" in html
    assert "adds up to 90" in html
    # Out of band: the count and each question's problem box follow the answers.
    assert 'id="unanswered-count" hx-swap-oob="true"' in html
    assert "2 questions are still unanswered." in html
    assert f'id="q{allocation.id}-problem" hx-swap-oob="true"' in html
    rows = {r.question_id: r for r in Response.objects.filter(attempt=attempt)}
    assert rows[choice.id].answer == {"choice": right.id}
    assert rows[allocation.id].answer == {"justification": "My argument."}


def test_autosave_after_the_deadline_closes_the_attempt_and_redirects(
    student_client, student
):
    quiz, *_ = _quiz()
    attempt, _ = services.start_attempt(quiz=quiz, student=student)
    Attempt.objects.filter(pk=attempt.pk).update(
        deadline=timezone.now() - timedelta(seconds=5)
    )
    response = student_client.post(
        reverse("quizzes:autosave", args=[attempt.pk]), {"page": "1"}
    )
    assert response.status_code == 204
    assert response["HX-Redirect"] == reverse("quizzes:result", args=[attempt.pk])
    assert Attempt.objects.get(pk=attempt.pk).state == Attempt.State.SUBMITTED


def test_autosave_of_someone_elses_attempt_is_not_found(student_client, other_student):
    quiz, *_ = _quiz()
    attempt, _ = services.start_attempt(quiz=quiz, student=other_student)
    response = student_client.post(
        reverse("quizzes:autosave", args=[attempt.pk]), {"page": "1"}
    )
    assert response.status_code == 404


def _autosave_queries(client, student, size: int) -> list[str]:
    quiz = QuizFactory()
    for position in range(size):
        make_question(quiz, "tradeoff_allocation", position=position)
    attempt, _ = services.start_attempt(quiz=quiz, student=student)
    post = {"page": "1"}
    for question in quiz.questions.all():
        post[f"q{question.id}_alloc_0"] = "30"
        post[f"q{question.id}_alloc_1"] = "60"
        post[f"q{question.id}_justification"] = "Argued."
    with CaptureQueriesContext(connection) as queries:
        response = client.post(reverse("quizzes:autosave", args=[attempt.pk]), post)
    assert response.status_code == 200
    assert Response.objects.filter(attempt=attempt, draft__isnull=False).count() == size
    return [query["sql"] for query in queries.captured_queries]


def test_autosave_query_count_does_not_grow_with_the_questions(student_client, student):
    assert len(_autosave_queries(student_client, student, 3)) == len(
        _autosave_queries(student_client, student, 30)
    )


def test_autosave_reads_the_attempt_and_questions_once_and_nothing_after_the_save(
    student_client, student
):
    sql = _autosave_queries(student_client, student, 3)

    # The attempt with its quiz and questions, then its row locked for the save (which
    # checks the answers against the questions already loaded); what the answer shows
    # after the save is the rows the save wrote, not a second read.
    attempts = [q for q in sql if q.startswith('SELECT "quizzes_attempt"')]
    assert len(attempts) == 2
    assert attempts[1].endswith("FOR UPDATE")
    assert len([q for q in sql if q.startswith('SELECT "quizzes_question"')]) == 1
    saved = max(
        i for i, q in enumerate(sql) if q.startswith('INSERT INTO "quizzes_response"')
    )
    assert "ON CONFLICT" in sql[saved]
    assert [q for q in sql[saved + 1 :] if q.startswith("SELECT")] == []


def test_the_take_page_loads_the_pinned_htmx_and_no_api_answer_mapping(
    student_client, student
):
    quiz, *_ = _quiz()
    attempt, _ = services.start_attempt(quiz=quiz, student=student)
    html = student_client.get(reverse("quizzes:attempt", args=[attempt.pk])).content
    html = html.decode()
    assert "vendor/htmx-2.0.11.min.js" in html
    assert '"includeIndicatorStyles": false' in html
    assert "hx-on" not in html
    vendored = (ROOT / "static" / "vendor" / "htmx-2.0.11.min.js").read_bytes()
    pinned = ROOT / "node_modules" / "htmx.org" / "dist" / "htmx.min.js"
    assert vendored == pinned.read_bytes(), "static/vendor must be the npm-pinned htmx"
    script = (ROOT / "static" / "js" / "quiz.js").read_text()
    # One parser of the answer form: the server's (quizzes/answer_form.py).
    assert "answerOf" not in script and "JSON.stringify" not in script


def test_a_question_added_after_the_start_takes_its_answer_by_handle(api, student):
    quiz, choice, _allocation, _ordering = _quiz()
    attempt, _ = services.start_attempt(quiz=quiz, student=student)
    added = make_single_choice(quiz, position=9)
    right = added.choices.get(credit=1)
    body = api.get(reverse("api-attempt-detail", args=[attempt.pk])).json()
    shown = next(q for q in body["questions"] if q["id"] == added.id)
    handle = next(c["id"] for c in shown["choices"] if c["text"] == right.text)

    saved = api.put(
        reverse("api-attempt-responses", args=[attempt.pk]),
        {"answers": {str(added.id): {"choice": handle}}},
        format="json",
    )

    assert saved.status_code == 200, saved.content
    row = Response.objects.get(attempt=attempt, question=added)
    assert row.answer == {"choice": right.id}
