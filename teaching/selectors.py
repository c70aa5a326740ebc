"""Shaped reads for instructors (cohorts, queue, gradebook) and the student's assigned work.

Every read is scoped by `Cohort.objects.taught_by(user)`: another instructor's cohort is
simply not there (a 404); only those who teach every cohort (superusers, and staff with
the courses.teach_all_cohorts permission) see them all.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, F, Func, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone

from courses.models import Cohort, CohortMembership, teaches_every_cohort
from quizzes import coursework, coursework_rows, gradebook_cache
from quizzes.instructing import may_instruct
from quizzes.models import Assignment, Attempt, Extension, GradeOverride, Quiz, Response

__all__ = ["may_instruct"]  # re-exported: the pages' permission checks use it


def _awaiting() -> Q:
    return Q(
        needs_manual=True,
        manual_score__isnull=True,
        override_score__isnull=True,
        attempt__state=Attempt.State.NEEDS_REVIEW,
    )


def _count(queryset) -> Subquery:
    # COUNT without GROUP BY gives one row per outer row, so the subquery stays scalar.
    return Coalesce(
        Subquery(
            queryset.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n"),
            output_field=IntegerField(),
        ),
        0,
    )


def taught_cohorts(user):
    """My cohorts (all for those who teach every cohort) with student, assignment and queue counts."""
    pending = Response.objects.filter(_awaiting()).filter(
        attempt__student__cohort_memberships__cohort=OuterRef("pk"),
        attempt__quiz__course=OuterRef("course"),
    )
    return (
        Cohort.objects.taught_by(user)
        .select_related("course")
        .annotate(
            student_count=_count(
                CohortMembership.objects.filter(cohort=OuterRef("pk"))
            ),
            assignment_count=_count(Assignment.objects.filter(cohort=OuterRef("pk"))),
            queue_count=_count(pending),
        )
        .order_by("course__title", "name", "pk")
    )


def cohort_for(*, user, cohort_id: int) -> Cohort:
    """One of my cohorts with its counts; 404 for anyone else's."""
    return get_object_or_404(taught_cohorts(user), pk=cohort_id)


def plain_cohort_for(*, user, cohort_id: int) -> Cohort:
    """One of my cohorts without the counts, which grow with it; 404 for anyone else's."""
    return get_object_or_404(
        Cohort.objects.taught_by(user).select_related("course"), pk=cohort_id
    )


_NAME_ORDER = ("student__last_name", "student__first_name", "student__email")


def roster(cohort: Cohort) -> list[CohortMembership]:
    """The cohort's students in name order."""
    return list(
        CohortMembership.objects.filter(cohort=cohort)
        .select_related("student")
        .order_by(*_NAME_ORDER)
    )


def cohort_assignments(cohort: Cohort):
    """The cohort's assignments by due date, with their quiz and extension count."""
    return (
        Assignment.objects.filter(cohort=cohort)
        .select_related("quiz")
        .annotate(extension_count=Count("extensions"))
        .order_by("due_at", "pk")
    )


def assignable_quizzes(cohort: Cohort, *, keep: Quiz | None = None):
    """Published quizzes of the cohort's course not yet assigned to it."""
    qs = Quiz.objects.published().filter(course=cohort.course_id)
    assigned = Assignment.objects.filter(cohort=cohort)
    if keep is not None:
        assigned = assigned.exclude(quiz=keep)
    return qs.exclude(pk__in=assigned.values("quiz")).order_by("title")


def assignment_for(*, user, assignment_id: int) -> Assignment:
    """An assignment of one of my cohorts; 404 otherwise."""
    return get_object_or_404(
        Assignment.objects.filter(cohort__in=Cohort.objects.taught_by(user))
        .select_related("cohort__course", "quiz")
        .annotate(extension_count=Count("extensions")),
        pk=assignment_id,
    )


def extensions_of(assignment: Assignment):
    """An assignment's extensions, newest first, with student and grantor."""
    return (
        Extension.objects.filter(assignment=assignment)
        .select_related("student", "granted_by")
        .order_by("student__email", "-created_at")
    )


def extension_for(*, user, extension_id: int) -> Extension:
    """An extension on one of my cohorts' assignments; 404 otherwise."""
    return get_object_or_404(
        Extension.objects.filter(
            assignment__cohort__in=Cohort.objects.taught_by(user)
        ).select_related("assignment__cohort", "student"),
        pk=extension_id,
    )


def _in_no_cohort() -> Exists:
    """Whether the attempt's student is in none of the cohorts of the quiz's course."""
    return ~Exists(
        CohortMembership.objects.filter(
            student=OuterRef("attempt__student"),
            cohort__course=OuterRef("attempt__quiz__course"),
        )
    )


def _in_scope(user, cohort_id: int | None, *, mark_outside: bool = True):
    """Responses of students in my cohorts, on quizzes of those cohorts' courses, and
    (the course-level fallback) of students in no cohort, on courses I instruct.

    `mark_outside=False` filters by `outside_cohort` without selecting it: PostgreSQL
    would otherwise hash every membership to mark even one page of answers."""
    if mark_outside:
        responses = Response.objects.annotate(outside_cohort=_in_no_cohort())
    else:
        responses = Response.objects.alias(outside_cohort=_in_no_cohort())
    if cohort_id is None and teaches_every_cohort(user):
        return responses
    cohorts = Cohort.objects.taught_by(user)
    if cohort_id is not None:
        cohorts = cohorts.filter(pk=cohort_id)
    mine = Q(
        Exists(
            CohortMembership.objects.filter(
                cohort__in=cohorts,
                student=OuterRef("attempt__student"),
                cohort__course=OuterRef("attempt__quiz__course"),
            )
        )
    )
    if cohort_id is None:
        mine |= Q(outside_cohort=True, attempt__quiz__course__instructors=user)
    return responses.filter(mine)


