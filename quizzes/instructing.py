"""Who may instruct, and which finished attempts an instructor may look at.

The engine's access rule for the instructor's side: the teaching pages, the analytics
pages and the student's result page (which sends an instructor to the instructor's view)
all ask here. Scoped like every instructor read: the student must be in one of my
cohorts on the quiz's course (staff see everyone); anything else is a 404.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Prefetch, Q
from django.shortcuts import get_object_or_404

from courses.models import Cohort, CohortMembership, Course, teaches_every_cohort

from . import selectors as quiz_selectors
from .models import Attempt, Response


def may_instruct(user) -> bool:
    """Whether the user may use the instructor area at all: instructors, and those who
    teach every cohort; being staff alone is not enough."""
    return user.is_authenticated and (user.is_instructor or teaches_every_cohort(user))


def taught_attempts(user):
    """Attempts of students I teach on their quiz's course (all of them for those who
    teach every cohort).

    As the grading queue has it: students of my cohorts on the quiz's course and (the
    course-level fallback) students in no cohort of a course I instruct.
    """
    attempts = Attempt.objects.all()
    if teaches_every_cohort(user):
        return attempts
    in_no_cohort = ~Exists(
        CohortMembership.objects.filter(
            student=OuterRef("student"), cohort__course=OuterRef("quiz__course")
        )
    )
    return attempts.filter(
        Exists(
            CohortMembership.objects.filter(
                cohort__in=Cohort.objects.taught_by(user),
                student=OuterRef("student"),
                cohort__course=OuterRef("quiz__course"),
            )
        )
        | (
            in_no_cohort
            # A subquery, not a join: a join on the instructors would repeat attempts.
            & Q(quiz__course__in=Course.objects.filter(instructors=user).values("pk"))
        )
    )


def attempt_for_instructor(*, user, attempt_id: int) -> Attempt:
    """A finished attempt of a student I teach, with questions and responses (7 queries)."""
    return get_object_or_404(
        taught_attempts(user)
        .finished()
        .select_related("student", "quiz__course", "quiz__lesson")
        .prefetch_related(
            quiz_selectors.questions_prefetch("quiz__"),
            Prefetch(
                "responses",
                queryset=Response.objects.select_related(
                    "graded_by", "override_by", "graded_version"
                ).order_by("question_id"),
            ),
        ),
        pk=attempt_id,
    )
