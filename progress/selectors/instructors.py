"""The facts behind each instructor's digest of their cohorts, for a whole batch."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from django.db.models import Count, Q

from courses.models import CohortMembership, Lesson, LessonCompletion
from quizzes import coursework
from quizzes.coursework_rows import override_rows
from quizzes.models import Assignment, Attempt, Extension, GradeOverride, Response

from .. import reports
from .recipients import _teaching
from .rows import (
    _ATTEMPT_FIELDS,
    _TERMS_FIELDS,
    _assignment_row,
    _full_name,
    _graded_responses,
    _response_row,
    _terms,
    question_infos,
)


def instructor_facts(
    users: list, *, week: reports.Week
) -> tuple[dict[int, list[reports.CohortFacts]], dict[int, reports.QuestionInfo]]:
    """Each instructor's cohorts with what their digest needs, for a batch in eleven queries."""
    ids = [user.pk for user in users]
    taught: dict[int, list[int]] = {pk: [] for pk in ids}
    cohorts: dict[int, reports.CohortFacts] = {}
    course_of: dict[int, int] = {}
    for row in (
        _teaching()
        .filter(user_id__in=ids)
        .order_by("cohort__course__title", "cohort__name", "cohort_id")
        .values(
            "user_id",
            "cohort_id",
            "cohort__name",
            "cohort__course_id",
            "cohort__course__title",
        )
    ):
        taught[row["user_id"]].append(row["cohort_id"])
        course_of[row["cohort_id"]] = row["cohort__course_id"]
        cohorts.setdefault(
            row["cohort_id"],
            reports.CohortFacts(
                cohort_id=row["cohort_id"],
                name=row["cohort__name"],
                course_title=row["cohort__course__title"],
                lesson_count=0,
            ),
        )
    if not cohorts:
        return {pk: [] for pk in ids}, {}
    cohort_ids = list(cohorts)
    course_ids = set(course_of.values())
    members = CohortMembership.objects.filter(cohort_id__in=cohort_ids)
    student_ids = members.values("student_id")

    cohorts_of_student: dict[int, list[int]] = defaultdict(list)
    for row in members.order_by(
        "student__last_name", "student__first_name", "student__email"
    ).values(
        "cohort_id",
        "student_id",
        "student__first_name",
        "student__last_name",
        "student__email",
    ):
        cohorts[row["cohort_id"]].students.append(
            coursework.StudentRow(
                id=row["student_id"],
                name=_full_name(
                    row["student__first_name"],
                    row["student__last_name"],
                    row["student__email"],
                ),
                email=row["student__email"],
            )
        )
        cohorts_of_student[row["student_id"]].append(row["cohort_id"])

    lessons = dict(
        Lesson.objects.filter(course_id__in=course_ids, published=True)
        .order_by()
        .values("course_id")
        .annotate(n=Count("pk"))
        .values_list("course_id", "n")
    )
    for cohort_id, facts in cohorts.items():
        facts.lesson_count = lessons.get(course_of[cohort_id], 0)

    for row in (
        LessonCompletion.objects.filter(
            user_id__in=student_ids,
            lesson__course_id__in=course_ids,
            lesson__published=True,
            completed_at__lt=week.end,
        )
        .order_by()
        .values("user_id", "lesson__course_id")
        .annotate(
            total=Count("pk"),
            this_week=Count("pk", filter=Q(completed_at__gte=week.start)),
        )
    ):
        for cohort_id in cohorts_of_student[row["user_id"]]:
            if course_of[cohort_id] == row["lesson__course_id"]:
                cohorts[cohort_id].completions[row["user_id"]] = row["total"]
                cohorts[cohort_id].completions_this_week += row["this_week"]

    assigned_quizzes: dict[int, set[int]] = defaultdict(set)
    assignment_cohort: dict[int, int] = {}
    for row in (
        Assignment.objects.filter(cohort_id__in=cohort_ids)
        .order_by("due_at", "pk")
        .values(
            "pk",
            "cohort_id",
            "quiz_id",
            "quiz__title",
            "quiz__grading_method",
            "opens_at",
            "due_at",
        )
    ):
        cohorts[row["cohort_id"]].assignments.append(_assignment_row(row))
        assigned_quizzes[row["cohort_id"]].add(row["quiz_id"])
        assignment_cohort[row["pk"]] = row["cohort_id"]
    quiz_ids = set().union(*assigned_quizzes.values()) if assigned_quizzes else set()

    for row in (
        Extension.objects.filter(assignment__cohort_id__in=cohort_ids)
        .order_by()
        .values("assignment_id", "student_id", *_TERMS_FIELDS)
    ):
        cohorts[assignment_cohort[row["assignment_id"]]].extensions.append(
            coursework.ExtensionRow(
                assignment_id=row["assignment_id"],
                student_id=row["student_id"],
                terms=_terms(row),
            )
        )

    for override in override_rows(
        GradeOverride.objects.filter(assignment__cohort_id__in=cohort_ids).order_by()
    ):
        cohorts[assignment_cohort[override.assignment_id]].overrides.append(override)

    def each_cohort(student_id: int, quiz_id: int) -> Iterator[reports.CohortFacts]:
        for cohort_id in cohorts_of_student[student_id]:
            if quiz_id in assigned_quizzes[cohort_id]:
                yield cohorts[cohort_id]

    if quiz_ids:
        for row in (
            Attempt.objects.filter(quiz_id__in=quiz_ids, student_id__in=student_ids)
            .order_by()
            .values(*_ATTEMPT_FIELDS)
        ):
            attempt = coursework.AttemptRow(**row)
            for facts in each_cohort(row["student_id"], row["quiz_id"]):
                facts.attempts.append(attempt)
    question_ids: set[int] = set()
    if quiz_ids:
        for row in _graded_responses(
            attempt__quiz_id__in=quiz_ids,
            attempt__student_id__in=student_ids,
            attempt__submitted_at__lt=week.end,
        ).values(
            "attempt__student_id",
            "attempt__quiz_id",
            "question_id",
            "score",
            "max_score",
            "attempt__submitted_at",
        ):
            response = _response_row(row)
            for facts in each_cohort(
                row["attempt__student_id"], row["attempt__quiz_id"]
            ):
                facts.responses.append(response)
                question_ids.add(row["question_id"])

    # The grading queue as the instructor pages define it: a person's score is awaited.
    for row in (
        Response.objects.filter(
            needs_manual=True,
            manual_score__isnull=True,
            override_score__isnull=True,
            attempt__state=Attempt.State.NEEDS_REVIEW,
            attempt__student_id__in=student_ids,
            attempt__quiz__course_id__in=course_ids,
        )
        .order_by()
        .values("attempt__student_id", "attempt__quiz__course_id")
        .annotate(n=Count("pk"))
    ):
        for cohort_id in cohorts_of_student[row["attempt__student_id"]]:
            if course_of[cohort_id] == row["attempt__quiz__course_id"]:
                cohorts[cohort_id].queue_count += row["n"]

    questions, _ = question_infos(question_ids, with_tradeoffs=False)
    by_instructor = {
        pk: [cohorts[cohort_id] for cohort_id in cohort_list]
        for pk, cohort_list in taught.items()
    }
    return by_instructor, questions
