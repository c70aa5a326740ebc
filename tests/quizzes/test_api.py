"""The student quiz API: the whole flow, malformed answers, owners, and query counts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from quizzes import grading, selectors, services
from quizzes.models import Attempt, Question, Quiz
from quizzes.tasks import grade_attempt_task
from tests.accounts.factories import UserFactory
from tests.helpers.queries import count_queries
from tests.quizzes.factories import (
    QuizFactory,
    make_question,
    make_quiz_with_every_kind,
)
from tests.quizzes.handles import as_student_sends

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(student):
    client = APIClient()
    client.force_authenticate(student)
    return client


def _key_answers(quiz: Quiz, attempt_id: int) -> dict[str, dict]:
    """Full-marks answers as the attempt's client sends them (choices by handle)."""
    quiz = selectors.quiz_with_questions(quiz_id=quiz.pk)
    answers = {
        str(q.id): grading.key_answer(selectors.question_key(q))
        for q in quiz.questions.all()
    }
    return as_student_sends(Attempt(pk=attempt_id), answers)


def _start(api, quiz) -> int:
    response = api.post(reverse("api-quiz-attempts", args=[quiz.pk]))
    assert response.status_code == 201, response.content
    return response.json()["id"]


def test_start_save_submit_grade_and_read_the_result(
    api, django_capture_on_commit_callbacks
):
    quiz = make_quiz_with_every_kind()
    attempt_id = _start(api, quiz)
    again = api.post(reverse("api-quiz-attempts", args=[quiz.pk]))
    assert again.status_code == 200
    assert again.json()["id"] == attempt_id

    answers = _key_answers(quiz, attempt_id)
    saved = api.put(
        reverse("api-attempt-responses", args=[attempt_id]),
        {"answers": answers},
        format="json",
    )
    assert saved.status_code == 200, saved.content
    assert saved.json()["saved"] == len(answers)

    with django_capture_on_commit_callbacks() as callbacks:
        submitted = api.post(
            reverse("api-attempt-submit", args=[attempt_id]), {}, format="json"
        )
    assert submitted.status_code == 202
    assert submitted.json()["state"] == "submitted"
    assert submitted.json()["score"] is None
    assert len(callbacks) == 1

    # What the worker does with the queued message, run as a plain function.
    assert grade_attempt_task(attempt_id) == Attempt.State.NEEDS_REVIEW

    result = api.get(reverse("api-attempt-detail", args=[attempt_id]))
    body = result.json()
    assert result.status_code == 200
    assert body["state"] == "needs_review"
    assert body["review_available"] is True
    # Full automatic marks on every question; the essay and justification wait.
    automatic = sum(
        float(q.points) for q in quiz.questions.all() if q.kind != Question.Kind.ESSAY
    )
    assert body["score"] == pytest.approx(automatic)
    essay = next(q for q in body["questions"] if q["kind"] == "essay")
    assert essay["review"]["awaiting_manual"] is True

    repeat = api.post(
        reverse("api-attempt-submit", args=[attempt_id]), {}, format="json"
    )
    assert repeat.status_code == 200
    assert repeat.json()["id"] == attempt_id


MALFORMED = {
    Question.Kind.SINGLE_CHOICE: {"choice": "first"},
    Question.Kind.TRUE_FALSE: {"choice": 999999},
    Question.Kind.MULTIPLE_RESPONSE: {"choices": "all of them"},
    Question.Kind.SHORT_ANSWER: {"text": ["not", "text"]},
    Question.Kind.NUMERIC: {"value": "1951"},
    Question.Kind.ORDERING: {"order": ["a", "a", "b"]},
    Question.Kind.MATCHING: {"matches": {"m1": "Atlantis"}},
    Question.Kind.TRADEOFF_ALLOCATION: {"allocation": [60.5, 39.5]},
    Question.Kind.TRADEOFF_POSITION: {"position": 140},
    Question.Kind.ESSAY: {"text": "fine", "extra": 1},
}


