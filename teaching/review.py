"""Shaped reads for an instructor looking at a student's work: one attempt, one cell.

Scoped like every instructor read: the student must be in one of my cohorts on the
quiz's course, or in none of its cohorts on a course I instruct (the grading fallback);
those with `courses.teach_all_cohorts` see everyone; anything else is a 404.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth import get_user_model
from django.http import Http404
from django.utils import timezone

from courses.models import Cohort
from quizzes import coursework, coursework_rows, presentation
from quizzes.instructing import attempt_for_instructor
from quizzes.models import Assignment, Attempt, GradeAudit, GradeOverride, Response

from .selectors import assignment_for

__all__ = ["attempt_for_instructor"]  # re-exported for the pages and the API


@dataclass
class ReviewedQuestion:
    """One question of an attempt as the instructor sees it."""

    view: dict  # presentation's question with the student's answer and the marking
    response: Response | None


def attempt_review(attempt: Attempt) -> tuple[dict, list[ReviewedQuestion]]:
    """The whole attempt: every answer, score, feedback and key, in the student's order."""
    payload = presentation.attempt_for_student(attempt, review=True)
    responses = {r.question_id: r for r in attempt.responses.all()}
    return payload, [
        ReviewedQuestion(view=view, response=responses.get(view["id"]))
        for view in payload["questions"]
    ]


def attempt_audits(attempt: Attempt) -> list[GradeAudit]:
    """Changes made by hand to this attempt's question scores, newest first."""
    return list(
        GradeAudit.objects.filter(response__attempt=attempt).select_related(
            "changed_by", "response__question"
        )
    )


def cohort_for_attempt(*, user, attempt: Attempt) -> Cohort | None:
    """The cohort (of mine) through which I teach this attempt's student, for breadcrumbs."""
    return (
        Cohort.objects.taught_by(user)
        .filter(
            memberships__student_id=attempt.student_id,
            course_id=attempt.quiz.course_id,
        )
        .order_by("pk")
        .first()
    )


@dataclass
class StudentWork:
    """One gradebook cell opened: the attempts behind it, its grade, override and audit."""

    assignment: Assignment
    student: object
    attempts: list[Attempt]
    cell: coursework.Cell
    override: GradeOverride | None
    audits: list[GradeAudit]


def student_work(
    *, user, assignment_id: int, student_id: int, now: datetime | None = None
) -> StudentWork:
    """A student's work on one of my assignments (6 queries); 404 if not in the cohort."""
    now = now or timezone.now()
    assignment = assignment_for(user=user, assignment_id=assignment_id)
    student = (
        get_user_model()
        .objects.filter(
            pk=student_id, cohort_memberships__cohort_id=assignment.cohort_id
        )
        .first()
    )
    if student is None:
        raise Http404
    attempts = list(
        Attempt.objects.filter(quiz_id=assignment.quiz_id, student=student).order_by(
            "number"
        )
    )
    extensions = [
        coursework_rows.extension_terms(ext)
        for ext in assignment.extensions.filter(student=student).values(
            "due_at", "extra_minutes", "extra_attempts", "expires_at"
        )
    ]
    override = (
        GradeOverride.objects.filter(assignment=assignment, student=student)
        .select_related("set_by")
        .first()
    )
    cell = coursework.cell_for(
        assignment=coursework_rows.assignment_row(assignment),
        student_id=student.pk,
        extensions=extensions,
        attempts=[
            coursework.AttemptRow(
                **{f: getattr(a, f) for f in coursework_rows.ATTEMPT_FIELDS}
            )
            for a in attempts
        ],
        now=now,
        override=coursework.OverrideRow.of(override) if override else None,
    )
    audits = list(
        GradeAudit.objects.filter(
            assignment=assignment, student=student
        ).select_related("changed_by")
    )
    return StudentWork(assignment, student, attempts, cell, override, audits)
