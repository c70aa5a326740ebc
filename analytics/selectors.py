"""Shaped reads for reports: who may see a quiz's reports, and its score matrix."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Exists, OuterRef
from django.http import Http404
from django.shortcuts import get_object_or_404

from courses.models import Cohort, CohortMembership, teaches_every_cohort
from quizzes import grading, selectors
from quizzes.models import (
    Attempt,
    Question,
    Quiz,
    RegradeRun,
    RegradeRunChange,
    Response,
)

from . import statistics as qstats
from .models import ExportJob, QuizStatistics

__all__ = [
    "AnswerColumns",
    "QuizMatrix",
    "cohort_for_instructor",
    "export_for_requester",
    "quiz_for_instructor",
    "quiz_matrix",
    "recent_exports",
    "regrade_changes",
    "reportable_cohorts",
    "reportable_quizzes",
    "stored_statistics",
]

# Kinds whose answers statistics look at beyond the score.
CHOICE_KINDS = frozenset(Question.CHOICE_KINDS)
SCALE_KINDS = frozenset(
    {Question.Kind.TRADEOFF_POSITION, Question.Kind.TRADEOFF_ALLOCATION}
)


def reportable_cohorts(user):
    """Cohorts whose reports this user may read: the ones they teach, all for staff."""
    if not user.is_authenticated:
        return Cohort.objects.none()
    return Cohort.objects.taught_by(user).select_related("course")


def visible_student_ids(*, quiz: Quiz, user) -> set[int] | None:
    """Students of this quiz's course whose names the user may see; None means all (staff)."""
    if teaches_every_cohort(user):
        return None
    return set(
        CohortMembership.objects.filter(
            cohort__in=reportable_cohorts(user), cohort__course_id=quiz.course_id
        ).values_list("student_id", flat=True)
    )


def only_visible(changes: list, *, quiz: Quiz, user) -> tuple[list, int]:
    """Keep the changes of students the user teaches; return them and how many were hidden.

    A regrade moves every student of the quiz, but an instructor only sees their own.
    """
    visible = visible_student_ids(quiz=quiz, user=user)
    if visible is None:
        return list(changes), 0
    shown = [c for c in changes if _student_of(c) in visible]
    return shown, len(changes) - len(shown)


def _student_of(change) -> int:
    return change["student"] if isinstance(change, dict) else change.student_id


# Changes of a recorded run shown at once: a run can move tens of thousands.
CHANGES_PAGE = 500


def regrade_changes(*, run: RegradeRun, user, limit: int = CHANGES_PAGE) -> list[dict]:
    """The first `limit` changes of a recorded run whose students the user teaches, in
    the run's order and in the shape the dry run shows (`RegradeChange.as_json`)."""
    rows = RegradeRunChange.objects.filter(run=run)
    if not teaches_every_cohort(user):
        # In the database: a large course's member ids would make a long IN list.
        rows = rows.filter(
            student_id__in=CohortMembership.objects.filter(
                cohort__in=reportable_cohorts(user),
                cohort__course_id=run.quiz.course_id,
            ).values("student_id")
        )
    return [
        {
            "attempt": row["attempt_id"],
            "student": row["student_id"],
            "email": row["student__email"] or "",
            "name": (
                f"{row['student__first_name']} {row['student__last_name']}".strip()
                or row["student__email"]
                or ""
            ),
            "number": row["number"],
            "old": row["old"],
            "new": row["new"],
            "old_max": row["old_max"],
            "new_max": row["new_max"],
            "old_state": row["old_state"],
            "new_state": row["new_state"],
            "question_old": row["question_old"],
            "question_new": row["question_new"],
        }
        for row in rows.order_by("pk").values(
            "attempt_id",
            "student_id",
            "student__email",
            "student__first_name",
            "student__last_name",
            "number",
            "old",
            "new",
            "old_max",
            "new_max",
            "old_state",
            "new_state",
            "question_old",
            "question_new",
        )[:limit]
    ]


def reportable_quizzes(user):
    """Quizzes on a course with a cohort this user teaches (every quiz for staff)."""
    qs = Quiz.objects.select_related("course", "lesson")
    if not user.is_authenticated:
        return qs.none()
    if teaches_every_cohort(user):
        return qs
    teaches = Cohort.objects.filter(course=OuterRef("course_id"), instructors=user)
    return qs.filter(Exists(teaches))


def quiz_for_instructor(*, quiz_id: int, user, with_questions: bool = False) -> Quiz:
    """The quiz if this user may read its reports; 404 for students and strangers."""
    qs = reportable_quizzes(user)
    if with_questions:
        qs = qs.prefetch_related(selectors.questions_prefetch())
    return get_object_or_404(qs, pk=quiz_id)


def cohort_for_instructor(*, cohort_id: int, user) -> Cohort:
    """The cohort if this user teaches it (or is staff); 404 otherwise."""
    return get_object_or_404(reportable_cohorts(user), pk=cohort_id)


