"""Instructor pages on a student's work: the attempt, the gradebook cell, overrides, the
score form's rubric; and what the student then sees."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from quizzes import services
from quizzes.models import GradeAudit, GradeOverride, Question
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

pytestmark = pytest.mark.django_db

CRITERIA = [
    {
        "name": "Names both values",
        "levels": [
            {"label": "Neither", "points": 0},
            {"label": "Both", "points": 2, "description": "With a cost each."},
        ],
    },
    {
        "name": "Answers the objection",
        "levels": [
            {"label": "No", "points": 0},
            {"label": "Partly", "points": 0.5},
            {"label": "Fully", "points": 2},
        ],
    },
]


@pytest.fixture
def world():
    cohort, instructor, (ada,) = cohort_with(students=1, name="Section A")
    quiz = QuizFactory(course=cohort.course, title="Borders and rights")
    assignment = AssignmentFactory(cohort=cohort, quiz=quiz)
    essay = EssayQuestionFactory(
        quiz=quiz,
        points=Decimal(4),
        data={"rubric": "Weigh both.", "rubric_criteria": CRITERIA, "min_words": 0},
    )
    choice = choice_question(quiz)
    attempt = take(
        quiz,
        ada,
        {
            **essay_answer(essay, "Security costs rights; rights cost security."),
            str(choice.pk): {"choice": choice.choices.get(credit=1).pk},
        },
    )
    return {
        "cohort": cohort,
        "instructor": instructor,
        "ada": ada,
        "quiz": quiz,
        "assignment": assignment,
        "essay": essay,
        "choice": choice,
        "attempt": attempt,
    }


def _work_url(w) -> str:
    return reverse(
        "instructor:student-work",
        kwargs={"pk": w["assignment"].pk, "student_id": w["ada"].pk},
    )


class TestGradebookToAttempt:
    def test_a_cell_links_to_the_students_work(self, client, world):
        client.force_login(world["instructor"])
        page = client.get(reverse("instructor:gradebook", args=[world["cohort"].pk]))
        assert _work_url(world) in page.content.decode()

    def test_the_cell_page_lists_the_attempts(self, client, world):
        client.force_login(world["instructor"])
        page = client.get(_work_url(world))
        assert page.status_code == 200
        attempt_url = reverse("instructor:attempt", args=[world["attempt"].pk])
        assert attempt_url in page.content.decode()

    def test_the_attempt_shows_every_answer_score_and_key(self, client, world):
        client.force_login(world["instructor"])
        page = client.get(reverse("instructor:attempt", args=[world["attempt"].pk]))
        body = page.content.decode()
        assert page.status_code == 200
        assert "Security costs rights; rights cost security." in body
        assert "Labour demand" in body  # the picked choice, and the key
        assert "1 of 1" in body

    def test_another_instructor_finds_nothing(self, client, world):
        client.force_login(InstructorFactory())
        assert client.get(_work_url(world)).status_code == 404
        url = reverse("instructor:attempt", args=[world["attempt"].pk])
        assert client.get(url).status_code == 404


class TestOverridePages:
    def test_override_then_double_submit_is_one_audit_row(self, client, world):
        client.force_login(world["instructor"])
        form = {"grade": "88", "reason": "Viva showed full understanding."}
        first = client.post(_work_url(world), form)
        second = client.post(_work_url(world), form)
        assert first.status_code == second.status_code == 302
        assert GradeOverride.objects.get().grade == Decimal("88.0")
        assert GradeAudit.objects.count() == 1
        page = client.get(_work_url(world)).content.decode()
        assert "Viva showed full understanding." in page

    def test_a_bad_override_keeps_what_was_typed(self, client, world):
        client.force_login(world["instructor"])
        page = client.post(_work_url(world), {"grade": "140", "reason": "Bonus"})
        assert page.status_code == 400
        assert "Bonus</textarea>" in page.content.decode()
        assert not GradeOverride.objects.exists()

    def test_excuse_and_remove(self, client, world):
        client.force_login(world["instructor"])
        client.post(_work_url(world), {"excused": "on", "reason": "Illness."})
        assert GradeOverride.objects.get().excused
        client.post(_work_url(world), {"clear": "1", "clear-reason": "Back."})
        assert not GradeOverride.objects.exists()
        assert GradeAudit.objects.count() == 2

    def test_question_override_from_the_attempt_page(self, client, world):
        client.force_login(world["instructor"])
        response = world["attempt"].responses.get(question=world["essay"])
        url = reverse("instructor:response-override", args=[response.pk])
        prefix = f"r{response.pk}"
        done = client.post(
            url, {f"{prefix}-score": "3", f"{prefix}-reason": "Marked on paper."}
        )
        assert done.status_code == 302
        response.refresh_from_db()
        assert response.score == Decimal(3)
        bad = client.post(url, {f"{prefix}-score": "9", f"{prefix}-reason": "Too much"})
        assert bad.status_code == 400

    def test_the_student_sees_the_override_and_its_reason(self, client, world):
        services.set_grade_override(
            assignment=world["assignment"],
            student=world["ada"],
            instructor=world["instructor"],
            grade=Decimal(91),
            reason="Viva showed full understanding.",
        )
        response = world["attempt"].responses.get(question=world["essay"])
        services.override_response_score(
            response_id=response.pk,
            instructor=world["instructor"],
            score=Decimal(4),
            reason="The second page was missed.",
        )
        client.force_login(world["ada"])
        work = client.get(reverse("dashboard:index")).content.decode()
        assert "91.0%" in work and "Viva showed full understanding." in work
        result = client.get(
            reverse("quizzes:result", args=[world["attempt"].pk])
        ).content.decode()
        assert "The second page was missed." in result
        assert "Viva showed full understanding." in result


class TestScoreFormRubric:
    def test_criteria_are_radio_levels_with_points(self, client, world):
        client.force_login(world["instructor"])
        response = world["attempt"].responses.get(question=world["essay"])
        page = client.get(reverse("instructor:score", args=[response.pk]))
        body = page.content.decode()
        assert 'data-points="2"' in body and 'data-points="0.5"' in body
        assert "Answers the objection" in body
        assert "js/rubric.js" in body
        assert "<script>" not in body and "onclick" not in body
        # The whole attempt is beside the answer.
        assert "The whole attempt" in body and "Labour demand" in body

    def test_levels_alone_give_the_score_and_the_comment_is_kept(self, client, world):
        client.force_login(world["instructor"])
        response = world["attempt"].responses.get(question=world["essay"])
        posted = client.post(
            reverse("instructor:score", args=[response.pk]),
            {"criterion_0": "1", "criterion_1": "1", "comment": "Good balance."},
        )
        assert posted.status_code == 302
        response.refresh_from_db()
        assert response.manual_score == Decimal("2.5")
        assert response.comment == "Good balance."

    def test_a_text_rubric_still_shows(self, client, world):
        essay = world["essay"]
        essay.data = {"rubric": "Weigh both.", "min_words": 0}
        essay.save()
        client.force_login(world["instructor"])
        response = world["attempt"].responses.get(question=essay)
        body = client.get(reverse("instructor:score", args=[response.pk])).content
        assert b"Weigh both." in body and b"data-points" not in body


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def _attempt_with(questions: int, student, quiz):
    for _ in range(questions):
        choice_question(quiz)
    for _ in range(questions):
        EssayQuestionFactory(quiz=quiz)
    answers = {
        str(q.pk): {"text": "Both."} for q in quiz.questions.filter(kind="essay")
    }
    return take(quiz, student, answers, at=timezone.now())


def test_attempt_page_queries_do_not_grow_with_questions(client):
    cohort, instructor, (ada, ben) = cohort_with(students=2)
    small = _attempt_with(2, ada, QuizFactory(course=cohort.course))
    large = _attempt_with(15, ben, QuizFactory(course=cohort.course))
    for attempt in (small, large):
        for response in attempt.responses.filter(question__kind=Question.Kind.ESSAY)[
            :2
        ]:
            services.override_response_score(
                response_id=response.pk,
                instructor=instructor,
                score=Decimal(1),
                reason="Checked.",
            )
    client.force_login(instructor)
    few = _queries(client, reverse("instructor:attempt", args=[small.pk]))
    many = _queries(client, reverse("instructor:attempt", args=[large.pk]))
    assert few == many


def test_gradebook_page_queries_do_not_grow_with_overrides(client):
    def book(students: int):
        cohort, instructor, members = cohort_with(students=students)
        for _ in range(2):
            assignment = AssignmentFactory(cohort=cohort)
            for student in members:
                services.set_grade_override(
                    assignment=assignment,
                    student=student,
                    instructor=instructor,
                    grade=Decimal(50),
                    reason="Set.",
                )
        return cohort, instructor

    small, teacher = book(2)
    large, other = book(12)
    client.force_login(teacher)
    few = _queries(client, reverse("instructor:gradebook", args=[small.pk]))
    client.force_login(other)
    many = _queries(client, reverse("instructor:gradebook", args=[large.pk]))
    assert few == many


def test_admin_lists_overrides_and_audits_read_only(client, world):
    services.set_grade_override(
        assignment=world["assignment"],
        student=world["ada"],
        instructor=world["instructor"],
        grade=Decimal(50),
        reason="Viva.",
    )
    client.force_login(StaffFactory())
    for name in ("gradeoverride", "gradeaudit"):
        assert (
            client.get(reverse(f"admin:quizzes_{name}_changelist")).status_code == 200
        )
        assert client.get(reverse(f"admin:quizzes_{name}_add")).status_code == 403


def test_the_students_result_url_sends_their_instructor_to_the_attempt(client, world):
    url = reverse("quizzes:result", args=[world["attempt"].pk])
    client.force_login(world["instructor"])
    answer = client.get(url)
    assert answer.status_code == 302
    assert answer["Location"] == reverse(
        "instructor:attempt", args=[world["attempt"].pk]
    )
    client.force_login(InstructorFactory())
    assert client.get(url).status_code == 404
