"""Reads for practice: who may practise, what they may practise, mastery, the set page.

Each read costs a fixed number of queries whatever the size of the course or history.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import F, Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404

from courses.models import Course, Enrollment, Tradeoff
from quizzes import pools
from quizzes import reviews as quiz_reviews
from quizzes.models import Attempt, Choice, Question, Response

from . import mastery, scheduler
from .models import Card, PracticeItem, PracticeSet

# Auto-marked kinds only: an essay or a justification waits for a person, and a
# position is neither right nor wrong (TEACHING.md §1), so none of them makes a card.
PRACTISED_KINDS = (
    Question.Kind.SINGLE_CHOICE,
    Question.Kind.MULTIPLE_RESPONSE,
    Question.Kind.TRUE_FALSE,
    Question.Kind.SHORT_ANSWER,
    Question.Kind.NUMERIC,
    Question.Kind.ORDERING,
    Question.Kind.MATCHING,
)


def is_enrolled(user, course: Course) -> bool:
    """Whether the user is an enrolled student of the course (one query)."""
    return bool(
        user.is_authenticated
        and Enrollment.objects.filter(user=user, course=course).exists()
    )


def practice_questions(
    questions_pks: list[int] | None = None, **filters
) -> list[Question]:
    """Questions with what a practice page shows: choices and tradeoffs (3 queries)."""
    queryset = Question.objects.filter(**filters)
    if questions_pks is not None:
        queryset = queryset.filter(pk__in=questions_pks)
    return list(
        queryset.select_related("lesson__course")
        .prefetch_related(
            Prefetch("choices", queryset=Choice.objects.order_by("position", "id")),
            Prefetch("tradeoffs", queryset=Tradeoff.objects.order_by("pk")),
        )
        .order_by("quiz_id", "position", "id")
    )


def open_question_ids(student, course: Course, *, now: datetime) -> set[int]:
    """The course's questions whose answers this student may already see: practice
    never shows a key before the quiz's own review does (seven queries).

    A question is open when the student was dealt it in a finished attempt of a
    published quiz whose review shows the answers now (quizzes.rules.review_for).
    """
    attempts = list(
        Attempt.objects.finished()
        .filter(student=student, quiz__course=course, quiz__published=True)
        .values("id", "quiz_id", "submitted_at", "layout")
    )
    reviews = quiz_reviews.reviews_of_attempts(
        [(a["id"], student.pk, a["quiz_id"], a["submitted_at"]) for a in attempts],
        now=now,
    )
    layouts: dict[int, list] = defaultdict(list)
    for attempt in attempts:
        if reviews[attempt["id"]].key:
            layouts[attempt["quiz_id"]].append(attempt["layout"])
    if not layouts:
        return set()
    return {
        question_id
        for question_id, quiz_id in Question.objects.filter(
            quiz_id__in=layouts, kind__in=PRACTISED_KINDS
        ).values_list("id", "quiz_id")
        if any(pools.in_attempt(layout, question_id) for layout in layouts[quiz_id])
    }


@dataclass(frozen=True)
class _Facts:
    tradeoff_ids: tuple[int, ...]
    applied: bool


@dataclass
class CourseMastery:
    """Mastery per tradeoff of one student in one course, quizzes and practice apart."""

    rows: list[dict] = field(default_factory=list)

    def weights(self) -> dict[int, float]:
        return mastery.combined(
            {r["id"]: r["quiz"] for r in self.rows if r["quiz"]},
            {r["id"]: r["practice"] for r in self.rows if r["practice"]},
        )


def course_mastery(student, course: Course) -> CourseMastery:
    """Each tradeoff the course's questions touch, with the student's mastery from
    quizzes and, apart, from practice; weakest first (three queries)."""
    facts: dict[int, _Facts] = {}
    touching: dict[int, list[int]] = defaultdict(list)
    names: dict[int, str] = {}
    levels: dict[int, str] = {}
    for row in Question.tradeoffs.through.objects.filter(
        question__quiz__course=course, question__quiz__published=True
    ).values(
        "question_id",
        "tradeoff_id",
        "question__cognitive_level",
        "tradeoff__left_value",
        "tradeoff__right_value",
    ):
        touching[row["question_id"]].append(row["tradeoff_id"])
        levels[row["question_id"]] = row["question__cognitive_level"]
        names[row["tradeoff_id"]] = (
            f"{row['tradeoff__left_value']} ↔ {row['tradeoff__right_value']}"
        )
    for question_id, tradeoff_ids in touching.items():
        facts[question_id] = _Facts(
            tuple(sorted(tradeoff_ids)), levels[question_id] in Question.APPLY_AND_ABOVE
        )
    if not facts:
        return CourseMastery()
    quiz_rows = [
        mastery.Scored(r["question_id"], r["score"], r["max_score"], r["at"])
        for r in Response.objects.filter(
            attempt__student=student,
            attempt__quiz__course=course,
            attempt__state=Attempt.State.GRADED,
            score__isnull=False,
            question_id__in=list(facts),
        )
        .order_by()
        .values("question_id", "score", "max_score", at=F("attempt__submitted_at"))
    ]
    practice_rows = [
        mastery.Scored(r["question_id"], r["score"], r["max_score"], r["answered_at"])
        for r in PracticeItem.objects.filter(
            practice_set__student=student,
            practice_set__course=course,
            answered_at__isnull=False,
            question_id__in=list(facts),
        )
        .order_by()
        .values("question_id", "score", "max_score", "answered_at")
    ]
    from_quizzes = mastery.shares(quiz_rows, facts)
    from_practice = mastery.shares(practice_rows, facts)
    weights = mastery.combined(from_quizzes, from_practice)
    rows = [
        {
            "id": tradeoff_id,
            "name": names[tradeoff_id],
            "quiz": from_quizzes.get(tradeoff_id),
            "practice": from_practice.get(tradeoff_id),
            "mastery": weights.get(tradeoff_id),
        }
        for tradeoff_id in names
    ]
    rows.sort(
        key=lambda r: (
            scheduler.UNKNOWN_MASTERY if r["mastery"] is None else r["mastery"],
            r["name"],
        )
    )
    return CourseMastery(rows)


def cards_of(student, question_ids) -> dict[int, Card]:
    """The student's cards of these questions, by question id (one query)."""
    return {
        card.question_id: card
        for card in Card.objects.filter(student=student, question_id__in=question_ids)
    }


