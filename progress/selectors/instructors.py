"""The facts behind each instructor's digest of their cohorts, for a whole batch.

A digest's cohort may have 100,000 students: its members and their rows come a part
at a time (`cohort_parts`), CHUNK_SIZE memberships of the batch's cohorts per part,
in a fixed number of queries per part after one read of their order, so neither memory
(but for 16 bytes a member) nor the queries of a batch of small cohorts grow with the
largest one.
"""

from __future__ import annotations

from array import array
from collections import defaultdict
from collections.abc import Iterator

from django.contrib.auth import get_user_model
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
)

User = get_user_model()

# Memberships whose students' rows are held at once while their digests are tallied.
CHUNK_SIZE = 2000
# The order of a cohort's students in its digest, after the cohort: by name.
_MEMBER_ORDER = ("student__last_name", "student__first_name", "student__email")


def instructor_cohorts(
    users: list,
) -> tuple[dict[int, list[int]], dict[int, reports.CohortFacts]]:
    """Each instructor's cohorts (ids, in digest order), and each cohort's facts
    without its students: name, course, lessons and assignments. Three queries."""
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
        return taught, cohorts
    lessons = dict(
        Lesson.objects.filter(course_id__in=set(course_of.values()), published=True)
        .order_by()
        .values("course_id")
        .annotate(n=Count("pk"))
        .values_list("course_id", "n")
    )
    for cohort_id, facts in cohorts.items():
        facts.lesson_count = lessons.get(course_of[cohort_id], 0)
        facts.course_id = course_of[cohort_id]
    for row in (
        Assignment.objects.filter(cohort_id__in=list(cohorts))
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
    return taught, cohorts


def _member_pages(cohort_ids: list[int]) -> Iterator[list[tuple]]:
    """The cohorts' memberships, CHUNK_SIZE at a time, by cohort and then by name:
    (cohort, student, first name, last name, e-mail).

    The order is read once, as two arrays of ids (16 bytes a member): paging by name
    (a keyset over last name, first name, e-mail) made the database sort the rest of a
    100,000-student cohort again for every page.
    """
    cohorts, students = array("q"), array("q")
    for cohort_id, student_id in (
        CohortMembership.objects.filter(cohort_id__in=cohort_ids)
        .order_by("cohort_id", *_MEMBER_ORDER)
        .values_list("cohort_id", "student_id")
        .iterator(chunk_size=CHUNK_SIZE)
    ):
        cohorts.append(cohort_id)
        students.append(student_id)
    for start in range(0, len(students), CHUNK_SIZE):
        ids = students[start : start + CHUNK_SIZE]
        names = {
            pk: (first, last, email)
            for pk, first, last, email in User.objects.filter(
                pk__in=ids.tolist()
            ).values_list("pk", "first_name", "last_name", "email")
        }
        yield [
            (cohort_id, student_id, *names[student_id])
            for cohort_id, student_id in zip(
                cohorts[start : start + CHUNK_SIZE], ids, strict=True
            )
        ]


def cohort_parts(
    cohorts: dict[int, reports.CohortFacts], *, week: reports.Week
) -> Iterator[list[reports.CohortFacts]]:
    """The cohorts' students with their rows, a part at a time: for each part, the
    facts of each cohort it touches, restricted to the part's students (each
    membership is in one part). Six queries per part."""
    for page in _member_pages(list(cohorts)):
        parts: dict[int, reports.CohortFacts] = {}
        cohorts_of_student: dict[int, list[int]] = defaultdict(list)
        for cohort_id, student_id, first, last, email in page:
            whole = cohorts[cohort_id]
            part = parts.get(cohort_id)
            if part is None:
                part = parts[cohort_id] = reports.CohortFacts(
                    cohort_id=whole.cohort_id,
                    name=whole.name,
                    course_title=whole.course_title,
                    lesson_count=whole.lesson_count,
                    assignments=whole.assignments,
                    course_id=whole.course_id,
                )
            part.students.append(
                coursework.StudentRow(
                    id=student_id, name=_full_name(first, last, email), email=email
                )
            )
            cohorts_of_student[student_id].append(cohort_id)
        _fill(parts, cohorts, cohorts_of_student, week=week)
        yield list(parts.values())


def _fill(
    parts: dict[int, reports.CohortFacts],
    cohorts: dict[int, reports.CohortFacts],
    cohorts_of_student: dict[int, list[int]],
    *,
    week: reports.Week,
) -> None:
    """Load the rows of a part's students into its cohorts' facts."""
    student_ids = list(cohorts_of_student)
    course_of = {cid: cohorts[cid].course_id for cid in parts}
    course_ids = set(course_of.values())

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
                parts[cohort_id].completions[row["user_id"]] = row["total"]
                parts[cohort_id].completions_this_week += row["this_week"]

    assigned_quizzes: dict[int, set[int]] = {
        cid: {a.quiz_id for a in part.assignments} for cid, part in parts.items()
    }
    assignment_cohort = {
        a.id: cid for cid, part in parts.items() for a in part.assignments
    }
    quiz_ids = set().union(*assigned_quizzes.values())
    if assignment_cohort:
        for row in (
            Extension.objects.filter(
                assignment_id__in=list(assignment_cohort), student_id__in=student_ids
            )
            .order_by()
            .values("assignment_id", "student_id", *_TERMS_FIELDS)
        ):
            parts[assignment_cohort[row["assignment_id"]]].extensions.append(
                coursework.ExtensionRow(
                    assignment_id=row["assignment_id"],
                    student_id=row["student_id"],
                    terms=_terms(row),
                )
            )
        for override in override_rows(
            GradeOverride.objects.filter(
                assignment_id__in=list(assignment_cohort), student_id__in=student_ids
            ).order_by()
        ):
            parts[assignment_cohort[override.assignment_id]].overrides.append(override)

    def each_cohort(student_id: int, quiz_id: int) -> Iterator[reports.CohortFacts]:
        for cohort_id in cohorts_of_student[student_id]:
            if quiz_id in assigned_quizzes[cohort_id]:
                yield parts[cohort_id]

    if quiz_ids:
        for row in (
            Attempt.objects.filter(quiz_id__in=quiz_ids, student_id__in=student_ids)
            .order_by()
            .values(*_ATTEMPT_FIELDS)
        ):
            attempt = coursework.AttemptRow(**row)
            for facts in each_cohort(row["student_id"], row["quiz_id"]):
                facts.attempts.append(attempt)
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
                parts[cohort_id].queue_count += row["n"]