def grading_queue(
    *,
    user,
    cohort_id: int | None = None,
    quiz_id: int | None = None,
    mark_outside: bool = True,
):
    """Answers waiting for a person's score, oldest submission first."""
    qs = _in_scope(user, cohort_id, mark_outside=mark_outside).filter(_awaiting())
    if quiz_id is not None:
        qs = qs.filter(attempt__quiz_id=quiz_id)
    return qs.select_related(
        "question", "attempt__student", "attempt__quiz__course"
    ).order_by("attempt__submitted_at", "attempt_id", "question__position", "pk")


def queue_quizzes(*, user, cohort_id: int | None = None):
    """Quizzes with answers waiting, with how many, for the queue's filter."""
    return (
        Quiz.objects.filter(
            pk__in=grading_queue(user=user, cohort_id=cohort_id).values("attempt__quiz")
        )
        .select_related("course")
        .order_by("title")
    )


def response_for_grading(*, user, response_id: int) -> Response:
    """A manually scored answer from my cohorts, with question, attempt and student."""
    return get_object_or_404(
        _in_scope(user, None)
        .filter(needs_manual=True)
        .select_related(
            "question__rubric",
            "attempt__student",
            "attempt__quiz",
            "graded_by",
            "graded_version",
        ),
        pk=response_id,
    )


def manual_max(question) -> Decimal:
    """The most a person can give for a question: the essay's points, or its justification's."""
    data = question.data or {}
    if question.kind == question.Kind.ESSAY:
        return Decimal(question.points)
    justification = data.get("justification") or {}
    return Decimal(str(justification.get("points", 0)))


def rubric_of(question) -> str:
    """The rubric the grader marks against (essay rubric, or justification rubric)."""
    data = question.data or {}
    return data.get("rubric") or (data.get("justification") or {}).get("rubric", "")


# Students per gradebook page (Moodle's grader report shows 100): it does not grow with
# the cohort, and the column averages are added up by PostgreSQL once per change of the
# cohort's grades (quizzes.gradebook_cache).
GRADEBOOK_PAGE = 100


def gradebook(
    *,
    cohort: Cohort,
    now: datetime | None = None,
    student_ids: list[int] | None = None,
) -> coursework.Gradebook:
    """The cohort's gradebook (or these students' rows of it) in five queries."""
    now = now or timezone.now()
    members = CohortMembership.objects.filter(cohort=cohort)
    extensions = Extension.objects.filter(assignment__cohort=cohort)
    attempts = Attempt.objects.filter(
        quiz__assignments__cohort=cohort,
        student__cohort_memberships__cohort=cohort,
    )
    overrides = GradeOverride.objects.filter(assignment__cohort=cohort)
    if student_ids is not None:
        members = members.filter(student_id__in=student_ids)
        extensions = extensions.filter(student_id__in=student_ids)
        attempts = attempts.filter(student_id__in=student_ids)
        overrides = overrides.filter(student_id__in=student_ids)
    students = [
        coursework.StudentRow(
            id=m.student_id, name=str(m.student), email=m.student.email
        )
        for m in members.select_related("student").order_by(*_NAME_ORDER)
    ]
    assignments = list(
        Assignment.objects.filter(cohort=cohort)
        .select_related("quiz")
        .order_by("due_at", "pk")
    )
    return coursework.build_gradebook(
        students=students,
        assignments=[coursework_rows.assignment_row(a) for a in assignments],
        extensions=[
            coursework.ExtensionRow(
                assignment_id=ext["assignment_id"],
                student_id=ext["student_id"],
                terms=coursework_rows.extension_terms(ext),
            )
            for ext in extensions.values(
                "assignment_id",
                "student_id",
                "due_at",
                "extra_minutes",
                "extra_attempts",
                "expires_at",
            )
        ],
        attempts=[
            coursework.AttemptRow(**row)
            for row in attempts.values(*coursework_rows.ATTEMPT_FIELDS)
        ],
        now=now,
        overrides=coursework_rows.override_rows(overrides),
    )


def gradebook_page(
    *, cohort: Cohort, page: str | int | None, now: datetime | None = None
) -> tuple[Page, coursework.Gradebook]:
    """One page of students with the whole cohort's column averages (eight queries; nine
    when the averages are added up again after a change of the cohort's grades).

    The page's rows are read for its students only; the averages come from sums
    PostgreSQL adds up (`coursework_sums`, the same grade rule), so no page reads the
    cohort's grades into Python, and from the cache until a grade of the cohort changes
    (`gradebook_cache`), so a page does not add the whole cohort up either.
    """
    now = now or timezone.now()
    ids = (
        CohortMembership.objects.filter(cohort=cohort)
        .order_by(*_NAME_ORDER, "pk")
        .values_list("student_id", flat=True)
    )
    paged = Paginator(ids, GRADEBOOK_PAGE).get_page(page)
    book = gradebook(cohort=cohort, now=now, student_ids=list(paged.object_list))
    sums = gradebook_cache.column_sums(cohort.pk)
    for column in book.columns:
        column.average = coursework.mean_of(*sums.get(column.assignment.id, (0, 0)))
    return paged, book
