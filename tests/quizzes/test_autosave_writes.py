"""An autosave resends the whole form every 20 s: it writes only what changed.

Exam day (issue 20) is hundreds of these at once, so each costs a constant number of
queries, checks each question's key once, writes only the rows whose answer, draft or
certainty changed and shows what it wrote without reading it back; and still nothing a
student writes is lost, whichever tab saves last.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from quizzes import grading, services
from quizzes.errors import QuizChanged
from quizzes.models import Attempt, Question, Response
from tests.quizzes.factories import QuizFactory, make_allocation, make_essay

pytestmark = pytest.mark.django_db


def _exam(student, allocations: int = 2):
    quiz = QuizFactory()
    questions = [make_allocation(quiz, position=n) for n in range(allocations)]
    essay = make_essay(quiz, position=allocations)
    attempt, _ = services.start_attempt(quiz=quiz, student=student)
    return attempt, questions, essay


def _form(questions, essay, *, text="Both sides.", short=None) -> dict:
    post = {"page": "1", f"q{essay.id}_text": text}
    for question in questions:
        # 40 + 50 is short of 100: that question's answer is kept as a draft.
        second = "50" if question == short else "60"
        post[f"q{question.id}_alloc_0"] = "40"
        post[f"q{question.id}_alloc_1"] = second
        post[f"q{question.id}_justification"] = "My argument."
    return post


def _rows(attempt) -> dict[int, tuple]:
    return {
        r.question_id: (r.answer, r.draft, r.certainty, r.saved_at)
        for r in Response.objects.filter(attempt=attempt)
    }


def _autosave(client, attempt, post):
    with CaptureQueriesContext(connection) as queries:
        response = client.post(
            reverse("quizzes:autosave", args=[attempt.pk]), post, HTTP_HX_REQUEST="true"
        )
    assert response.status_code == 200, response.content
    writes = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith(("UPDATE", "INSERT"))
    ]
    return response.content.decode(), writes


def test_the_same_form_again_writes_nothing_and_keeps_every_answer(
    student_client, student
):
    attempt, questions, essay = _exam(student)
    post = _form(questions, essay, short=questions[1])
    first, writes = _autosave(student_client, attempt, post)
    assert len(writes) == 1
    before = _rows(attempt)

    again, writes = _autosave(student_client, attempt, post)

    assert writes == []
    assert _rows(attempt) == before
    # It says what is kept as it did the first time, the draft included.
    assert again.split("Saved at", 1)[1][9:] == first.split("Saved at", 1)[1][9:]
    assert "2 complete answers" in again
    assert "Not complete yet, kept as drafts: question 2" in again
    assert before[essay.id][0] == {"text": "Both sides."}
    assert before[questions[1].id][1]["allocation"] == [40, 50]


def test_a_changed_answer_writes_its_row_alone(student_client, student):
    attempt, questions, essay = _exam(student)
    _autosave(student_client, attempt, _form(questions, essay))
    before = _rows(attempt)

    _html, writes = _autosave(
        student_client, attempt, _form(questions, essay, text="Both sides, edited.")
    )

    after = _rows(attempt)
    assert len(writes) == 1
    assert after[essay.id][0] == {"text": "Both sides, edited."}
    assert after[essay.id][3] > before[essay.id][3]
    for question in questions:
        assert after[question.id] == before[question.id]


def test_a_draft_finished_later_is_written_and_counted(student_client, student):
    attempt, questions, essay = _exam(student)
    _autosave(student_client, attempt, _form(questions, essay, short=questions[0]))

    html, writes = _autosave(student_client, attempt, _form(questions, essay))

    assert len(writes) == 1
    row = Response.objects.get(attempt=attempt, question=questions[0])
    assert row.draft is None
    assert row.answer["allocation"] == [40, 60]
    assert "3 complete answers" in html
    assert "0 questions are still unanswered." in html


def test_the_last_tab_to_save_wins_when_it_sends_an_older_answer(
    student_client, student
):
    # Tab B still shows "First." after tab A saved an edit; B's next autosave is
    # written: the comparison is with the rows as they stand under the attempt's lock.
    attempt, questions, essay = _exam(student)
    _autosave(student_client, attempt, _form(questions, essay, text="First."))
    _autosave(student_client, attempt, _form(questions, essay, text="Tab A."))

    _html, writes = _autosave(
        student_client, attempt, _form(questions, essay, text="First.")
    )

    assert len(writes) == 1
    row = Response.objects.get(attempt=attempt, question=essay)
    assert row.answer == {"text": "First."}


@pytest.mark.parametrize("allocations", [2, 12])
def test_each_key_is_checked_once_per_autosave(
    student_client, student, monkeypatch, allocations
):
    attempt, questions, essay = _exam(student, allocations)
    post = _form(questions, essay)
    checked = []
    real = grading.check_key

    def counting(key):
        if isinstance(key, dict):
            checked.append(key["kind"])
        return real(key)

    monkeypatch.setattr(grading, "check_key", counting)
    _autosave(student_client, attempt, post)

    assert len(checked) == allocations + 1


def test_autosave_queries_stay_the_same_with_or_without_writes(student_client, student):
    attempt, questions, essay = _exam(student, 10)
    post = _form(questions, essay)

    def count(data):
        with CaptureQueriesContext(connection) as queries:
            student_client.post(reverse("quizzes:autosave", args=[attempt.pk]), data)
        return len(queries)

    writing, resending = count(post), count(post)

    # The one UPDATE is left out when nothing changed; nothing else differs.
    assert writing == resending + 1


def test_an_answer_cleared_by_an_autosave_is_null_in_the_database(
    student_client, student
):
    attempt, questions, essay = _exam(student)
    _autosave(student_client, attempt, _form(questions, essay))

    _html, writes = _autosave(student_client, attempt, _form(questions, essay, text=""))

    assert len(writes) == 1
    # SQL NULL, not JSON null: "unanswered" filters (answer__isnull) still find it.
    assert Response.objects.filter(
        attempt=attempt, question=essay, answer__isnull=True, draft__isnull=True
    ).exists()


@pytest.mark.django_db(transaction=True)
def test_a_question_removed_during_a_save_gets_a_clear_refusal_and_keeps_earlier_saves(
    student,
):
    quiz = QuizFactory()
    essay, removed = make_essay(quiz, position=0), make_essay(quiz, position=1)
    removed_id = removed.id
    attempt, _ = services.start_attempt(quiz=quiz, student=student)
    services.save_responses(attempt=attempt, answers={essay.id: {"text": "Kept."}})
    # What the page had loaded before an instructor deleted a question (its rows go
    # with it): the save then writes a row for a question that no longer exists.
    loaded = list(quiz.questions.all())
    removed.delete()

    with pytest.raises(QuizChanged):
        services.save_responses(
            attempt=attempt,
            answers={essay.id: {"text": "Changed."}, removed_id: {"text": "Gone."}},
            questions=loaded,
        )

    assert Response.objects.get(attempt=attempt, question=essay).answer == {
        "text": "Kept."
    }


@pytest.mark.django_db(transaction=True)
def test_a_question_removed_during_an_api_submit_is_a_409_and_the_attempt_stays_open(
    student,
):
    quiz = QuizFactory()
    essay, removed = make_essay(quiz, position=0), make_essay(quiz, position=1)
    attempt, _ = services.start_attempt(quiz=quiz, student=student)
    services.save_responses(attempt=attempt, answers={essay.id: {"text": "Kept."}})
    api = APIClient()
    api.force_authenticate(student)

    def remove_the_question_before_the_answers_are_written(execute, sql, *args):
        if sql.startswith(f'INSERT INTO "{Response._meta.db_table}"') and not done:
            # An instructor's delete, committed on another connection after the submit
            # read the questions and before it writes the answers.
            other = threading.Thread(target=Question.objects.get(pk=removed.pk).delete)
            other.start()
            other.join(timeout=30)
            done.append(not other.is_alive())
        return execute(sql, *args)

    done: list[bool] = []
    with connection.execute_wrapper(remove_the_question_before_the_answers_are_written):
        response = api.post(
            reverse("api-attempt-submit", args=[attempt.pk]),
            {
                "answers": {
                    str(essay.id): {"text": "Changed."},
                    str(removed.id): {"text": "Gone."},
                }
            },
            format="json",
        )

    assert done == [True], "the delete ran, and did not wait for the submit"
    assert response.status_code == 409
    assert response.json()["code"] == "quiz_changed"
    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.IN_PROGRESS
    assert Response.objects.get(attempt=attempt, question=essay).answer == {
        "text": "Kept."
    }
