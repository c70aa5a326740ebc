"""Regrade a quiz after a key change: preview the changes, then apply and tell students."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import coursework, gradebook_cache, selectors
from ..models import (
    Attempt,
    GradeOverride,
    Question,
    Quiz,
    RegradeRun,
    RegradeRunChange,
    Response,
)
from . import marking
from .regrade_changes import RegradeChange

__all__ = ["RegradeChange", "preview_regrade", "regrade", "regrade_quizzes"]

# Attempts with scores to revise; a merely submitted one is graded by the task with the
# new key anyway, and one in progress has nothing to score yet.
REGRADABLE = (Attempt.State.GRADED, Attempt.State.NEEDS_REVIEW)
# Attempts loaded and rescored at a time: with their responses, the most held at once.
CHUNK_SIZE = 500


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


def _locked_ids(quiz: Quiz) -> list[int]:
    """Lock the quiz's regradable attempts; their ids, each student's together."""
    return list(
        Attempt.objects.select_for_update(of=("self",))
        .filter(quiz=quiz, state__in=REGRADABLE)
        .order_by("student__last_name", "student__first_name", "student_id", "number")
        .values_list("pk", flat=True)
    )


def _attempt_chunks(
    quiz: Quiz, ids: list[int], *, write: bool
) -> Iterator[tuple[list[Attempt], list]]:
    """The locked attempts with their responses, CHUNK_SIZE at a time, in `ids` order,
    with the quiz's checked keys and versions (once, not once per attempt; the dry run
    stores no new version).

    A quiz with 100,000 attempts has 1.2 million response rows: held at once they
    would grow the worker with the quiz, so only one chunk is in memory.
    """
    # One quiz instance with its questions prefetched once serves every attempt.
    full = selectors.quiz_with_questions(quiz_id=quiz.pk)
    keys = marking.checked_keys(full.questions.all(), create=write)
    for start in range(0, len(ids), CHUNK_SIZE):
        part = ids[start : start + CHUNK_SIZE]
        loaded = (
            Attempt.objects.filter(pk__in=part)
            .select_related("student")
            .prefetch_related("responses")
            .in_bulk()
        )
        attempts = [loaded[pk] for pk in part]
        for attempt in attempts:
            attempt.quiz = full
        yield attempts, keys


def _refrozen(attempt: Attempt, frozen_before: dict[int, int | None]) -> list:
    """The attempt's rows whose frozen copy (its version) the rescoring changed."""
    return [
        r
        for r in attempt.responses.all()
        if r.pk in frozen_before and r.graded_version_id != frozen_before[r.pk]
    ]


def _rescore(
    attempts: list[Attempt],
    keys: list,
    *,
    question: Question | None,
    now: datetime,
    write: bool,
) -> list[RegradeChange]:
    """Rescore locked attempts in memory; write the ones whose result moved, at once.

    An attempt whose result stays the same is left unwritten, so it keeps its
    graded_at and a repeat regrade writes nothing. The dry run writes nothing at all.
    """
    changes = []
    moved_attempts: list[Attempt] = []
    moved_rows = []
    refrozen_rows = []
    for attempt in attempts:
        before = _response_state(attempt)
        frozen_before = {r.pk: r.graded_version_id for r in attempt.responses.all()}
        old = (attempt.score, attempt.max_score, attempt.state)
        old_graded_at = attempt.graded_at
        question_old = _question_score(attempt, question.id) if question else None
        rows = marking.rescore_in_memory(attempt, keys, now=now)
        after = _response_state(attempt)
        new = (attempt.score, attempt.max_score, attempt.state)
        question_new = _question_score(attempt, question.id) if question else None
        if question is not None:
            moved = before.get(question.id) != after.get(question.id)
        else:
            moved = before != after or old != new
        if not moved:
            # Not written; the instance must say so too, since the caller works out
            # new quiz grades from it.
            attempt.score, attempt.max_score, attempt.state = old
            attempt.graded_at = old_graded_at
            # Its scores stand, but it now stands graded under the current question:
            # the frozen copy follows (and nothing else, so graded_at is kept).
            refrozen_rows += _refrozen(attempt, frozen_before)
            continue
        moved_attempts.append(attempt)
        # Of a moved attempt only the rows whose mark moved are rewritten (a key change
        # to one question of twelve moves one row); the others keep their graded_at,
        # as an unmoved attempt does, and follow the frozen copy.
        written = [
            r
            for r in rows
            if r.pk is None or before.get(r.question_id) != after.get(r.question_id)
        ]
        moved_rows += written
        refrozen_rows += [
            r for r in _refrozen(attempt, frozen_before) if r not in written
        ]
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
    if write and moved_attempts:
        marking.store_scores(moved_attempts, moved_rows)
    if write and refrozen_rows:
        _refreeze(refrozen_rows)
    return changes


def _refreeze(rows: list[Response]) -> None:
    """Point rows at their new frozen copies: one UPDATE per version, not a CASE of a
    branch per row (bulk_update), which PostgreSQL reads row by row for every row."""
    by_version: dict[int, list[int]] = {}
    for row in rows:
        by_version.setdefault(row.graded_version_id, []).append(row.pk)
    for version_id, ids in by_version.items():
        Response.objects.filter(pk__in=ids).update(graded_version_id=version_id)


