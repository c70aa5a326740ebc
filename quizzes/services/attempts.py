"""Start, autosave and submit attempts; the server keeps the clock and the limits."""

from __future__ import annotations

import json
import logging
import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from courses import services as course_services

from .. import grading, pools, selectors
from .. import rules as quiz_rules
from ..errors import (
    AttemptFinished,
    DeadlinePassed,
    EmailNotVerified,
    NoAttemptsLeft,
    NotAssigned,
    QuizChanged,
    QuizNotOpen,
)
from ..models import Attempt, Question, Quiz, Response
from .answer_input import checked_input
from .layout import deal_layout
from .marking import as_points

logger = logging.getLogger(__name__)

__all__ = [
    "SaveOutcome",
    "start_attempt",
    "save_responses",
    "submit_attempt",
    "submit_own_attempt",
    "close_expired_attempt",
]


def _lock_student(student) -> None:
    # One row lock per student serialises their starts: two tabs cannot both pass the
    # attempt-count check. The unique constraints stay as the last line of defence.
    get_user_model().objects.select_for_update().filter(pk=student.pk).first()


@transaction.atomic
def start_attempt(
    *, quiz: Quiz, student, now: datetime | None = None
) -> tuple[Attempt, bool]:
    """Start a new attempt, or return the one in progress; (attempt, created)."""
    now = now or timezone.now()
    if not student.is_verified:
        raise EmailNotVerified()
    _lock_student(student)
    existing = list(
        Attempt.objects.filter(quiz=quiz, student=student).order_by("number")
    )
    in_progress = next(
        (a for a in existing if a.state == Attempt.State.IN_PROGRESS), None
    )
    if in_progress is not None:
        if in_progress.deadline is None or now < in_progress.deadline:
            return in_progress, False
        _close(in_progress, at=in_progress.deadline)
    rules = selectors.rules_for(quiz=quiz, student=student, now=now)
    if rules.outside_assignment:
        raise NotAssigned()
    if rules.opens_at and now < rules.opens_at:
        raise QuizNotOpen(
            _("This quiz opens at %(when)s.")
            % {"when": timezone.localtime(rules.opens_at).strftime("%Y-%m-%d %H:%M %Z")}
        )
    if rules.closes_at and now >= rules.closes_at:
        raise QuizNotOpen(_("This quiz has closed."))
    if rules.attempts_allowed is not None and len(existing) >= rules.attempts_allowed:
        raise NoAttemptsLeft()
    quiz = selectors.quiz_with_questions(quiz_id=quiz.pk)
    if quiz.course.is_published:
        # Taking a quiz enrols the student, as finishing a lesson does: the course then
        # shows on their home page and in their progress reports.
        course_services.enroll(user=student, course=quiz.course)
    questions = list(quiz.questions.all())
    number = (existing[-1].number if existing else 0) + 1
    attempt = Attempt(
        quiz=quiz,
        student=student,
        number=number,
        certainty_based=quiz.certainty_based_marking,
        started_at=now,
        deadline=quiz_rules.attempt_deadline(rules, now),
        layout=deal_layout(
            quiz,
            questions,
            seed=random.SystemRandom().randrange(2**31),
            seen=pools.seen_in(a.layout for a in existing),
        ),
    )
    dealt = set(attempt.layout["questions"])
    keys = [(q, selectors.checked_key(q)) for q in questions if q.id in dealt]
    attempt.max_score = sum(
        (as_points(grading.max_points(k)) for _, k in keys), as_points(0)
    )
    attempt.save()
    Response.objects.bulk_create(
        Response(
            attempt=attempt,
            question=question,
            answer=None,
            saved_at=now,
            max_score=as_points(grading.max_points(key)),
        )
        for question, key in keys
    )
    return attempt, True


@dataclass(frozen=True)
class SaveOutcome:
    """What a save kept: complete answers given, and drafts with what each lacks.

    `responses`: the rows of the questions it was given, as they now stand, by question.
    """

    attempt: Attempt
    saved: list[int] = field(default_factory=list)
    drafts: dict[int, str] = field(default_factory=dict)
    responses: dict[int, Response] = field(default_factory=dict)


