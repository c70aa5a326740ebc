"""Who may instruct, and which finished attempts an instructor may look at.

The engine's access rule for the instructor's side: the teaching pages, the analytics
pages and the student's result page (which sends an instructor to the instructor's view)
all ask here. Scoped like every instructor read: the student must be in one of my
cohorts on the quiz's course (staff see everyone); anything else is a 404.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass
from functools import reduce

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


@dataclass(frozen=True)
class CourseTeaching:
    """Whom an instructor teaches on one course, read once for a page: the rule of
    `taught_attempts` (students of my cohorts of the course, and students in no cohort
    of it if I instruct the course; everyone for those who teach every cohort)."""

    course_id: int
    everyone: bool = False
    cohorts: tuple[int, ...] = ()
    instructs: bool = False

    def students(self, field: str = "student") -> Q:
        """A filter on the user foreign key `field`: an index probe per row against
        the cohorts listed here, instead of a join through every cohort's teachers."""
        if self.everyone:
            return Q()
        taught = []
        if self.cohorts:
            taught.append(
                Q(
                    Exists(
                        CohortMembership.objects.filter(
                            cohort_id__in=self.cohorts, student=OuterRef(field)
                        )
                    )
                )
            )
        if self.instructs:
            taught.append(
                ~Q(
                    Exists(
                        CohortMembership.objects.filter(
                            cohort__course_id=self.course_id, student=OuterRef(field)
                        )
                    )
                )
            )
        return reduce(operator.or_, taught) if taught else Q(pk__in=[])


def teaching_on_course(user, *, course_id: int) -> CourseTeaching:
    """What `user` teaches on the course (two small queries; none for those who teach
    every cohort)."""
    if teaches_every_cohort(user):
        return CourseTeaching(course_id=course_id, everyone=True)
    cohorts = Cohort.objects.filter(course_id=course_id, instructors=user)
    return CourseTeaching(
        course_id=course_id,
        cohorts=tuple(cohorts.order_by("pk").values_list("pk", flat=True)),
        instructs=Course.objects.filter(pk=course_id, instructors=user).exists(),
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