def preview_regrade(
    *, quiz: Quiz, question: Question | None = None
) -> list[RegradeChange]:
    """List each finished attempt's old and new score under the current key; writes nothing.

    It runs the rescoring `regrade` runs, on the same locked rows, and skips only the
    write, so the preview cannot disagree with what `regrade` would do.
    """
    _check_question(quiz, question)
    now = timezone.now()
    changes: list[RegradeChange] = []
    with transaction.atomic():
        for attempts, keys in _attempt_chunks(quiz, _locked_ids(quiz), write=False):
            changes += _rescore(attempts, keys, question=question, now=now, write=False)
    return changes


def _row(attempt: Attempt) -> coursework.AttemptRow:
    return coursework.AttemptRow(
        student_id=attempt.student_id,
        quiz_id=attempt.quiz_id,
        number=attempt.number,
        state=attempt.state,
        submitted_at=attempt.submitted_at,
        score=attempt.score,
        max_score=attempt.max_score,
    )


def _rescore_all(
    quiz: Quiz, *, run: RegradeRun, question: Question | None, now: datetime
) -> tuple[int, dict[int, tuple[Decimal | None, Decimal | None]]]:
    """Rescore chunk by chunk, storing each chunk's changes as the run's rows; return
    how many there were and the students whose grade moved.

    The changes leave memory with their chunk (a regrade of 100,000 attempts moved
    74,000). A student's attempts are adjacent in the lock order, so their quiz grade
    before and after is settled as soon as the next student's attempt comes: only
    moved grades are kept, not a row per attempt.
    """
    changed = 0
    moved: dict[int, tuple[Decimal | None, Decimal | None]] = {}
    student_id, before, after = None, [], []

    def settle() -> None:
        old = coursework.grade_of(quiz.grading_method, before)
        new = coursework.grade_of(quiz.grading_method, after)
        if old != new:
            moved[student_id] = (old, new)

    for attempts, keys in _attempt_chunks(quiz, _locked_ids(quiz), write=True):
        rows_before = [_row(a) for a in attempts]
        changes = _rescore(attempts, keys, question=question, now=now, write=True)
        if changes:
            RegradeRunChange.objects.bulk_create([c.as_row(run) for c in changes])
            changed += len(changes)
        for old_row, attempt in zip(rows_before, attempts, strict=True):
            if attempt.student_id != student_id:
                if student_id is not None:
                    settle()
                student_id, before, after = attempt.student_id, [], []
            before.append(old_row)
            after.append(_row(attempt))
    if student_id is not None:
        settle()
    return changed, moved


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
    """Rescore the quiz's finished attempts, record the run and its changes, e-mail
    students whose grade moved.

    Repeating it changes nothing and e-mails nobody: the second run finds every attempt
    already scored under the current key.
    """
    _check_question(quiz, question)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why you are regrading.")})
    now = now or timezone.now()
    run = RegradeRun.objects.create(
        quiz=quiz,
        question=question,
        performed_by=user,
        reason=reason[:500],
        created_at=now,
    )
    changed, grades = _rescore_all(quiz, run=run, question=question, now=now)
    # A grade an instructor set by hand on the quiz's assignment still counts: the
    # regrade does not move it, so its student is not told it moved.
    # The quiz's overrides are few; the moved grades may be 74,000 ids, too many to send.
    held = set(
        GradeOverride.objects.filter(assignment__quiz=quiz).values_list(
            "student_id", flat=True
        )
    )
    moved = [sid for sid in grades if sid not in held]
    if changed:
        # Last, so the cohorts' rows are locked only until the commit, not while the
        # attempts are rescored.
        gradebook_cache.quiz_grades_changed(quiz_id=quiz.pk)
    run.changed, run.notified = changed, len(moved)
    run.save(update_fields=["changed", "notified"])
    if moved:
        # Mail leaves only once the new scores are committed.
        transaction.on_commit(lambda: _notify_moved(quiz, moved, grades, reason))
    return run


def _notify_moved(quiz: Quiz, moved: list[int], grades: dict, reason: str) -> None:
    """E-mail each student whose grade moved, loading CHUNK_SIZE students at a time
    (a regrade of 100,000 attempts moved 74,000 grades: held at once, their users
    were most of the regrade's memory)."""
    users = get_user_model().objects.only("email", "first_name", "last_name")
    for start in range(0, len(moved), CHUNK_SIZE):
        part = moved[start : start + CHUNK_SIZE]
        students = users.in_bulk(part)
        for student_id in part:
            old, new = grades[student_id]
            _notify(quiz, students[student_id], old, new, reason)


def regrade_quizzes(*, quizzes, user, reason: str) -> list[RegradeRun]:
    """Regrade several quizzes, each in its own transaction (the admin action's entry)."""
    return [regrade(quiz=quiz, user=user, reason=reason) for quiz in quizzes]
