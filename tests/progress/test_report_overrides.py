"""Progress e-mails take the grade that counts: overrides and excused work."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal as D

import pytest

from progress import reports, selectors
from quizzes import coursework, services
from tests.helpers.factories import (
    AssignmentFactory,
    QuizFactory,
    cohort_with,
    finished_attempt,
)

WEEK = reports.Week(date(2026, 11, 16))


def _moment(day: int) -> datetime:
    return datetime(2026, 11, day, 12, tzinfo=UTC)


def _attempt(percent, day, *, student=1):
    return coursework.AttemptRow(
        student, 11, 1, "graded", _moment(day), D(percent), D(100)
    )


def _override(*, grade=None, excused=False, day=18, student=1):
    return coursework.OverrideRow(9, student, grade, excused, "Viva.", _moment(day))


ASSIGNMENT = coursework.AssignmentRow(
    9, 11, "Quiz A", "highest", _moment(1), _moment(19)
)


class TestStudentReport:
    quizzes = {11: reports.QuizInfo(11, "Quiz A", "highest")}

    def test_an_override_set_this_week_is_the_grade_and_the_change(self):
        [result] = reports.quiz_results(
            self.quizzes, [_attempt(40, 10)], WEEK, {11: _override(grade=D(90))}
        )
        assert (result.grade, result.previous) == (D(90), D(40))

    def test_an_override_set_after_the_week_does_not_count_yet(self):
        [result] = reports.quiz_results(
            self.quizzes, [_attempt(40, 10)], WEEK, {11: _override(grade=D(90), day=24)}
        )
        assert result.grade == D(40)

    def test_excused_work_is_neither_graded_nor_overdue(self):
        facts = reports.StudentFacts(
            user_id=1,
            name="Ada",
            assignments=[ASSIGNMENT],
            overrides={9: _override(excused=True)},
        )
        assert reports.work_due(facts, WEEK) == ([], [])


def test_cohort_digest_averages_skip_excused_and_take_overrides():
    students = [coursework.StudentRow(i, f"S{i}", f"s{i}@x.org") for i in (1, 2, 3)]
    facts = reports.CohortFacts(
        cohort_id=1,
        name="Autumn",
        course_title="Migration",
        lesson_count=1,
        students=students,
        assignments=[ASSIGNMENT],
        attempts=[_attempt(80, 18, student=1), _attempt(60, 18, student=2)],
        overrides=[
            _override(grade=D(100), student=2),
            _override(excused=True, student=3),
        ],
    )
    digest = reports.build_cohort_digest(facts, week=WEEK, questions={}, site_url="")
    [summary] = digest.assignments
    assert (summary.average, summary.missing) == (D(90), 0)
    assert digest.behind == []


@pytest.mark.django_db
def test_the_selectors_hand_the_overrides_over():
    cohort, instructor, (ada,) = cohort_with(students=1)
    quiz = QuizFactory(course=cohort.course)
    assignment = AssignmentFactory(cohort=cohort, quiz=quiz)
    finished_attempt(quiz, ada, at=WEEK.start, percent=30)
    services.set_grade_override(
        assignment=assignment,
        student=ada,
        instructor=instructor,
        grade=D(95),
        reason="Viva.",
        now=WEEK.start,
    )
    facts, _questions, _names = selectors.student_facts([ada], week=WEEK)
    assert facts[ada.pk].overrides[assignment.pk].grade == D(95)
    _taught, cohorts = selectors.instructor_cohorts([instructor])
    [[cohort_facts]] = selectors.cohort_parts(cohorts, week=WEEK)
    assert [o.grade for o in cohort_facts.overrides] == [D(95)]
