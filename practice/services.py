"""Writes of practice: start today's set, answer one of its questions.

Neither touches an attempt, a response, a grade or a statistic, and neither sends an
engine signal: practice never counts towards grades, attempts, statistics or LTI
passback.
"""

from __future__ import annotations

import hashlib
import random
import zoneinfo
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import DomainError, NotPermitted
from courses.models import Course, Tradeoff
from quizzes import grading
from quizzes import selectors as quiz_selectors
from quizzes.models import Question

from . import scheduler, selectors
from .handles import handles_for
from .models import Card, PracticeItem, PracticeSet, ReviewLog


class NothingToPractise(DomainError):
    def __init__(self):
        super().__init__(
            _(
                "Nothing to practise yet: practice draws on the questions of quizzes "
                "you have finished whose answers you may already see."
            ),
            code="nothing_to_practise",
        )


class QuestionClosed(DomainError):
    def __init__(self):
        super().__init__(
            _(
                "This question is not open for practice any more: its quiz keeps its "
                "answers back for now."
            ),
            code="question_closed",
        )


def practice_day(student, now: datetime) -> date:
    """The student's calendar day at `now`, in their own time zone."""
    try:
        zone = zoneinfo.ZoneInfo(student.timezone or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = zoneinfo.ZoneInfo("UTC")
    return timezone.localtime(now, zone).date()


def _layout(questions: list[Question], seed: int) -> dict:
    """The order of each question's choices, items and options in this set."""
    rng = random.Random(seed)
    choices: dict[str, list[int]] = {}
    items: dict[str, list[str]] = {}
    options: dict[str, list[str]] = {}
    for question in questions:
        data = question.data or {}
        if question.is_choice_kind:
            ids = [c.id for c in question.choices.all()]
            if question.kind != Question.Kind.TRUE_FALSE:
                rng.shuffle(ids)
            choices[str(question.id)] = ids
        elif question.kind == Question.Kind.ORDERING:
            ids = [item["id"] for item in data.get("items", [])]
            rng.shuffle(ids)
            items[str(question.id)] = ids
        elif question.kind == Question.Kind.MATCHING:
            texts = sorted(
                {pair["answer"] for pair in data.get("pairs", [])}
                | set(data.get("distractors", []))
            )
            rng.shuffle(texts)
            options[str(question.id)] = texts
    return {"choices": choices, "items": items, "options": options}


def _seed(student, day: date) -> int:
    digest = hashlib.sha256(f"practice:{student.pk}:{day.isoformat()}".encode())
    return int(digest.hexdigest()[:12], 16)


def _candidates(questions: list[Question], focus: Tradeoff | None):
    candidates = []
    for question in questions:
        tradeoff_ids = tuple(t.pk for t in question.tradeoffs.all())
        if focus is not None and focus.pk not in tradeoff_ids:
            continue
        slot = f"{question.quiz_id}:{question.pool}" if question.pool else ""
        candidates.append(scheduler.Candidate(question.id, tradeoff_ids, slot))
    return candidates


def start_set(
    *,
    student,
    course: Course,
    focus: Tradeoff | None = None,
    now: datetime | None = None,
) -> tuple[PracticeSet, bool]:
    """Today's set of this course (on `focus` if given): the one already started, or a
    new one chosen by the scheduler; (set, created)."""
    now = now or timezone.now()
    if not selectors.is_enrolled(student, course):
        raise NotPermitted(_("Only the course's enrolled students practise here."))
    day = practice_day(student, now)
    existing = PracticeSet.objects.filter(
        student=student, course=course, day=day, focus=focus
    ).first()
    if existing is not None:
        return existing, False
    open_ids = selectors.open_question_ids(student, course, now=now)
    questions = selectors.practice_questions(questions_pks=list(open_ids))
    cards = {
        question_id: selectors.memory_of(card)
        for question_id, card in selectors.cards_of(student, open_ids).items()
    }
    weights = selectors.course_mastery(student, course).weights()
    chosen = scheduler.choose(
        _candidates(questions, focus),
        cards,
        weights,
        now=now,
        seed=f"{student.pk}:{day.isoformat()}:{focus.pk if focus else ''}",
    )
    if not chosen:
        raise NothingToPractise()
    by_id = {q.id: q for q in questions}
    try:
        with transaction.atomic():
            practice_set = PracticeSet.objects.create(
                student=student,
                course=course,
                day=day,
                focus=focus,
                created_at=now,
                layout=_layout([by_id[q] for q in chosen], seed=_seed(student, day)),
            )
            PracticeItem.objects.bulk_create(
                PracticeItem(practice_set=practice_set, question_id=q, position=n)
                for n, q in enumerate(chosen, start=1)
            )
    except IntegrityError:
        # A second click started the same set at the same moment: that one stands.
        return PracticeSet.objects.get(
            student=student, course=course, day=day, focus=focus
        ), False
    return practice_set, True


def _clean(key: dict, answer: Any) -> dict:
    try:
        cleaned = grading.validate_answer(key, answer)
    except grading.InvalidAnswer as exc:
        raise ValidationError(str(exc)) from exc
    if not cleaned or not grading.is_answered(key, cleaned):
        raise ValidationError(_("Answer the question first."))
    return cleaned


@transaction.atomic
def answer_item(
    *,
    practice_set: PracticeSet,
    position: int,
    answer: Any,
    now: datetime | None = None,
) -> tuple[PracticeItem, bool]:
    """Mark one answer, show its feedback and reschedule its card; (item, created).

    `answer` comes from the student, with the set's handles. The item is locked first:
    a double click waits, then finds the item answered and changes nothing, so a card
    is reviewed once per item and has one review log.
    """
    now = now or timezone.now()
    item = (
        PracticeItem.objects.select_for_update(of=("self",))
        .filter(practice_set=practice_set, position=position)
        .get()
    )
    if item.is_answered:
        return item, False
    student = practice_set.student
    if item.question_id not in selectors.open_question_ids(
        student, practice_set.course, now=now
    ):
        raise QuestionClosed()
    [question] = selectors.practice_questions(questions_pks=[item.question_id])
    handles = handles_for(practice_set, [question])
    key = quiz_selectors.question_key(question)
    cleaned = _clean(key, handles.answer_from_student(question.id, answer))
    result = grading.grade(key, cleaned)

    card, _created = Card.objects.select_for_update(of=("self",)).get_or_create(
        student=student, question=question, defaults={"due": now}
    )
    before = selectors.memory_of(card) if card.reviews else None
    rating = scheduler.rating_for(result.fraction)
    after = scheduler.review(before, rating, now)
    card.state = after.state
    card.step = after.step
    card.stability = after.stability
    card.difficulty = after.difficulty
    card.due = after.due
    card.last_review = after.last_review
    card.reviews += 1
    card.save()
    ReviewLog.objects.create(
        card=card,
        item=item,
        rating=int(rating),
        reviewed_at=now,
        due_before=before.due if before else None,
        due_after=after.due,
    )
    item.answer = cleaned
    item.score = Decimal(str(result.auto_points))
    item.max_score = Decimal(str(grading.max_points(key)))
    item.feedback = result.feedback
    item.answered_at = now
    item.save(update_fields=["answer", "score", "max_score", "feedback", "answered_at"])
    return item, True
