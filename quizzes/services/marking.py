"""Grade attempts (automatically, then by hand where a question needs a person)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import grading, selectors
from ..models import Attempt, Response

__all__ = ["as_points", "grade_attempt", "score_attempt", "score_response"]

_Q = Decimal("0.001")
_SCORED_FIELDS = (
    "auto_score",
    "manual_score",
    "score",
    "max_score",
    "feedback",
    "needs_manual",
    "graded_at",
)


def as_points(value: float) -> Decimal:
    """A grader's float points as the Decimal the database stores (to 0.001)."""
    return Decimal(str(value)).quantize(_Q)


def score_attempt(attempt: Attempt, *, now: datetime) -> Attempt:
    """Score every response of a locked attempt and set its state; no commit of its own.

    Manual scores already given are kept, so a regrade after a key change touches only the
    automatic part. Needs the attempt's quiz questions prefetched with their choices.
    """
    questions = list(attempt.quiz.questions.all())
    responses = {r.question_id: r for r in attempt.responses.all()}
    by_question: dict[int, Response] = {}
    total = Decimal(0)
    maximum = Decimal(0)
    waiting = False
    for question in questions:
        key = selectors.question_key(question)
        response = responses.get(question.id) or Response(
            attempt=attempt, question=question
        )
        by_question[question.id] = response
        try:
            result = grading.grade(key, response.answer)
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
        response.auto_score = as_points(result.auto_points)
        response.max_score = as_points(grading.max_points(key))
        response.feedback = result.feedback
        # Nothing written means nothing for a person to mark.
        response.needs_manual = result.needs_manual and grading.is_answered(
            key, response.answer
        )
        if not response.needs_manual:
            response.manual_score = None
        manual = response.manual_score or Decimal(0)
        response.score = response.auto_score + manual
        if response.awaiting_manual:
            waiting = True
        else:
            response.graded_at = response.graded_at or now
        total += response.score
        maximum += response.max_score
    # One INSERT ... ON CONFLICT DO UPDATE writes every response, new or old: far cheaper
    # than bulk_update's CASE per field, and it never touches the student's answer.
    scored = [
        Response(
            attempt_id=attempt.pk,
            question_id=question.id,
            answer=responses[question.id].answer if question.id in responses else None,
            **{
                field: getattr(by_question[question.id], field)
                for field in _SCORED_FIELDS
            },
        )
        for question in questions
    ]
    Response.objects.bulk_create(
        scored,
        update_conflicts=True,
        unique_fields=["attempt", "question"],
        update_fields=list(_SCORED_FIELDS),
    )
    attempt.score = total
    attempt.max_score = maximum
    attempt.state = Attempt.State.NEEDS_REVIEW if waiting else Attempt.State.GRADED
    attempt.graded_at = now
    attempt.save(update_fields=["score", "max_score", "state", "graded_at"])
    return attempt


@transaction.atomic
def grade_attempt(*, attempt_id: int, now: datetime | None = None) -> Attempt | None:
    """Grade a submitted attempt; anything else (already graded, in progress) is left alone."""
    now = now or timezone.now()
    attempt = (
        Attempt.objects.select_for_update(of=("self",))
        .select_related("quiz")
        .prefetch_related(selectors.questions_prefetch("quiz__"), "responses")
        .filter(pk=attempt_id)
        .first()
    )
    if attempt is None or attempt.state != Attempt.State.SUBMITTED:
        return attempt
    return score_attempt(attempt, now=now)


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
        .prefetch_related(selectors.questions_prefetch("quiz__"), "responses")
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
    score_attempt(attempt, now=now)
    if attempt.state == Attempt.State.GRADED:
        from ..reports.tasks import schedule_statistics_refresh

        schedule_statistics_refresh(attempt.quiz_id)
    return response