def export_for_requester(*, job_id: int, user) -> ExportJob:
    """An export job, to the user who asked for it only; 404 for anyone else."""
    if not user.is_authenticated:
        raise Http404
    return get_object_or_404(
        ExportJob.objects.select_related("cohort", "quiz"),
        pk=job_id,
        requested_by=user,
    )


def recent_exports(*, user, limit: int = 10) -> list[ExportJob]:
    """The user's latest export jobs, newest first."""
    return list(
        ExportJob.objects.filter(requested_by=user).select_related("cohort", "quiz")[
            :limit
        ]
    )


def stored_statistics(*, quiz: Quiz, which: str) -> QuizStatistics | None:
    return QuizStatistics.objects.filter(quiz=quiz, which=which).first()


@dataclass
class AnswerColumns:
    """Raw answers statistics need beyond scores, per question id."""

    choices: dict[int, list[list[int]]] = field(default_factory=dict)
    positions: dict[int, list[float]] = field(default_factory=dict)
    # Per allocation question: one list of shares per value, in the value order.
    allocations: dict[int, list[list[float]]] = field(default_factory=dict)


@dataclass
class QuizMatrix:
    """What analytics.statistics needs for one quiz: its questions, scores and answers."""

    quiz: Quiz
    questions: list[Question]
    max_marks: dict[int, float]
    matrix: list[qstats.AttemptScores]
    answers: AnswerColumns


def question_max(question: Question) -> float:
    """The most a question can earn, from its key."""
    return grading.max_points(selectors.question_key(question))


def _add_answer(columns: AnswerColumns, question: Question, answer) -> None:
    """File one answer under its question; malformed answers are left out, not counted."""
    if not isinstance(answer, dict):
        return
    if question.kind in CHOICE_KINDS:
        if "choices" in answer and isinstance(answer["choices"], list):
            picks = [c for c in answer["choices"] if isinstance(c, int)]
        elif isinstance(answer.get("choice"), int):
            picks = [answer["choice"]]
        else:
            return
        columns.choices[question.id].append(picks)
    elif question.kind == Question.Kind.TRADEOFF_POSITION:
        value = answer.get("position")
        if isinstance(value, int | float) and 0 <= value <= 100:
            columns.positions[question.id].append(float(value))
    elif question.kind == Question.Kind.TRADEOFF_ALLOCATION:
        shares = answer.get("allocation")
        per_value = columns.allocations[question.id]
        if (
            isinstance(shares, list)
            and len(shares) == len(per_value)
            and all(isinstance(s, int | float) and 0 <= s <= 100 for s in shares)
        ):
            for column, share in zip(per_value, shares, strict=True):
                column.append(float(share))


def quiz_matrix(*, quiz_id: int, which: str) -> QuizMatrix:
    """Load a quiz's graded attempts as a score matrix, in a constant number of queries.

    Attempts are picked among all finished ones (so "first" means the student's real
    first attempt), then only fully graded ones are kept: a submitted or half-marked
    attempt would read as zeros on the parts nobody has scored yet.
    """
    quiz = selectors.quiz_with_questions(quiz_id=quiz_id)
    questions = list(quiz.questions.all())
    max_marks = {q.id: question_max(q) for q in questions}
    records = [
        qstats.AttemptRecord(
            student_id=row["student_id"],
            number=row["number"],
            total=float(row["score"] or 0),
            attempt_id=(row["id"], row["state"]),
        )
        for row in Attempt.objects.finished()
        .filter(quiz_id=quiz_id)
        .order_by("student_id", "number")
        .values("id", "student_id", "number", "state", "score")
    ]
    chosen = [
        record.attempt_id[0]
        for record in qstats.select_attempts(records, which)
        if record.attempt_id[1] == Attempt.State.GRADED
    ]
    scores: dict[int, dict[int, float]] = {attempt_id: {} for attempt_id in chosen}
    answers = AnswerColumns(
        choices={q.id: [] for q in questions if q.kind in CHOICE_KINDS},
        positions={
            q.id: [] for q in questions if q.kind == Question.Kind.TRADEOFF_POSITION
        },
        allocations={
            q.id: [[] for _ in (q.data or {}).get("values", [])]
            for q in questions
            if q.kind == Question.Kind.TRADEOFF_ALLOCATION
        },
    )
    by_id = {q.id: q for q in questions}
    wanted = [q.id for q in questions if q.kind in CHOICE_KINDS | SCALE_KINDS]
    for attempt_id, question_id, score in Response.objects.filter(
        attempt_id__in=chosen, question_id__in=by_id
    ).values_list("attempt_id", "question_id", "score"):
        scores[attempt_id][question_id] = float(score or Decimal(0))
    # Answers are read only for the kinds that use them: essays can be long.
    for question_id, answer in Response.objects.filter(
        attempt_id__in=chosen, question_id__in=wanted
    ).values_list("question_id", "answer"):
        _add_answer(answers, by_id[question_id], answer)
    matrix = [
        qstats.AttemptScores(attempt_id=attempt_id, scores=row, max_scores=max_marks)
        for attempt_id, row in scores.items()
    ]
    return QuizMatrix(
        quiz=quiz,
        questions=questions,
        max_marks=max_marks,
        matrix=matrix,
        answers=answers,
    )