@pytest.mark.parametrize("kind", list(MALFORMED))
def test_a_malformed_answer_is_a_400_with_the_reason(api, kind):
    quiz = QuizFactory()
    question = make_question(quiz, kind)
    attempt_id = _start(api, quiz)
    response = api.put(
        reverse("api-attempt-responses", args=[attempt_id]),
        {"answers": {str(question.id): MALFORMED[kind]}},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()[str(question.id)][0]


@pytest.mark.parametrize("kind", list(MALFORMED))
def test_a_malformed_answer_never_reaches_the_database(api, student, kind):
    quiz = QuizFactory()
    question = make_question(quiz, kind)
    attempt_id = _start(api, quiz)
    attempt = Attempt.objects.get(pk=attempt_id)
    with pytest.raises(ValidationError) as error:
        services.save_responses(attempt=attempt, answers={question.id: MALFORMED[kind]})
    assert str(question.id) in error.value.message_dict
    assert attempt.responses.get().answer is None


@pytest.mark.parametrize("body", [{"answers": "nope"}, {"answers": [1, 2]}, {}])
def test_a_malformed_request_body_is_a_400(api, body):
    quiz = QuizFactory()
    make_question(quiz, Question.Kind.NUMERIC)
    attempt_id = _start(api, quiz)
    response = api.put(
        reverse("api-attempt-responses", args=[attempt_id]), body, format="json"
    )
    assert response.status_code == 400


def test_an_answer_to_a_question_not_in_the_attempt_is_a_400(api):
    quiz = QuizFactory()
    make_question(quiz, Question.Kind.NUMERIC)
    attempt_id = _start(api, quiz)
    response = api.put(
        reverse("api-attempt-responses", args=[attempt_id]),
        {"answers": {"not-an-id": {"value": 1}}},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["not-an-id"]


def test_a_save_after_the_deadline_is_a_409_and_closes_the_attempt_at_it(api):
    quiz = QuizFactory(time_limit_minutes=5)
    question = make_question(quiz, Question.Kind.SHORT_ANSWER)
    attempt_id = _start(api, quiz)
    deadline = timezone.now() - timedelta(seconds=5)
    Attempt.objects.filter(pk=attempt_id).update(deadline=deadline)
    response = api.put(
        reverse("api-attempt-responses", args=[attempt_id]),
        {"answers": {str(question.id): {"text": "late"}}},
        format="json",
    )
    assert response.status_code == 409
    assert response.json()["code"] == "deadline_passed"
    attempt = Attempt.objects.get(pk=attempt_id)
    assert attempt.state == Attempt.State.SUBMITTED
    assert attempt.submitted_at == deadline
    assert attempt.responses.get().answer is None


def test_another_students_attempt_is_a_404(api):
    quiz = make_quiz_with_every_kind()
    other = APIClient()
    other.force_authenticate(UserFactory())
    theirs = _start(other, quiz)
    assert api.get(reverse("api-attempt-detail", args=[theirs])).status_code == 404
    put = api.put(
        reverse("api-attempt-responses", args=[theirs]),
        {"answers": {}},
        format="json",
    )
    assert put.status_code == 404
    submit = api.post(reverse("api-attempt-submit", args=[theirs]), {}, format="json")
    assert submit.status_code == 404
    assert Attempt.objects.get(pk=theirs).state == Attempt.State.IN_PROGRESS


def test_anonymous_callers_are_refused():
    quiz = make_quiz_with_every_kind()
    owner = APIClient()
    owner.force_authenticate(UserFactory())
    attempt_id = _start(owner, quiz)
    anonymous = APIClient()
    calls = [
        anonymous.get(reverse("api-quiz-list")),
        anonymous.get(reverse("api-quiz-detail", args=[quiz.pk])),
        anonymous.post(reverse("api-quiz-attempts", args=[quiz.pk])),
        anonymous.get(reverse("api-attempt-detail", args=[attempt_id])),
        anonymous.put(
            reverse("api-attempt-responses", args=[attempt_id]),
            {"answers": {}},
            format="json",
        ),
        anonymous.post(reverse("api-attempt-submit", args=[attempt_id])),
    ]
    assert {c.status_code for c in calls} <= {401, 403}


# --------------------------------------------------------------- query counts


def _quiz_of(size: int) -> Quiz:
    quiz = QuizFactory()
    kinds = list(Question.Kind)
    for position in range(size):
        make_question(quiz, kinds[position % len(kinds)], position=position)
    return quiz


def _flow_counts(size: int, django_capture_on_commit_callbacks) -> dict[str, int]:
    student = UserFactory()
    api = APIClient()
    api.force_authenticate(student)
    quiz = _quiz_of(size)
    attempt_id = _start(api, quiz)
    answers = _key_answers(quiz, attempt_id)

    def ok(response, code=200):
        assert response.status_code == code, response.content
        return response

    counts = {
        "quiz detail": count_queries(
            lambda: ok(api.get(reverse("api-quiz-detail", args=[quiz.pk])))
        ),
        "attempt": count_queries(
            lambda: ok(api.get(reverse("api-attempt-detail", args=[attempt_id])))
        ),
        "save": count_queries(
            lambda: ok(
                api.put(
                    reverse("api-attempt-responses", args=[attempt_id]),
                    {"answers": answers},
                    format="json",
                )
            )
        ),
    }
    with django_capture_on_commit_callbacks():
        counts["submit"] = count_queries(
            lambda: ok(
                api.post(
                    reverse("api-attempt-submit", args=[attempt_id]), {}, format="json"
                ),
                202,
            )
        )
    counts["grade"] = count_queries(
        lambda: services.grade_attempt(attempt_id=attempt_id)
    )
    counts["result"] = count_queries(
        lambda: ok(api.get(reverse("api-attempt-detail", args=[attempt_id])))
    )
    return counts


def test_query_counts_do_not_grow_with_the_number_of_questions(
    django_capture_on_commit_callbacks,
):
    small = _flow_counts(5, django_capture_on_commit_callbacks)
    large = _flow_counts(50, django_capture_on_commit_callbacks)
    assert small == large


@pytest.fixture
def eager_celery(settings):
    """Grading in the submit's own commit, as in the zero-setup run (`make run`)."""
    from config.celery import app as celery_app

    before = celery_app.conf.task_always_eager
    settings.CELERY_TASK_ALWAYS_EAGER = True
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = before


@pytest.mark.django_db(transaction=True)
def test_with_eager_celery_a_submit_answers_with_the_graded_result(
    api, student, eager_celery
):
    quiz = QuizFactory()
    make_question(quiz, "single_choice")
    attempt, _ = services.start_attempt(quiz=quiz, student=student)

    submitted = api.post(
        reverse("api-attempt-submit", args=[attempt.pk]),
        {"answers": _key_answers(quiz, attempt.pk)},
        format="json",
    )

    assert submitted.status_code == 200, submitted.content
    assert submitted.json()["state"] == "graded"
    assert submitted.json()["score"] == 1.0


def test_a_submit_of_someone_elses_attempt_is_not_found(api, other_student):
    attempt, _ = services.start_attempt(quiz=QuizFactory(), student=other_student)
    answer = api.post(
        reverse("api-attempt-submit", args=[attempt.pk]), {}, format="json"
    )
    assert answer.status_code == 404
    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.IN_PROGRESS


def test_a_submit_without_answers_locks_the_attempt_and_closes_it(
    api, student, django_capture_on_commit_callbacks
):
    attempt, _ = services.start_attempt(quiz=_quiz_of(12), student=student)
    url = reverse("api-attempt-submit", args=[attempt.pk])
    with django_capture_on_commit_callbacks() as callbacks:
        with CaptureQueriesContext(connection) as queries:
            submitted = api.post(url, {}, format="json")
    assert submitted.status_code == 202, submitted.content
    # The client is authenticated already: with a token, its lookup comes on top.
    assert [q["sql"].split()[0] for q in queries] == [
        "SAVEPOINT",
        "SELECT",
        "UPDATE",
        "RELEASE",
    ]
    assert submitted.json()["state"] == "submitted"
    assert submitted.json()["id"] == attempt.pk
    assert len(callbacks) == 1


def test_a_repeated_submit_answers_the_same_submission_and_queues_nothing(
    api, student, django_capture_on_commit_callbacks
):
    attempt, _ = services.start_attempt(quiz=QuizFactory(), student=student)
    url = reverse("api-attempt-submit", args=[attempt.pk])
    with django_capture_on_commit_callbacks() as callbacks:
        first = api.post(url, {}, format="json")
        again = api.post(url, {}, format="json")
    assert first.status_code == again.status_code == 202
    assert again.json() == first.json()
    assert len(callbacks) == 1


def test_a_late_submit_through_the_api_closes_at_the_deadline(api, student):
    attempt, _ = services.start_attempt(
        quiz=QuizFactory(time_limit_minutes=5), student=student
    )
    deadline = timezone.now() - timedelta(seconds=5)
    Attempt.objects.filter(pk=attempt.pk).update(deadline=deadline)
    submitted = api.post(
        reverse("api-attempt-submit", args=[attempt.pk]), {}, format="json"
    )
    assert submitted.status_code == 202
    assert Attempt.objects.get(pk=attempt.pk).submitted_at == deadline


def test_a_submit_of_someone_elses_attempt_is_the_usual_404_whatever_the_body(
    api, other_student
):
    attempt, _ = services.start_attempt(quiz=QuizFactory(), student=other_student)
    url = reverse("api-attempt-submit", args=[attempt.pk])
    usual = api.get(reverse("api-attempt-detail", args=[attempt.pk]))
    answers = [
        api.post(url, body, format="json")
        for body in ({}, {"answers": {}}, {"answers": "not an object"})
    ]
    answers.append(api.post(url, "{not json", content_type="application/json"))
    for answer in answers:
        assert answer.status_code == 404, answer.content
        assert answer.json() == usual.json()
    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.IN_PROGRESS


def test_a_malformed_submit_of_my_attempt_is_a_400_and_leaves_it(api, student):
    attempt, _ = services.start_attempt(quiz=QuizFactory(), student=student)
    answer = api.post(
        reverse("api-attempt-submit", args=[attempt.pk]),
        {"answers": "not an object"},
        format="json",
    )
    assert answer.status_code == 400
    assert "answers" in answer.json()
    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.IN_PROGRESS
