"""Instructor API on a student's work: the attempt review, a cell's grade, overrides."""

from __future__ import annotations

import pytest
from django.urls import reverse

from quizzes.models import GradeAudit, GradeOverride
from tests.accounts.factories import InstructorFactory, StaffFactory
from tests.helpers.factories import (
    AssignmentFactory,
    EssayQuestionFactory,
    QuizFactory,
    choice_question,
    cohort_with,
    essay_answer,
    take,
)
from tests.helpers.queries import count_get

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    cohort, instructor, (ada,) = cohort_with(students=1)
    quiz = QuizFactory(course=cohort.course)
    assignment = AssignmentFactory(cohort=cohort, quiz=quiz)
    essay = EssayQuestionFactory(quiz=quiz)
    choice = choice_question(quiz)
    attempt = take(
        quiz,
        ada,
        {**essay_answer(essay), str(choice.pk): {"choice": choice.choices.first().pk}},
    )
    return instructor, ada, assignment, attempt, essay


def _grade_url(assignment, student) -> str:
    return reverse(
        "api-student-grade", kwargs={"pk": assignment.pk, "student_id": student.pk}
    )


def test_put_overrides_and_a_repeat_is_one_audit_row(api_client, world):
    instructor, ada, assignment, _attempt, _essay = world
    api_client.force_authenticate(instructor)
    body = {"grade": "77.5", "reason": "Regraded by hand."}
    first = api_client.put(_grade_url(assignment, ada), body, format="json")
    again = api_client.put(_grade_url(assignment, ada), body, format="json")
    assert first.status_code == again.status_code == 200
    data = again.json()
    assert data["grade"] == 77.5 and data["override"]["reason"] == "Regraded by hand."
    assert data["computed"] is None  # the essay is still waiting for a person
    assert len(data["audits"]) == 1
    assert GradeAudit.objects.count() == 1


def test_excused_then_delete(api_client, world):
    instructor, ada, assignment, _attempt, _essay = world
    api_client.force_authenticate(instructor)
    url = _grade_url(assignment, ada)
    excused = api_client.put(url, {"excused": True, "reason": "Ill."}, format="json")
    assert excused.json()["status"] == "excused"
    gone = api_client.delete(url, {"reason": "Mistake."}, format="json")
    assert gone.status_code == 200 and gone.json()["override"] is None
    assert not GradeOverride.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        {"grade": "101", "reason": "x"},
        {"reason": "no grade"},
        {"grade": "50"},
        {"grade": "fifty", "reason": "x"},
    ],
)
def test_bad_input_is_a_400_and_writes_nothing(api_client, world, body):
    instructor, ada, assignment, _attempt, _essay = world
    api_client.force_authenticate(instructor)
    answer = api_client.put(_grade_url(assignment, ada), body, format="json")
    assert answer.status_code == 400
    assert not GradeAudit.objects.exists()


def test_the_gradebook_api_reports_the_override(api_client, world):
    instructor, ada, assignment, _attempt, _essay = world
    api_client.force_authenticate(instructor)
    api_client.put(
        _grade_url(assignment, ada), {"grade": "60", "reason": "Viva."}, format="json"
    )
    book = api_client.get(
        reverse("api-cohort-gradebook", args=[assignment.cohort_id])
    ).json()
    (cell,) = book["rows"][0]["cells"]
    assert cell["grade"] == 60.0 and cell["override"]["reason"] == "Viva."


def test_question_override_and_attempt_review(api_client, world):
    instructor, _ada, _assignment, attempt, essay = world
    api_client.force_authenticate(instructor)
    response = attempt.responses.get(question=essay)
    url = reverse("api-response-override", args=[response.pk])
    done = api_client.post(url, {"score": "3", "reason": "Paper."}, format="json")
    assert done.status_code == 200
    assert done.json()["score"] == "3.000"
    review = api_client.get(reverse("api-instructor-attempt", args=[attempt.pk]))
    assert review.status_code == 200
    data = review.json()
    assert data["state"] == "graded"
    assert {r["override_reason"] for r in data["responses"]} == {"", "Paper."}
    assert all("review" in q for q in data["questions"])  # keys for the instructor
    too_much = api_client.post(url, {"score": "99", "reason": "x"}, format="json")
    assert too_much.status_code == 400


def test_outside_instructors_and_students_find_nothing(api_client, world):
    _instructor, ada, assignment, attempt, essay = world
    response = attempt.responses.get(question=essay)
    urls = [
        ("get", _grade_url(assignment, ada)),
        ("get", reverse("api-instructor-attempt", args=[attempt.pk])),
        ("post", reverse("api-response-override", args=[response.pk])),
    ]
    for user in (InstructorFactory(), ada):
        api_client.force_authenticate(user)
        for method, url in urls:
            body = {"score": "1", "reason": "x"}
            answer = getattr(api_client, method)(url, body, format="json")
            assert answer.status_code == 404, (user, url)
    api_client.force_authenticate(StaffFactory())
    assert api_client.get(urls[1][1]).status_code == 200


def test_attempt_review_api_queries_do_not_grow(api_client):
    cohort, instructor, (ada, ben) = cohort_with(students=2)
    attempts = []
    for student, size in ((ada, 2), (ben, 12)):
        quiz = QuizFactory(course=cohort.course)
        answers = {}
        for _ in range(size):
            answers.update(essay_answer(EssayQuestionFactory(quiz=quiz)))
            choice_question(quiz)
        attempts.append(take(quiz, student, answers))
    api_client.force_authenticate(instructor)
    few, many = (
        count_get(api_client, reverse("api-instructor-attempt", args=[a.pk]))
        for a in attempts
    )
    assert few == many


def test_the_student_quiz_api_gives_the_override_and_reason(api_client, world):
    instructor, ada, assignment, _attempt, _essay = world
    api_client.force_authenticate(instructor)
    api_client.put(
        _grade_url(assignment, ada), {"grade": "64", "reason": "Viva."}, format="json"
    )
    api_client.force_authenticate(ada)
    data = api_client.get(reverse("api-quiz-detail", args=[assignment.quiz_id])).json()
    assert data["grade"] == 64.0
    assert data["grade_override"] == {
        "grade": 64.0,
        "excused": False,
        "reason": "Viva.",
    }