def _lock_attempt(attempt_id: int, *, student=None) -> Attempt:
    # The row alone: a submit without answers needs nothing else, and the questions are
    # loaded only when there are answers to check (_store_answers). With a student, only
    # their own row: someone else's is DoesNotExist, as if absent.
    attempts = Attempt.objects.select_for_update().order_by()
    if student is not None:
        attempts = attempts.filter(student=student)
    return attempts.get(pk=attempt_id)


_WRITTEN = ("answer", "draft", "certainty")


def _written(row: Response) -> str:
    # Strict (1 is not True, 1 is not 1.0): a difference of any kind is written.
    values = [getattr(row, name) for name in _WRITTEN]
    return json.dumps(values, sort_keys=True, default=repr)


def _store_answers(
    attempt: Attempt,
    answers: dict[Any, Any],
    now: datetime,
    certainties: dict[Any, Any] | None = None,
    questions: Iterable[Question] | None = None,
) -> SaveOutcome:
    """Save each answer on its own: complete ones as answers, unfinished ones as drafts.

    A certainty is saved with its question's row like the answer, draft or not. A
    malformed answer or certainty refuses the whole request (ValidationError) and
    saves nothing. Only rows that change are written (an autosave resends the whole
    form): a row's `saved_at` is when its answer, draft or certainty last changed.
    """
    if questions is None:
        questions = selectors.questions_for_grading(quiz_id=attempt.quiz_id)
    questions = {q.id: q for q in questions}
    split, sure = checked_input(attempt, questions, answers, certainties)
    if not split and not sure:
        return SaveOutcome(attempt)
    touched = set(split) | set(sure)
    responses = {
        r.question_id: r for r in attempt.responses.filter(question_id__in=touched)
    }
    missing = [qid for qid in touched if qid not in responses]
    for qid in missing:
        # A question added after the attempt started: its row is made now.
        responses[qid] = Response(
            attempt=attempt,
            question=questions[qid],
            max_score=as_points(
                grading.max_points(selectors.checked_key(questions[qid]))
            ),
        )
    before = {qid: _written(row) for qid, row in responses.items()}
    saved, drafts = [], {}
    for qid, part in split.items():
        row = responses[qid]
        row.answer = (part.gradable or None) if part else None
        row.draft = part.draft if part else None
        if part and part.draft is not None:
            drafts[qid] = part.problem
        elif row.answer is not None:
            saved.append(qid)
    for qid, certainty in sure.items():
        responses[qid].certainty = certainty
    new = [responses[qid] for qid in missing]
    for row in new:
        row.saved_at = now
    if new:
        Response.objects.bulk_create(new)
    changed = [
        row
        for qid, row in responses.items()
        if qid not in missing and _written(row) != before[qid]
    ]
    for row in changed:
        row.saved_at = now
    if changed:
        # An upsert on the key of rows read under the lock: Django sends it as arrays
        # (UNNEST), where bulk_update builds a CASE per row and field (27 rows: 1.5 ms
        # of CPU against 8, and a fraction of PostgreSQL's time; bench/README.md).
        Response.objects.bulk_create(
            changed,
            update_conflicts=True,
            unique_fields=["pk"],
            update_fields=[*_WRITTEN, "saved_at"],
        )
    return SaveOutcome(attempt, saved, drafts, responses)


def _enqueue_grading(attempt_id: int) -> None:
    from ..tasks import grade_attempt_task

    try:
        grade_attempt_task.apply_async((attempt_id,), retry=False, ignore_result=True)
    except Exception:  # noqa: BLE001 - any broker failure
        # The submit is already committed; the sweep re-queues attempts left `submitted`,
        # so a broker outage delays a grade but never loses it or fails the student.
        logger.warning(
            "Could not queue grading of attempt %s; the sweep will", attempt_id
        )


def _close(attempt: Attempt, *, at: datetime) -> Attempt:
    attempt.state = Attempt.State.SUBMITTED
    attempt.submitted_at = at
    attempt.save(update_fields=["state", "submitted_at"])
    transaction.on_commit(lambda: _enqueue_grading(attempt.pk))
    return attempt


