"""Grade attempts (automatically, then by hand where a question needs a person)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import frozen, gradebook_cache, grading, pools, selectors, signals
from ..models import Attempt, QuestionVersion, Response
from . import grading_sql

__all__ = [
    "as_points",
    "floored_total",
    "grade_attempt",
    "grade_submitted",
    "score_attempt",
    "total_attempt",
    "score_response",
]

# Attempts of one quiz graded together by one task (see grade_submitted).
GRADE_BATCH = 25

_Q = Decimal("0.001")
# What grading reads of a stored response (it writes grading_sql.RESPONSE_FIELDS).
_READ_FIELDS = (
    "id",
    "attempt",
    "question",
    "answer",
    "certainty",
    "manual_score",
    "override_score",
    "graded_at",
)


def as_points(value: float) -> Decimal:
    """A grader's float points as the Decimal the database stores (to 0.001)."""
    return Decimal(str(value)).quantize(_Q)


def floored_total(total: Decimal) -> Decimal:
    """An attempt's score from its questions' scores: their sum, never below 0.

    Only certainty-based marking gives a question a negative score (a confident wrong
    answer loses up to 6 times its points). Moodle lets such a quiz grade go negative
    and its gradebook floors it at 0; here the attempt's score is floored at once, so
    every page, export and LMS reads the floored grade. The questions keep their
    negative marks, and the CBM summary (quizzes.certainty) shows the unfloored average
    beside the accuracy. As in Moodle, the maximum stays the points of every question
    right at C=1, so a CBM grade may exceed 100 % (up to 300 %, all right at C=3).
    """
    return max(total, Decimal(0))


def _scored(
    attempt: Attempt,
    keys: list[tuple[int, grading.CheckedKey, QuestionVersion]],
    responses: dict[int, Response],
    now: datetime,
) -> list[Response]:
    """Score one attempt's answers and set its totals and state; returns the rows to write.

    The stored response rows are scored in place, not rebuilt; a question added after
    the attempt started gets a row now. Manual scores already given are kept, so a regrade after a key
    change touches only the automatic part. An attempt made with certainty-based marking
    has its right-or-wrong answers marked by CBM (grading.cbm), at the certainty stored
    with each answer. Each row points at the stored copy of the question it was graded
    against (quizzes/frozen.py).
    """
    rows = []
    total = Decimal(0)
    maximum = Decimal(0)
    waiting = False
    for question_id, key, version in keys:
        row = responses.get(question_id)
        if row is None:
            row = Response(attempt_id=attempt.pk, question_id=question_id, answer=None)
        try:
            if attempt.certainty_based:
                result = grading.grade_with_certainty(key, row.answer, row.certainty)
            else:
                result = grading.grade(key, row.answer)
        except grading.InvalidAnswer as exc:
            # The key changed under a stored answer: it earns nothing, and says why.
            result = grading.GradeResult(
                fraction=0.0,
                auto_points=0.0,
                manual_points=0.0,
                needs_manual=False,
                feedback=[{"kind": "invalid", "text": str(exc)}],
                detail={},
            )
        # Nothing written means nothing for a person to mark.
        row.needs_manual = result.needs_manual and grading.is_answered(key, row.answer)
        if not row.needs_manual:
            row.manual_score = None
        row.auto_score = as_points(result.auto_points)
        cbm = result.detail.get("cbm")
        row.base_score = as_points(cbm["raw_points"]) if cbm else None
        row.max_score = as_points(key.max_points)
        row.feedback = result.feedback
        row.graded_version = version
        row.score = row.auto_score + (row.manual_score or Decimal(0))
        if row.override_score is not None:
            # A person's override wins and survives the regrade, within the maximum.
            row.score = min(row.override_score, row.max_score)
        if row.awaiting_manual:
            waiting = True
        else:
            row.graded_at = row.graded_at or now
        total += row.score
        maximum += row.max_score
        rows.append(row)
    attempt.score = floored_total(total)
    attempt.max_score = maximum
    attempt.state = Attempt.State.NEEDS_REVIEW if waiting else Attempt.State.GRADED
    attempt.graded_at = now
    return rows


def _store_scores(attempts: list[Attempt], rows: list[Response]) -> None:
    # The last write of grading and marking, so the cohorts' rows (the grades version)
    # stay locked only until the commit that follows.
    _write_scores(attempts, rows)
    gradebook_cache.grades_changed(
        quiz_ids=[a.quiz_id for a in attempts],
        student_ids=[a.student_id for a in attempts],
    )


