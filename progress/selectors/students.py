"""The facts behind each student's own report, for a whole batch at once."""

from __future__ import annotations

from django.db.models import Count

from courses.models import LessonCompletion
from practice import api as practice_api
from quizzes import coursework
from quizzes import reviews as quiz_reviews
from quizzes.coursework_rows import override_rows
from quizzes.models import Assignment, Attempt, Extension, GradeOverride

from .. import reports
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


def student_facts(
    users: list, *, week: reports.Week
) -> tuple[
    dict[int, reports.StudentFacts], dict[int, reports.QuestionInfo], dict[int, str]
]:
    """What each student's report needs, for a whole batch in a fixed
    number of queries (eleven, and five for the review decisions)."""
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
            coursework.AttemptRow(**{name: row[name] for name in _ATTEMPT_FIELDS})
        )

    question_ids: set[int] = set()
    graded = list(
        _graded_responses(
            attempt__student_id__in=ids, attempt__submitted_at__lt=week.end
        )
    )
    # The same review decision as the result page, taken when the week ends: an answer
    # whose feedback the quiz still hides must not show up as a passage to review.
    reviews = quiz_reviews.reviews_of_attempts(
        list(
            {
                (
                    row["attempt_id"],
                    row["attempt__student_id"],
                    row["attempt__quiz_id"],
                    row["attempt__submitted_at"],
                )
                for row in graded
            }
        ),
        now=week.end,
    )
    for row in graded:
        facts[row["attempt__student_id"]].responses.append(
            _response_row(row, reviewable=reviews[row["attempt_id"]].feedback)
        )
        question_ids.add(row["question_id"])
    # Practice answers, shown apart in the mastery (never part of a grade).
    for row in practice_api.answered_rows(student_ids=ids, before=week.end):
        facts[row.student_id].practice.append(
            reports.ResponseRow(
                student_id=row.student_id,
                question_id=row.question_id,
                score=row.score,
                max_score=row.max_score,
                submitted_at=row.answered_at,
            )
        )
        question_ids.add(row.question_id)
    questions, tradeoff_names = question_infos(question_ids, with_tradeoffs=True)

    # As quizzes.selectors.rules_for_quizzes: the latest-due assignment of a quiz wins.
    chosen: dict[tuple[int, int], coursework.AssignmentRow] = {}
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
        for override in override_rows(
            GradeOverride.objects.filter(student_id__in=ids).order_by()
        ):
            facts[override.student_id].overrides[override.assignment_id] = override
    return facts, questions, tradeoff_names