def save_responses(
    *,
    attempt: Attempt,
    answers: dict[Any, Any],
    certainties: dict[Any, Any] | None = None,
    now: datetime | None = None,
    questions: Iterable[Question] | None = None,
) -> SaveOutcome:
    """Autosave answers of an attempt in progress, each question on its own.

    Complete answers are saved; unfinished ones are kept as drafts (their gradable
    part, a justification, saved as the answer). With certainty-based marking,
    `certainties` (question id -> 1, 2, 3 or None) are saved beside them; a question
    not named keeps its certainty. Refused once the attempt is over. `questions`: every
    question of the quiz with its choices, when the caller has them loaded already.
    Refused with QuizChanged when a question was deleted while the save ran: its row
    would name a question that is gone, which the foreign key (checked at commit)
    refuses; the whole save rolls back and earlier saves stay as they were.
    """
    try:
        return _save_responses(
            attempt=attempt,
            answers=answers,
            certainties=certainties,
            now=now,
            questions=questions,
        )
    except IntegrityError as error:
        raise QuizChanged() from error


@transaction.atomic
def _save_responses(*, attempt, answers, certainties, now, questions) -> SaveOutcome:
    now = now or timezone.now()
    locked = _lock_attempt(attempt.pk)
    if locked.is_finished:
        raise AttemptFinished()
    if locked.deadline and now >= locked.deadline:
        raise DeadlinePassed()
    return _store_answers(locked, answers, now, certainties, questions)


def _submit_locked(
    attempt_id: int,
    *,
    student,
    answers: dict[Any, Any] | None,
    now: datetime,
    certainties: dict[Any, Any] | None = None,
) -> Attempt:
    locked = _lock_attempt(attempt_id, student=student)
    if locked.is_finished:
        return locked
    on_time = locked.deadline is None or now < locked.deadline
    if (answers or certainties) and on_time:
        _store_answers(locked, answers or {}, now, certainties)
    return _close(locked, at=now if on_time else locked.deadline)


def submit_attempt(
    *,
    attempt: Attempt,
    answers: dict[Any, Any] | None = None,
    certainties: dict[Any, Any] | None = None,
    now: datetime | None = None,
) -> Attempt:
    """Submit once; a repeat returns the same attempt. Late submits close at the deadline.

    Answers sent with it are saved first; QuizChanged as in save_responses.
    """
    return _submit(
        attempt.pk,
        student=None,
        answers=answers,
        certainties=certainties,
        now=now or timezone.now(),
    )


def submit_own_attempt(
    *,
    attempt_id: int,
    student,
    answers: dict[Any, Any] | None = None,
    certainties: dict[Any, Any] | None = None,
    now: datetime | None = None,
) -> Attempt:
    """Submit the student's own attempt, as submit_attempt; not theirs is DoesNotExist."""
    return _submit(
        attempt_id,
        student=student,
        answers=answers,
        certainties=certainties,
        now=now or timezone.now(),
    )


def _submit(attempt_id: int, **kwargs) -> Attempt:
    # A question deleted between reading the questions and the commit: the answer's row
    # names a question that is gone and the foreign key refuses it at commit, after the
    # atomic block; the submit rolls back whole (the attempt stays in progress).
    try:
        return _submit_atomically(attempt_id, **kwargs)
    except IntegrityError as error:
        raise QuizChanged() from error


@transaction.atomic
def _submit_atomically(attempt_id: int, **kwargs) -> Attempt:
    return _submit_locked(attempt_id, **kwargs)


@transaction.atomic
def close_expired_attempt(
    *, attempt_id: int, now: datetime | None = None
) -> Attempt | None:
    """Close an in-progress attempt whose deadline has passed, at the deadline itself."""
    now = now or timezone.now()
    attempt = (
        Attempt.objects.select_for_update().filter(pk=attempt_id).order_by().first()
    )
    if (
        attempt is None
        or attempt.is_finished
        or not attempt.deadline
        or now < attempt.deadline
    ):
        return attempt
    return _close(attempt, at=attempt.deadline)
