"""Regrade a quiz after a key change: preview the changes, then apply and tell students."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import selectors
from ..models import Attempt, GradeOverride, Question, Quiz, RegradeRun, Response
from .marking import score_attempt

__all__ = ["RegradeChange", "preview_regrade", "regrade", "regrade_quizzes"]

# Attempts with scores to revise; a merely submitted one is graded by the task with the
# new key anyway, and one in progress has nothing to score yet.
REGRADABLE = (Attempt.State.GRADED, Attempt.State.NEEDS_REVIEW)


@dataclass(frozen=True)
class RegradeChange:
    """One attempt whose result a regrade moves."""

    attempt_id: int
    student_id: int
    student_email: str
    student_name: str
    number: int
    old: Decimal | None
    new: Decimal | None
    old_max: Decimal
    new_max: Decimal
    old_state: str
    new_state: str
    question_old: Decimal | None = None
    question_new: Decimal | None = None

    def as_json(self) -> dict:
        def text(value: Decimal | None) -> str | None:
            return None if value is None else str(value)

        return {
            "attempt": self.attempt_id,
            "student": self.student_id,
            "email": self.student_email,
            "name": self.student_name,
            "number": self.number,
            "old": text(self.old),
            "new": text(self.new),
            "old_max": text(self.old_max),
            "new_max": text(self.new_max),
            "old_state": self.old_state,
            "new_state": self.new_state,
            "question_old": text(self.question_old),
            "question_new": text(self.question_new),
        }


def _response_state(attempt: Attempt) -> dict[int, tuple]:
    return {
        r.question_id: (
            r.auto_score,
            r.manual_score,
            r.score,
            r.max_score,
            r.feedback,
            r.needs_manual,
        )
        for r in attempt.responses.all()
    }


def _question_score(attempt: Attempt, question_id: int) -> Decimal | None:
    return next(
        (r.score for r in attempt.responses.all() if r.question_id == question_id),
        None,
    )


def _check_question(quiz: Quiz, question: Question | None) -> None:
    if question is not None and question.quiz_id != quiz.pk:
        raise ValidationError({"question": _("That question is not in this quiz.")})


def _locked_attempts(quiz: Quiz) -> list[Attempt]:
    full = selectors.quiz_with_questions(quiz_id=quiz.pk)
    attempts = list(
        Attempt.objects.select_for_update(of=("self",))
        .filter(quiz=quiz, state__in=REGRADABLE)
        .select_related("student")
        .prefetch_related("responses")
        .order_by("student__last_name", "student__first_name", "student_id", "number")
    )
    # One quiz instance with its questions prefetched once serves every attempt.
    for attempt in attempts:
        attempt.quiz = full
    return attempts


def _refreeze(attempt: Attempt, frozen_before: dict[int, dict | None]) -> None:
    stale = [
        r
        for r in attempt.responses.all()
        if r.pk in frozen_before and r.graded_question != frozen_before[r.pk]
    ]
    if stale:
        Response.objects.bulk_update(stale, ["graded_question"])


def _rescore(
    attempts: list[Attempt], *, question: Question | None, now: datetime
) -> list[RegradeChange]:
    """Rescore locked attempts; an attempt whose result stays the same is left unwritten.

    Each attempt is rescored inside a savepoint that is rolled back when nothing moved,
    so an unchanged attempt keeps its graded_at and a repeat regrade writes nothing.
    """
    changes = []
    for attempt in attempts:
        before = _response_state(attempt)
        frozen_before = {r.pk: r.graded_question for r in attempt.responses.all()}
        old = (attempt.score, attempt.max_score, attempt.state)
        old_graded_at = attempt.graded_at
        question_old = _question_score(attempt, question.id) if question else None
        savepoint = transaction.savepoint()
        score_attempt(attempt, now=now)
        after = _response_state(attempt)
        new = (attempt.score, attempt.max_score, attempt.state)
        question_new = _question_score(attempt, question.id) if question else None
        if question is not None:
            moved = before.get(question.id) != after.get(question.id)
        else:
            moved = before != after or old != new
        if not moved:
            transaction.savepoint_rollback(savepoint)
            # The rows are back as they were; the instance must say so too, since the
            # caller works out new quiz grades from it.
            attempt.score, attempt.max_score, attempt.state = old
            attempt.graded_at = old_graded_at
            # Its scores stand, but it now stands graded under the current question:
            # the frozen copy follows (and nothing else, so graded_at is kept).
            _refreeze(attempt, frozen_before)
            continue
        transaction.savepoint_commit(savepoint)
        if old == new and question_old == question_new:
            # Only feedback text moved: stored, but no score changed to report.
            continue
        changes.append(
            RegradeChange(
                attempt_id=attempt.pk,
                student_id=attempt.student_id,
                student_email=attempt.student.email,
                student_name=str(attempt.student),
                number=attempt.number,
                old=old[0],
                new=new[0],
                old_max=old[1],
                new_max=new[1],
                old_state=old[2],
                new_state=new[2],
                question_old=question_old,
                question_new=question_new,
            )
        )
    return changes


def preview_regrade(
    *, quiz: Quiz, question: Question | None = None
) -> list[RegradeChange]:
    """List each finished attempt's old and new score under the current key; writes nothing.

    The real rescoring runs inside a transaction that is always rolled back, so the
    preview cannot disagree with what `regrade` would do.
    """
    _check_question(quiz, question)
    with transaction.atomic():
        changes = _rescore(
            _locked_attempts(quiz), question=question, now=timezone.now()
        )
        transaction.set_rollback(True)
    return changes


def _grades(quiz: Quiz, attempts: list[Attempt]) -> dict[int, Decimal | None]:
    by_student: dict[int, list[Attempt]] = {}
    for attempt in attempts:
        by_student.setdefault(attempt.student_id, []).append(attempt)
    return {
        student_id: selectors.grade_from_attempts(quiz, mine)
        for student_id, mine in by_student.items()
    }


def _notify(quiz: Quiz, student, old: Decimal | None, new: Decimal | None, reason):
    def shown(value: Decimal | None) -> str:
        return _("no grade") if value is None else f"{value}%"

    send_mail(
        subject=_("Your grade on %(quiz)s has changed") % {"quiz": quiz.title},
        message=_(
            "Hello %(name)s,\n\n"
            "Your instructor regraded %(quiz)s.\n"
            "Your grade went from %(old)s to %(new)s.\n\n"
            "Reason: %(reason)s\n"
        )
        % {
            "name": student.display_name,
            "quiz": quiz.title,
            "old": shown(old),
            "new": shown(new),
            "reason": reason,
        },
        from_email=None,
        recipient_list=[student.email],
    )


@transaction.atomic
def regrade(
    *,
    quiz: Quiz,
    question: Question | None = None,
    user,
    reason: str,
    now: datetime | None = None,
) -> RegradeRun:
    """Rescore the quiz's finished attempts, record the run, e-mail students whose grade moved.

    Repeating it changes nothing and e-mails nobody: the second run finds every attempt
    already scored under the current key.
    """
    _check_question(quiz, question)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why you are regrading.")})
    now = now or timezone.now()
    attempts = _locked_attempts(quiz)
    # The quiz grade before, from the same attempts, so only a real move is announced.
    grading_view = [
        Attempt(
            student_id=a.student_id,
            number=a.number,
            state=a.state,
            score=a.score,
            max_score=a.max_score,
        )
        for a in attempts
    ]
    old_grades = _grades(quiz, grading_view)
    changes = _rescore(attempts, question=question, now=now)
    new_grades = _grades(quiz, attempts)
    students = {a.student_id: a.student for a in attempts}
    # A grade an instructor set by hand on the quiz's assignment still counts: the
    # regrade does not move it, so its student is not told it moved.
    held = set(
        GradeOverride.objects.filter(
            assignment__quiz=quiz, student_id__in=list(new_grades)
        ).values_list("student_id", flat=True)
    )
    moved = [
        sid
        for sid, grade in new_grades.items()
        if grade != old_grades.get(sid) and sid not in held
    ]
    run = RegradeRun.objects.create(
        quiz=quiz,
        question=question,
        performed_by=user,
        reason=reason[:500],
        changes=[change.as_json() for change in changes],
        notified=len(moved),
        created_at=now,
    )
    for student_id in moved:
        student = students[student_id]
        old, new = old_grades.get(student_id), new_grades[student_id]
        # Mail leaves only once the new scores are committed.
        transaction.on_commit(
            lambda s=student, o=old, n=new: _notify(quiz, s, o, n, reason)
        )
    return run


def regrade_quizzes(*, quizzes, user, reason: str) -> list[RegradeRun]:
    """Regrade several quizzes, each in its own transaction (the admin action's entry)."""
    return [regrade(quiz=quiz, user=user, reason=reason) for quiz in quizzes]
