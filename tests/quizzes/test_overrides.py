"""Grade overrides: the services, their audit, and the grade that counts everywhere."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from quizzes import coursework, coursework_rows, services
from quizzes import selectors as quiz_selectors
from quizzes.models import Attempt, GradeAudit, GradeOverride, Response
from quizzes.services import regrading
from teaching import selectors
from tests.accounts.factories import UserFactory
from tests.helpers.factories import (
    AssignmentFactory,
    EssayQuestionFactory,
    QuizFactory,
    choice_question,
    cohort_with,
    essay_answer,
    finished_attempt,
    take,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup():
    cohort, instructor, (ada, ben) = cohort_with(students=2)
    quiz = QuizFactory(course=cohort.course, title="Borders and rights")
    assignment = AssignmentFactory(cohort=cohort, quiz=quiz)
    return cohort, instructor, ada, ben, quiz, assignment


def _override(assignment, student, instructor, **kwargs):
    kwargs.setdefault("reason", "Marked by hand after a viva.")
    return services.set_grade_override(
        assignment=assignment, student=student, instructor=instructor, **kwargs
    )


class TestAssignmentOverride:
    def test_sets_the_grade_and_writes_one_audit_row(self, setup):
        cohort, instructor, ada, _ben, quiz, assignment = setup
        finished_attempt(quiz, ada, at=timezone.now(), percent=40)
        override = _override(assignment, ada, instructor, grade=Decimal("75"))
        assert override.grade == Decimal("75.0") and not override.excused
        (audit,) = GradeAudit.objects.all()
        assert audit.target == GradeAudit.Target.ASSIGNMENT
        assert (audit.old_value, audit.new_value) == (None, Decimal("75"))
        assert audit.changed_by == instructor
        assert audit.reason == "Marked by hand after a viva."

    def test_a_double_submit_is_one_change(self, setup):
        _cohort, instructor, ada, _ben, _quiz, assignment = setup
        _override(assignment, ada, instructor, grade=Decimal("75"))
        _override(assignment, ada, instructor, grade=Decimal("75.0"))
        assert GradeAudit.objects.count() == 1
        assert GradeOverride.objects.count() == 1

    def test_each_real_change_is_audited_with_old_and_new(self, setup):
        _cohort, instructor, ada, _ben, _quiz, assignment = setup
        _override(assignment, ada, instructor, grade=Decimal("75"))
        _override(assignment, ada, instructor, excused=True, reason="Illness.")
        services.clear_grade_override(
            assignment=assignment, student=ada, instructor=instructor, reason="Oops."
        )
        newest, middle, first = GradeAudit.objects.all()
        assert (first.old_value, first.new_value) == (None, Decimal("75"))
        assert (middle.old_value, middle.new_excused) == (Decimal("75"), True)
        assert (newest.old_excused, newest.new_value, newest.reason) == (
            True,
            None,
            "Oops.",
        )
        assert not GradeOverride.objects.exists()
        # Clearing again changes nothing and records nothing.
        assert not services.clear_grade_override(
            assignment=assignment, student=ada, instructor=instructor, reason="Again."
        )
        assert GradeAudit.objects.count() == 3

    @pytest.mark.parametrize(
        ("values", "field"),
        [
            ({"grade": Decimal("101")}, "grade"),
            ({"grade": Decimal("-1")}, "grade"),
            ({"grade": None}, "grade"),
            ({"grade": Decimal("50"), "reason": "  "}, "reason"),
        ],
    )
    def test_bad_input_is_refused_and_writes_nothing(self, setup, values, field):
        _cohort, instructor, ada, _ben, _quiz, assignment = setup
        with pytest.raises(ValidationError) as caught:
            _override(assignment, ada, instructor, **values)
        assert field in caught.value.message_dict
        assert not GradeAudit.objects.exists()

    def test_a_student_outside_the_cohort_is_refused(self, setup):
        _cohort, instructor, _ada, _ben, _quiz, assignment = setup
        with pytest.raises(ValidationError):
            _override(assignment, UserFactory(), instructor, grade=Decimal(50))

    def test_the_database_refuses_a_grade_and_excused_together(self, setup):
        _cohort, instructor, ada, _ben, _quiz, assignment = setup
        with pytest.raises(IntegrityError), transaction.atomic():
            GradeOverride.objects.create(
                assignment=assignment,
                student=ada,
                grade=Decimal(50),
                excused=True,
                reason="x",
            )


class TestTheGradeThatCounts:
    def test_gradebook_shows_the_override_and_averages_skip_excused(self, setup):
        cohort, instructor, ada, ben, quiz, assignment = setup
        now = timezone.now()
        finished_attempt(quiz, ada, at=now, percent=40)
        finished_attempt(quiz, ben, at=now, percent=80)
        _override(assignment, ada, instructor, grade=Decimal("90"))
        book = selectors.gradebook(cohort=cohort, now=now)
        cells = {row.student.id: row.cells[0] for row in book.rows}
        assert cells[ada.pk].grade == Decimal("90.0")
        assert cells[ada.pk].computed == Decimal("40.0")
        assert book.columns[0].average == Decimal("85.0")
        _override(assignment, ada, instructor, excused=True, reason="Illness.")
        book = selectors.gradebook(cohort=cohort, now=now)
        cells = {row.student.id: row.cells[0] for row in book.rows}
        assert cells[ada.pk].status == coursework.WorkStatus.EXCUSED
        assert cells[ada.pk].grade is None
        assert book.columns[0].average == Decimal("80.0")

    def test_excused_work_is_never_missing(self, setup):
        cohort, instructor, ada, _ben, _quiz, assignment = setup
        assignment.due_at = timezone.now() - timedelta(hours=1)
        assignment.opens_at = timezone.now() - timedelta(days=2)
        assignment.save()
        _override(assignment, ada, instructor, excused=True, reason="Illness.")
        (item,) = coursework_rows.assigned_work(student=ada)
        assert item.status == "excused"
        assert item.cell.override.reason == "Illness."

    def test_the_students_quiz_grade_is_the_override(self, setup):
        _cohort, instructor, ada, _ben, quiz, assignment = setup
        finished_attempt(quiz, ada, at=timezone.now(), percent=40)
        _override(assignment, ada, instructor, grade=Decimal("66.5"))
        standing = quiz_selectors.standings_for(quizzes=[quiz], student=ada)[quiz.pk]
        assert standing["grade"] == Decimal("66.5")
        assert standing["override"].reason == "Marked by hand after a viva."

    def test_pure_grade_function(self):
        rows = [
            coursework.AttemptRow(
                1, 1, 1, "graded", timezone.now(), Decimal(3), Decimal(4)
            )
        ]
        at = timezone.now()
        assert coursework.assignment_grade("highest", rows, None) == Decimal("75.0")
        excused = coursework.OverrideRow(1, 1, None, True, "ill", at)
        assert coursework.assignment_grade("highest", rows, excused) is None
        set_to = coursework.OverrideRow(1, 1, Decimal("12.5"), False, "viva", at)
        assert coursework.assignment_grade("highest", [], set_to) == Decimal("12.5")


class TestQuestionOverride:
    def _essay_attempt(self, setup, *, score=Decimal(2)):
        _cohort, instructor, ada, _ben, quiz, _assignment = setup
        essay = EssayQuestionFactory(quiz=quiz, points=Decimal(4))
        choice = choice_question(quiz)
        right = choice.choices.get(credit=1)
        attempt = take(
            quiz,
            ada,
            {**essay_answer(essay), str(choice.pk): {"choice": right.pk}},
        )
        response = attempt.responses.get(question=essay)
        services.score_response(response_id=response.pk, grader=instructor, score=score)
        return instructor, attempt, essay, choice

    def test_override_counts_and_totals_follow(self, setup):
        instructor, attempt, essay, _choice = self._essay_attempt(setup)
        response = attempt.responses.get(question=essay)
        services.override_response_score(
            response_id=response.pk,
            instructor=instructor,
            score=Decimal("3.5"),
            reason="The second page was missed.",
        )
        response.refresh_from_db()
        attempt.refresh_from_db()
        assert response.score == Decimal("3.5")
        assert response.manual_score == Decimal(2)  # kept underneath
        assert attempt.score == Decimal("4.5")
        (audit,) = GradeAudit.objects.filter(response=response)
        assert (audit.old_value, audit.new_value) == (Decimal(2), Decimal("3.5"))

    def test_twice_the_same_is_one_audit_row(self, setup):
        instructor, attempt, essay, _choice = self._essay_attempt(setup)
        response = attempt.responses.get(question=essay)
        for _ in range(2):
            services.override_response_score(
                response_id=response.pk,
                instructor=instructor,
                score=Decimal(1),
                reason="Copied text.",
            )
        assert GradeAudit.objects.filter(response=response).count() == 1

    def test_an_override_survives_a_regrade(self, setup):
        instructor, attempt, _essay, choice = self._essay_attempt(setup)
        response = attempt.responses.get(question=choice)
        services.override_response_score(
            response_id=response.pk,
            instructor=instructor,
            score=Decimal("0.5"),
            reason="Half right: the reasoning was wrong.",
        )
        right = choice.choices.get(text="Labour demand")
        wrong = choice.choices.get(text="Sovereignty")

        def swap(credit_right, credit_wrong, reason):
            right.credit, wrong.credit = credit_right, credit_wrong
            right.save(), wrong.save()
            regrading.regrade(quiz=attempt.quiz, user=instructor, reason=reason)
            response.refresh_from_db()

        swap(Decimal(0), Decimal(1), "Key fix.")
        assert response.auto_score == Decimal(0)
        assert response.score == Decimal("0.5")
        swap(Decimal(1), Decimal(0), "Key back.")
        assert response.auto_score == Decimal(1)
        assert response.score == Decimal("0.5")  # the override still counts
        attempt.refresh_from_db()
        assert attempt.score == Decimal("2.5")

    def test_removing_restores_the_computed_score(self, setup):
        instructor, attempt, essay, _choice = self._essay_attempt(setup)
        response = attempt.responses.get(question=essay)
        common = {"response_id": response.pk, "instructor": instructor}
        services.override_response_score(**common, score=Decimal(4), reason="Viva.")
        services.override_response_score(**common, score=None, reason="Undo.")
        response.refresh_from_db()
        assert response.override_score is None and response.score == Decimal(2)
        assert GradeAudit.objects.filter(response=response).count() == 2

    def test_an_override_grades_an_answer_waiting_for_a_person(self, setup):
        _cohort, instructor, ada, _ben, quiz, _assignment = setup
        essay = EssayQuestionFactory(quiz=quiz)
        attempt = take(quiz, ada, essay_answer(essay))
        assert attempt.state == Attempt.State.NEEDS_REVIEW
        response = attempt.responses.get()
        services.override_response_score(
            response_id=response.pk,
            instructor=instructor,
            score=Decimal(3),
            reason="Marked on paper.",
        )
        attempt.refresh_from_db()
        assert attempt.state == Attempt.State.GRADED
        assert not selectors.grading_queue(user=instructor).exists()

    def test_above_the_maximum_is_refused(self, setup):
        instructor, attempt, essay, _choice = self._essay_attempt(setup)
        response = attempt.responses.get(question=essay)
        with pytest.raises(ValidationError):
            services.override_response_score(
                response_id=response.pk,
                instructor=instructor,
                score=Decimal(5),
                reason="Bonus.",
            )
        assert Response.objects.get(pk=response.pk).override_score is None
        assert not GradeAudit.objects.exists()


def test_a_regrade_does_not_mail_a_student_whose_grade_is_overridden(
    setup, mailoutbox, django_capture_on_commit_callbacks
):
    _cohort, instructor, ada, _ben, quiz, assignment = setup
    choice = choice_question(quiz)
    wrong = choice.choices.get(text="Sovereignty")
    take(quiz, ada, {str(choice.pk): {"choice": wrong.pk}})
    _override(assignment, ada, instructor, grade=Decimal(60))
    wrong.credit = Decimal(1)
    wrong.save()
    with django_capture_on_commit_callbacks(execute=True):
        run = regrading.regrade(quiz=quiz, user=instructor, reason="Both defensible.")
    assert run.notified == 0 and mailoutbox == []
    # The attempt moved underneath; the grade that counts did not.
    standing = quiz_selectors.standings_for(quizzes=[quiz], student=ada)[quiz.pk]
    assert standing["grade"] == Decimal("60.0")