def memory_of(card: Card) -> scheduler.Memory:
    return scheduler.Memory(
        state=card.state,
        step=card.step,
        stability=card.stability,
        difficulty=card.difficulty,
        due=card.due,
        last_review=card.last_review,
    )


def set_for_student(student, pk: int) -> PracticeSet:
    """One of the student's own practice sets, or 404 (another's is not found)."""
    if not student.is_authenticated:
        raise Http404("No such practice set.")
    return get_object_or_404(
        PracticeSet.objects.select_related("course", "focus"), pk=pk, student=student
    )


def items_of(practice_set: PracticeSet) -> list[PracticeItem]:
    """The set's items in order, each with its question, choices and tradeoffs
    (four queries)."""
    items = list(practice_set.items.order_by("position"))
    questions = {
        q.id: q
        for q in practice_questions(questions_pks=[item.question_id for item in items])
    }
    for item in items:
        item.question = questions[item.question_id]
    return items


def due_count(student, *, now: datetime, open_ids: set[int]) -> int:
    """How many of the student's cards on these open questions are due now (one query)."""
    return Card.objects.filter(
        student=student, question_id__in=open_ids, due__lte=now
    ).count()


def tradeoff_or_404(pk) -> Tradeoff:
    try:
        return Tradeoff.objects.get(pk=int(pk))
    except (TypeError, ValueError, Tradeoff.DoesNotExist):
        raise Http404("No such tradeoff.") from None
