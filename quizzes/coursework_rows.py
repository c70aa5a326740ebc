"""Coursework rows read from the database, and the student's assigned work.

The plain rows (`coursework.AssignmentRow`, `AttemptRow`, `OverrideRow`, extension
terms) that the coursework facts in `quizzes.coursework` take: the gradebook
(teaching), the grades export (analytics) and the progress e-mails all read them here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from . import coursework
from . import rules as quiz_rules
from .models import Assignment, Attempt, Extension, GradeOverride, Quiz

ATTEMPT_FIELDS = (
    "student_id",
    "quiz_id",
    "number",
    "state",
    "submitted_at",
    "score",
    "max_score",
)


def quiz_intro_url(quiz_id: int) -> str:
    """The quiz's intro page; the path is fixed even before its route is registered."""
    try:
        return reverse("quizzes:intro", kwargs={"pk": quiz_id})
    except NoReverseMatch:
        return f"/quizzes/{quiz_id}/"


def assignment_row(assignment: Assignment) -> coursework.AssignmentRow:
    return coursework.AssignmentRow(
        id=assignment.pk,
        quiz_id=assignment.quiz_id,
        title=assignment.quiz.title,
        grading_method=assignment.quiz.grading_method,
        opens_at=assignment.opens_at,
        due_at=assignment.due_at,
    )


def extension_terms(ext) -> quiz_rules.ExtensionTerms:
    return quiz_rules.ExtensionTerms(
        due_at=ext["due_at"],
        extra_minutes=ext["extra_minutes"],
        extra_attempts=ext["extra_attempts"],
        expires_at=ext["expires_at"],
    )


def override_rows(overrides) -> list[coursework.OverrideRow]:
    """GradeOverride rows (a queryset) as the plain rows the grade function takes."""
    return [
        coursework.OverrideRow(**row)
        for row in overrides.values(
            "assignment_id", "student_id", "grade", "excused", "reason", "set_at"
        )
    ]


@dataclass
class WorkItem:
    """One piece of assigned work on the student's dashboard."""

    assignment: Assignment
    cell: coursework.Cell
    is_open: bool
    quiz_url: str

    @property
    def status(self) -> str:
        return self.cell.status.value


def assigned_work(*, student, now: datetime | None = None) -> list[WorkItem]:
    """My assignments across all my cohorts, by due date (four queries)."""
    now = now or timezone.now()
    by_quiz: dict[int, Assignment] = {}
    # As in rules_for_quizzes: the latest-due assignment wins for a quiz set twice.
    for assignment in (
        Assignment.objects.filter(
            cohort__memberships__student=student,
            quiz__in=Quiz.objects.published(),
        )
        .select_related("quiz", "cohort__course")
        .order_by("due_at", "pk")
    ):
        by_quiz[assignment.quiz_id] = assignment
    if not by_quiz:
        return []
    assignments = list(by_quiz.values())
    terms: dict[int, list[quiz_rules.ExtensionTerms]] = {}
    for ext in Extension.objects.filter(
        assignment__in=[a.pk for a in assignments], student=student
    ).values(
        "assignment_id", "due_at", "extra_minutes", "extra_attempts", "expires_at"
    ):
        terms.setdefault(ext["assignment_id"], []).append(extension_terms(ext))
    tries: dict[int, list[coursework.AttemptRow]] = {}
    for row in Attempt.objects.filter(student=student, quiz__in=list(by_quiz)).values(
        *ATTEMPT_FIELDS
    ):
        tries.setdefault(row["quiz_id"], []).append(coursework.AttemptRow(**row))
    overrides = {
        row.assignment_id: row
        for row in override_rows(
            GradeOverride.objects.filter(
                assignment__in=[a.pk for a in assignments], student=student
            )
        )
    }
    items = [
        WorkItem(
            assignment=assignment,
            cell=coursework.cell_for(
                assignment=assignment_row(assignment),
                student_id=student.pk,
                extensions=terms.get(assignment.pk, []),
                attempts=tries.get(assignment.quiz_id, []),
                now=now,
                override=overrides.get(assignment.pk),
            ),
            is_open=assignment.opens_at <= now,
            quiz_url=quiz_intro_url(assignment.quiz_id),
        )
        for assignment in assignments
    ]
    items.sort(key=lambda item: (item.cell.due_at, item.assignment.pk))
    return items
