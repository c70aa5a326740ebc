"""Reads and row shapes shared by the student and instructor batches."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import QuerySet

from quizzes import coursework
from quizzes.models import Attempt, Question, Response
from quizzes.rules import ExtensionTerms

from .. import reports

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
            "cognitive_level",
            "quiz__course__slug",
        )
    ):
        text = row["name"] or row["prompt"]
        if len(text) > _QUESTION_TEXT_LENGTH:
            text = text[: _QUESTION_TEXT_LENGTH - 1].rstrip() + "…"
        infos[row["id"]] = reports.QuestionInfo(
            id=row["id"],
            text=text,
            passage_url=coursework.passage_url(
                row["lesson__course__slug"], row["lesson__slug"], row["paragraph"]
            ),
            lesson_title=row["lesson__title"] or "",
            paragraph=row["paragraph"],
            tradeoff_ids=tuple(sorted(touching.get(row["id"], ()))),
            applied=row["cognitive_level"] in Question.APPLY_AND_ABOVE,
            course_slug=row["quiz__course__slug"],
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
            "attempt_id",
            "attempt__quiz_id",
        )
    )


def _response_row(row: dict, *, reviewable: bool = True) -> reports.ResponseRow:
    return reports.ResponseRow(
        student_id=row["attempt__student_id"],
        question_id=row["question_id"],
        score=row["score"],
        max_score=row["max_score"],
        submitted_at=row["attempt__submitted_at"],
        reviewable=reviewable,
    )


def _terms(row: dict) -> ExtensionTerms:
    return ExtensionTerms(**{name: row[name] for name in _TERMS_FIELDS})


def _assignment_row(row: dict) -> coursework.AssignmentRow:
    return coursework.AssignmentRow(
        id=row["pk"],
        quiz_id=row["quiz_id"],
        title=row["quiz__title"],
        grading_method=row["quiz__grading_method"],
        opens_at=row["opens_at"],
        due_at=row["due_at"],
    )