def _write_scores(attempts: list[Attempt], rows: list[Response]) -> None:
    # One INSERT ... ON CONFLICT DO UPDATE writes every response, new or stored, changing
    # only the scored columns (a stored answer is never rewritten); one UPDATE sets every
    # attempt's totals.
    grading_sql.write_responses(rows)
    grading_sql.write_attempts(attempts)
    signals.attempts_scored.send(sender=Attempt, attempts=attempts)


def _checked_keys(
    questions, *, create: bool = True
) -> list[tuple[int, grading.CheckedKey, QuestionVersion]]:
    questions = list(questions)
    versions = frozen.versions_of(questions, create=create)
    return [
        (q.id, grading.check_key(selectors.question_key(q)), versions[q.id])
        for q in questions
    ]


def checked_keys(
    questions, *, create: bool = True
) -> list[tuple[int, grading.CheckedKey, QuestionVersion]]:
    """Every question's checked key and stored version, once for many attempts (a
    regrade); with `create` off (a dry run) a version not stored yet stays unsaved."""
    return _checked_keys(questions, create=create)


def rescore_in_memory(
    attempt: Attempt,
    keys: list[tuple[int, grading.CheckedKey, QuestionVersion]],
    *,
    now: datetime,
) -> list[Response]:
    """Score a locked attempt's prefetched responses under the keys, writing nothing.

    The attempt and its rows are scored in place; `store_scores` writes what the caller
    keeps (a regrade writes only the attempts whose result moved, many at once).
    """
    mine = [key for key in keys if pools.in_attempt(attempt.layout, key[0])]
    responses = {r.question_id: r for r in attempt.responses.all()}
    return _scored(attempt, mine, responses, now)


def store_scores(attempts: list[Attempt], rows: list[Response]) -> None:
    """Write scored attempts and their rows: one upsert and one update for all.

    The grades version is left to the caller (a regrade raises it once, at its end).
    """
    _write_scores(attempts, rows)


def score_attempt(attempt: Attempt, *, now: datetime) -> Attempt:
    """Score every response of a locked attempt and set its state; no commit of its own.

    Needs the attempt's quiz questions prefetched with their choices, and its responses.
    """
    keys = _checked_keys(
        q
        for q in attempt.quiz.questions.all()
        if pools.in_attempt(attempt.layout, q.id)
    )
    responses = {r.question_id: r for r in attempt.responses.all()}
    # The prefetched responses are scored in place, so callers (regrading) that read
    # them next see the new scores.
    _store_scores([attempt], _scored(attempt, keys, responses, now))
    return attempt


def total_attempt(attempt: Attempt, *, now: datetime) -> Attempt:
    """Add up a locked attempt's stored parts and set its state, grading nothing again.

    A person marking or overriding one answer must not rescore the others under a key
    that changed since they were graded (bank v2's scoring of tradeoff items, say):
    that is a regrade, an instructor's explicit and previewed action.
    Needs the attempt's responses prefetched.
    """
    rows = list(attempt.responses.all())
    total = maximum = Decimal(0)
    waiting = False
    for row in rows:
        row.score = (row.auto_score or Decimal(0)) + (row.manual_score or Decimal(0))
        if row.override_score is not None:
            row.score = min(row.override_score, row.max_score)
        if row.awaiting_manual:
            waiting = True
        else:
            row.graded_at = row.graded_at or now
        total += row.score
        maximum += row.max_score
    attempt.score = floored_total(total)
    attempt.max_score = maximum
    attempt.state = Attempt.State.NEEDS_REVIEW if waiting else Attempt.State.GRADED
    attempt.graded_at = now
    _store_scores([attempt], rows)
    return attempt


def grade_submitted(
    *, attempt_id: int, now: datetime | None = None, batch: int = GRADE_BATCH
) -> tuple[str | None, list[Attempt]]:
    """Grade a submitted attempt and, with it, other submitted attempts of the same quiz.

    Returns the attempt's state afterwards (None if it is gone) and every attempt graded
    now. The others are up to batch - 1 attempts that no other transaction holds, latest
    submitted first: their own tasks then find them graded with one read, so a queue of
    grades loads the quiz's key and writes once per batch, and two workers draining one
    queue take different attempts instead of waiting on each other's. Anything not
    `submitted` is left alone.
    """
    state = _state_of(attempt_id)
    if state != Attempt.State.SUBMITTED:
        return state, []
    graded = _grade_batch(attempt_id, now or timezone.now(), batch)
    if not graded:  # graded, or gone, between the read and the lock
        return _state_of(attempt_id), []
    if any(each.state == Attempt.State.GRADED for each in graded):
        signals.announce_graded(quiz_id=graded[0].quiz_id)
    return graded[0].state, graded


