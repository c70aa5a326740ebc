"""Batch reads for progress reports: a fixed number of queries per batch of users.

Each function takes a whole batch of users and answers for all of them at once, so
building a week's reports costs the same few queries per batch however many students
there are; the pure builders in reports.py do the rest.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import date

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.urls import reverse

from courses.models import (
    Cohort,
    CohortMembership,
    Enrollment,
    Lesson,
    LessonCompletion,
)
from quizzes.instructor import tables
from quizzes.models import Assignment, Attempt, Extension, Question, Response
from quizzes.rules import ExtensionTerms

from .. import reports
from ..models import ProgressReport

User = get_user_model()

_ATTEMPT_FIELDS = (
    "student_id",
    "quiz_id",
    "number",
    "state",
    "submitted_at",
    "score",
    "max_score",
)
_TERMS_FIELDS = ("due_at", "extra_minutes", "extra_attempts", "expires_at")
_QUESTION_TEXT_LENGTH = 120


def _full_name(first: str, last: str, email: str) -> str:
    return f"{first} {last}".strip() or email


def _teaching():
    return Cohort.instructors.through.objects


def student_recipients() -> QuerySet:
    """Active students who want reports and belong to a cohort or a course."""
    return User.objects.filter(
        role=User.Role.STUDENT, is_active=True, progress_emails=True
    ).filter(
        Exists(CohortMembership.objects.filter(student=OuterRef("pk")))
        | Exists(Enrollment.objects.filter(user=OuterRef("pk")))
    )


def instructor_recipients() -> QuerySet:
    """Active users who want reports and teach at least one cohort."""
    return User.objects.filter(is_active=True, progress_emails=True).filter(
        Exists(_teaching().filter(user_id=OuterRef("pk")))
    )


def recipients(kind: str) -> QuerySet:
    if kind == ProgressReport.Kind.INSTRUCTOR:
        return instructor_recipients()
    return student_recipients()


def recipient_batches(
    *, kind: str, period: date, batch_size: int, skip_existing: bool = True
) -> Iterator[list]:
    """Users due a report of this kind for the period, batch by batch (keyset, by pk).

    One query per batch and never more than a batch in memory. With skip_existing, users
    who already have a row for the period are left out, so a re-run renders nothing twice.
    """
    queryset = recipients(kind)
    if skip_existing:
        queryset = queryset.exclude(
            Exists(
                ProgressReport.objects.filter(
                    user=OuterRef("pk"), period=period, kind=kind
                )
            )
        )
    queryset = queryset.only(
        "id", "email", "first_name", "last_name", "role", "timezone"
    ).order_by("pk")
    last_pk = 0
    while True:
        batch = list(queryset.filter(pk__gt=last_pk)[:batch_size])
        if not batch:
            return
        yield batch
        last_pk = batch[-1].pk
        if len(batch) < batch_size:
            return


def passage_url(course_slug: str | None, lesson_slug: str | None, paragraph) -> str:
    """A lesson passage's site-relative URL, as Question.passage_url builds it."""
    if not course_slug or not lesson_slug:
        return ""
    url = reverse(
        "courses:lesson", kwargs={"course_slug": course_slug, "slug": lesson_slug}
    )
    return f"{url}#p{paragraph}" if paragraph else url


def question_infos(
    question_ids: set[int], *, with_tradeoffs: bool
) -> tuple[dict[int, reports.QuestionInfo], dict[int, str]]:
    """Passage, lesson and tradeoffs of each question, and the tradeoffs' names (≤2 queries)."""
    if not question_ids:
        return {}, {}
    touching: dict[int, list[int]] = defaultdict(list)
    names: dict[int, str] = {}
    if with_tradeoffs:
        for row in Question.tradeoffs.through.objects.filter(
            question_id__in=question_ids
        ).values(
            "question_id",
            "tradeoff_id",
            "tradeoff__left_value",
            "tradeoff__right_value",
        ):
            touching[row["question_id"]].append(row["tradeoff_id"])
            names[row["tradeoff_id"]] = (
                f"{row['tradeoff__left_value']} ↔ {row['tradeoff__right_value']}"
            )
    infos = {}
    for row in (
        Question.objects.filter(pk__in=question_ids)
        .order_by()
        .values(
            "id",
            "name",
            "prompt",
            "paragraph",
            "lesson__title",
            "lesson__slug",
            "lesson__course__slug",
        )
    ):
        text = row["name"] or row["prompt"]
        if len(text) > _QUESTION_TEXT_LENGTH:
            text = text[: _QUESTION_TEXT_LENGTH - 1].rstrip() + "…"
        infos[row["id"]] = reports.QuestionInfo(
            id=row["id"],
            text=text,
            passage_url=passage_url(
                row["lesson__course__slug"], row["lesson__slug"], row["paragraph"]
            ),
            lesson_title=row["lesson__title"] or "",
            paragraph=row["paragraph"],
            tradeoff_ids=tuple(sorted(touching.get(row["id"], ()))),
        )
    return infos, names


