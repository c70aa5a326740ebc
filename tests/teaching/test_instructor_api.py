"""The instructor API: cohorts, assignments, extensions, gradebook, queue and scoring."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from quizzes.models import Assignment, Attempt, Extension
from tests.accounts.factories import InstructorFactory, UserFactory
from tests.helpers.factories import (
    AssignmentFactory,
    EssayQuestionFactory,
    QuizFactory,
    awaiting_essay,
    cohort_with,
    essay_answer,
    take,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def taught(api_client):
    cohort, instructor, students = cohort_with(students=2)
    api_client.force_authenticate(instructor)
    return cohort, instructor, students


def test_cohort_list_holds_only_my_cohorts_with_counts(api_client, taught):
    cohort, _instructor, _students = taught
    AssignmentFactory(cohort=cohort)
    cohort_with(students=5)
    data = api_client.get(reverse("api-cohort-list")).json()
    assert data["count"] == 1
    row = data["results"][0]
    assert row["id"] == cohort.pk
    assert (row["student_count"], row["assignment_count"], row["queue_count"]) == (
        2,
        1,
        0,
    )
    assert row["course"] == cohort.course.slug


def test_cohort_detail_has_roster_and_assignments(api_client, taught):
    cohort, _instructor, students = taught
    assignment = AssignmentFactory(cohort=cohort)
    data = api_client.get(reverse("api-cohort-detail", kwargs={"pk": cohort.pk})).json()
    assert {s["email"] for s in data["students"]} == {s.email for s in students}
    assert [a["id"] for a in data["assignments"]] == [assignment.pk]
    assert data["assignments"][0]["quiz_title"] == assignment.quiz.title


def test_another_instructors_cohort_is_404(api_client, taught):
    other, _, _ = cohort_with(students=1)
    for name in (
        "api-cohort-detail",
        "api-cohort-assignments",
        "api-cohort-gradebook",
        "api-cohort-grading-queue",
    ):
        assert api_client.get(reverse(name, kwargs={"pk": other.pk})).status_code == 404


def test_post_assignment_creates_it(api_client, taught):
    cohort, instructor, _students = taught
    quiz = QuizFactory(course=cohort.course)
    due = timezone.now() + timedelta(days=5)
    response = api_client.post(
        reverse("api-cohort-assignments", kwargs={"pk": cohort.pk}),
        {"quiz": quiz.pk, "due_at": due.isoformat(), "attempts_allowed": 2},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assignment = Assignment.objects.get(pk=response.json()["id"])
    assert (assignment.quiz, assignment.attempts_allowed) == (quiz, 2)
    assert assignment.created_by == instructor
    listed = api_client.get(
        reverse("api-cohort-assignments", kwargs={"pk": cohort.pk})
    ).json()
    assert [a["id"] for a in listed["results"]] == [assignment.pk]


def test_post_assignment_refusals_are_clear(api_client, taught):
    cohort, _instructor, _students = taught
    url = reverse("api-cohort-assignments", kwargs={"pk": cohort.pk})
    now = timezone.now()
    foreign = QuizFactory()
    response = api_client.post(
        url, {"quiz": foreign.pk, "due_at": now.isoformat()}, format="json"
    )
    assert response.status_code == 400
    assert "this cohort's course" in response.json()["quiz"][0]
    quiz = QuizFactory(course=cohort.course)
    response = api_client.post(
        url,
        {
            "quiz": quiz.pk,
            "opens_at": now.isoformat(),
            "due_at": (now - timedelta(hours=1)).isoformat(),
        },
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["due_at"] == ["The due date must be after the open date."]
    ok = {"quiz": quiz.pk, "due_at": (now + timedelta(days=1)).isoformat()}
    assert api_client.post(url, ok, format="json").status_code == 201
    again = api_client.post(url, ok, format="json")
    assert again.status_code == 409
    assert again.json()["code"] == "already_assigned"
    missing = api_client.post(url, {**ok, "quiz": 999999}, format="json")
    assert missing.status_code == 400


def test_patch_and_delete_an_assignment(api_client, taught):
    cohort, _instructor, _students = taught
    assignment = AssignmentFactory(cohort=cohort, attempts_allowed=1)
    url = reverse("api-assignment-detail", kwargs={"pk": assignment.pk})
    assert api_client.get(url).json()["attempts_allowed"] == 1
    new_due = assignment.due_at + timedelta(days=1)
    response = api_client.patch(
        url,
        {"due_at": new_due.isoformat(), "attempts_allowed": None},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assignment.refresh_from_db()
    assert assignment.due_at == new_due
    assert assignment.attempts_allowed is None
    bad = api_client.patch(
        url,
        {"due_at": (assignment.opens_at - timedelta(days=1)).isoformat()},
        format="json",
    )
    assert bad.status_code == 400
    assert api_client.delete(url).status_code == 204
    assert not Assignment.objects.exists()
    assert api_client.get(url).status_code == 404


def test_grant_list_and_revoke_extensions(api_client, taught):
    cohort, instructor, (ada, _ben) = taught
    assignment = AssignmentFactory(cohort=cohort)
    url = reverse("api-assignment-extensions", kwargs={"pk": assignment.pk})
    response = api_client.post(
        url,
        {
            "student": ada.pk,
            "due_at": (assignment.due_at + timedelta(days=2)).isoformat(),
            "extra_attempts": 1,
            "reason": "Illness",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["active"] is True
    listed = api_client.get(url).json()["results"]
    assert [(e["student"], e["reason"]) for e in listed] == [(ada.pk, "Illness")]
    outsider = api_client.post(
        url,
        {"student": UserFactory().pk, "extra_attempts": 1, "reason": "x"},
        format="json",
    )
    assert outsider.status_code == 400
    assert "student" in outsider.json()
    revoke = reverse("api-extension-detail", kwargs={"pk": listed[0]["id"]})
    assert api_client.delete(revoke).status_code == 204
    assert not Extension.objects.exists()


def test_gradebook_endpoint_returns_grades_statuses_and_averages(api_client, taught):
    cohort, _instructor, (ada, ben) = taught
    now = timezone.now()
    assignment = AssignmentFactory(
        cohort=cohort, opens_at=now - timedelta(days=3), due_at=now - timedelta(days=1)
    )
    Attempt.objects.create(
        quiz=assignment.quiz,
        student=ada,
        number=1,
        state=Attempt.State.GRADED,
        submitted_at=now - timedelta(days=2),
        score=Decimal(3),
        max_score=Decimal(4),
    )
    data = api_client.get(
        reverse("api-cohort-gradebook", kwargs={"pk": cohort.pk})
    ).json()
    assert data["columns"][0]["average"] == 75.0
    cells = {row["student"]["id"]: row["cells"][0] for row in data["rows"]}
    assert (cells[ada.pk]["grade"], cells[ada.pk]["status"]) == (75.0, "done")
    assert (cells[ben.pk]["grade"], cells[ben.pk]["status"]) == (None, "missing")


def test_grading_queue_endpoint_with_a_fixed_query_count(api_client, taught):
    cohort, instructor, (ada, ben) = taught
    quiz = AssignmentFactory(cohort=cohort).quiz
    essay = EssayQuestionFactory(quiz=quiz)
    now = timezone.now()
    url = reverse("api-cohort-grading-queue", kwargs={"pk": cohort.pk})
    awaiting_essay(essay, ada, at=now)
    with CaptureQueriesContext(connection) as one:
        first = api_client.get(url).json()
    assert first["count"] == 1
    assert first["results"][0]["answer"] == {"text": "Both."}
    newcomers = UserFactory.create_batch(6)
    cohort.students.add(*newcomers)
    for student in [ben, *newcomers]:
        awaiting_essay(essay, student, at=now)
    with CaptureQueriesContext(connection) as many:
        data = api_client.get(url).json()
    assert data["count"] == 8
    assert len(one.captured_queries) == len(many.captured_queries)
    other_quiz = api_client.get(url, {"quiz": QuizFactory().pk}).json()
    assert other_quiz["count"] == 0


def test_score_endpoint_grades_the_attempt(api_client, taught):
    cohort, instructor, (ada, _ben) = taught
    quiz = AssignmentFactory(cohort=cohort).quiz
    essay = EssayQuestionFactory(quiz=quiz)
    attempt = take(quiz, ada, essay_answer(essay))
    response_id = attempt.responses.get().pk
    url = reverse("api-response-score", kwargs={"pk": response_id})
    too_much = api_client.post(url, {"score": "9"}, format="json")
    assert too_much.status_code == 400
    assert "between 0 and 4" in too_much.json()["score"][0]
    scored = api_client.post(url, {"score": "2.5", "comment": "Thin."}, format="json")
    assert scored.status_code == 200, scored.json()
    assert scored.json()["attempt_state"] == "graded"
    assert scored.json()["manual_score"] == "2.500"
    attempt.refresh_from_db()
    assert attempt.score == Decimal("2.5")
    stranger = InstructorFactory()
    api_client.force_authenticate(stranger)
    assert api_client.post(url, {"score": "1"}, format="json").status_code == 404


def test_schema_generation_stays_free_of_warnings():
    call_command("spectacular", "--fail-on-warn", "--validate", "--file", "/dev/null")