def _state_of(attempt_id: int) -> str | None:
    return grading_sql.state_of(attempt_id)


@transaction.atomic
def _grade_batch(attempt_id: int, now: datetime, batch: int) -> list[Attempt]:
    attempt = (
        Attempt.objects.select_for_update().filter(pk=attempt_id).order_by("pk").first()
    )
    if attempt is None or attempt.state != Attempt.State.SUBMITTED:
        return []
    others = (
        Attempt.objects.select_for_update(skip_locked=True)
        .filter(quiz_id=attempt.quiz_id, state=Attempt.State.SUBMITTED)
        .exclude(pk=attempt.pk)
        # Not the whole layout: grading reads only which pooled questions it skipped.
        .only("id", "quiz_id", "student_id", "state", "certainty_based")
        .annotate(skipped=F("layout__skipped"))
        .order_by("-submitted_at", "-id")[: max(0, batch - 1)]
    )
    attempts = [attempt, *others]
    keys = _checked_keys(selectors.questions_for_grading(quiz_id=attempt.quiz_id))
    responses: dict[int, dict[int, Response]] = {a.pk: {} for a in attempts}
    # Only what scoring reads: the write sends the scored columns alone.
    for response in (
        Response.objects.filter(attempt__in=attempts).order_by().only(*_READ_FIELDS)
    ):
        responses[response.attempt_id][response.question_id] = response
    rows = []
    for each in attempts:
        skipped = set(
            (attempt.layout or {}).get("skipped") or ()
            if each is attempt
            else each.skipped or ()
        )
        mine = [key for key in keys if key[0] not in skipped]
        rows += _scored(each, mine, responses[each.pk], now)
    _store_scores(attempts, rows)
    return attempts


def grade_attempt(*, attempt_id: int, now: datetime | None = None) -> Attempt | None:
    """Grade one submitted attempt; anything else (already graded, in progress) is left alone."""
    grade_submitted(attempt_id=attempt_id, now=now, batch=1)
    return Attempt.objects.filter(pk=attempt_id).first()


@transaction.atomic
def score_response(
    *,
    response_id: int,
    grader,
    score: Decimal,
    comment: str = "",
    now: datetime | None = None,
) -> Response:
    """Give the manual part of a response; the attempt is graded when nothing is left."""
    now = now or timezone.now()
    response = Response.objects.select_related("question").get(pk=response_id)
    attempt = (
        Attempt.objects.select_for_update(of=("self",))
        .select_related("quiz")
        .prefetch_related(
            selectors.questions_prefetch("quiz__"),
            Prefetch(
                "responses", queryset=Response.objects.select_related("graded_version")
            ),
        )
        .get(pk=response.attempt_id)
    )
    if attempt.state not in (Attempt.State.NEEDS_REVIEW, Attempt.State.GRADED):
        raise ValidationError(
            _("Only a submitted and auto-graded attempt can be scored.")
        )
    response = next(r for r in attempt.responses.all() if r.pk == response_id)
    if not response.needs_manual:
        raise ValidationError(_("This answer is graded automatically."))
    question = next(
        q for q in attempt.quiz.questions.all() if q.id == response.question_id
    )
    # Marked out of what was graded, not of an edit made since.
    question = frozen.as_graded(question, response.graded_question)
    key = selectors.question_key(question)
    automatic = 0 if question.kind == question.Kind.ESSAY else key["points"]
    manual_max = as_points(grading.max_points(key) - automatic)
    score = Decimal(score)
    if score < 0 or score > manual_max:
        raise ValidationError(
            {"score": _("Give a score between 0 and %(max)s.") % {"max": manual_max}}
        )
    response.manual_score = score.quantize(_Q)
    response.comment = comment
    response.graded_by = grader
    response.graded_at = now
    response.save(update_fields=["manual_score", "comment", "graded_by", "graded_at"])
    total_attempt(attempt, now=now)
    if attempt.state == Attempt.State.GRADED:
        signals.announce_graded(quiz_id=attempt.quiz_id)
    return response