def _graded_responses(**filters) -> QuerySet:
    return (
        Response.objects.filter(
            attempt__state=Attempt.State.GRADED, score__isnull=False, **filters
        )
        .order_by()
        .values(
            "attempt__student_id",
            "question_id",
            "score",
            "max_score",
            "attempt__submitted_at",
        )
    )


def _response_row(row: dict) -> reports.ResponseRow:
    return reports.ResponseRow(
        student_id=row["attempt__student_id"],
        question_id=row["question_id"],
        score=row["score"],
        max_score=row["max_score"],
        submitted_at=row["attempt__submitted_at"],
    )


def _terms(row: dict) -> ExtensionTerms:
    return ExtensionTerms(**{name: row[name] for name in _TERMS_FIELDS})


def _assignment_row(row: dict) -> tables.AssignmentRow:
    return tables.AssignmentRow(
        id=row["pk"],
        quiz_id=row["quiz_id"],
        title=row["quiz__title"],
        grading_method=row["quiz__grading_method"],
        opens_at=row["opens_at"],
        due_at=row["due_at"],
    )


def student_facts(
    users: list, *, week: reports.Week
) -> tuple[
    dict[int, reports.StudentFacts], dict[int, reports.QuestionInfo], dict[int, str]
]:
    """What each student's report needs, for a whole batch in nine queries."""
    ids = [user.pk for user in users]
    facts = {
        user.pk: reports.StudentFacts(
            user_id=user.pk,
            name=_full_name(user.first_name, user.last_name, user.email),
        )
        for user in users
    }
    done_by_end = LessonCompletion.objects.filter(
        user_id__in=ids, completed_at__lt=week.end
    ).order_by()
    for row in done_by_end.values("user_id").annotate(n=Count("pk")):
        facts[row["user_id"]].lessons_total = row["n"]
    for row in done_by_end.filter(completed_at__gte=week.start).values(
        "user_id", "lesson__title"
    ):
        facts[row["user_id"]].lessons_this_week.append(row["lesson__title"])

    for row in (
        Attempt.objects.finished()
        .filter(student_id__in=ids, submitted_at__lt=week.end)
        .order_by()
        .values(*_ATTEMPT_FIELDS, "quiz__title", "quiz__grading_method")
    ):
        mine = facts[row["student_id"]]
        mine.quizzes.setdefault(
            row["quiz_id"],
            reports.QuizInfo(
                row["quiz_id"], row["quiz__title"], row["quiz__grading_method"]
            ),
        )
        mine.attempts.append(
            tables.AttemptRow(**{name: row[name] for name in _ATTEMPT_FIELDS})
        )

    question_ids: set[int] = set()
    for row in _graded_responses(
        attempt__student_id__in=ids, attempt__submitted_at__lt=week.end
    ):
        facts[row["attempt__student_id"]].responses.append(_response_row(row))
        question_ids.add(row["question_id"])
    questions, tradeoff_names = question_infos(question_ids, with_tradeoffs=True)

    # As quizzes.selectors.rules_for_quizzes: the latest-due assignment of a quiz wins.
    chosen: dict[tuple[int, int], tables.AssignmentRow] = {}
    for row in (
        Assignment.objects.filter(
            cohort__memberships__student_id__in=ids, quiz__published=True
        )
        .order_by("due_at", "pk")
        .values(
            "pk",
            "quiz_id",
            "quiz__title",
            "quiz__grading_method",
            "opens_at",
            "due_at",
            "cohort__memberships__student_id",
        )
    ):
        student_id = row["cohort__memberships__student_id"]
        chosen[(student_id, row["quiz_id"])] = _assignment_row(row)
    for (student_id, _), assignment in chosen.items():
        facts[student_id].assignments.append(assignment)
    if chosen:
        for row in (
            Extension.objects.filter(student_id__in=ids)
            .order_by()
            .values("assignment_id", "student_id", *_TERMS_FIELDS)
        ):
            facts[row["student_id"]].extensions.setdefault(
                row["assignment_id"], []
            ).append(_terms(row))
    return facts, questions, tradeoff_names


def instructor_facts(
    users: list, *, week: reports.Week
) -> tuple[dict[int, list[reports.CohortFacts]], dict[int, reports.QuestionInfo]]:
    """Each instructor's cohorts with what their digest needs, for a batch in ten queries."""
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
            tables.StudentRow(
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
            tables.ExtensionRow(
                assignment_id=row["assignment_id"],
                student_id=row["student_id"],
                terms=_terms(row),
            )
        )

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
            attempt = tables.AttemptRow(**row)
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
