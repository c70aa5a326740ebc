"""Calibrate, review, flag, and the peer score of an answer with its override."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from quizzes import services as quiz_services
from quizzes.services import as_points

from .. import notices, scoring, terms
from ..models import (
    CalibrationAttempt,
    CalibrationExample,
    Flag,
    PeerResult,
    PeerReviewSetup,
    ReviewAssignment,
    Submission,
)

__all__ = [
    "calibrate",
    "calibration_weight_for",
    "flag",
    "override_result",
    "submit_review",
]


def _levels(criteria: list[dict], levels) -> list[int]:
    try:
        return scoring.check_levels(criteria, levels)
    except ValueError as exc:
        raise ValidationError({"levels": str(exc)}) from exc


@transaction.atomic
def calibrate(*, example_id: int, student, levels) -> CalibrationAttempt:
    """Record a student's scoring of a calibration example; a second try changes nothing."""
    example = CalibrationExample.objects.select_related("question__rubric").get(
        pk=example_id
    )
    done = CalibrationAttempt.objects.filter(example=example, student=student).first()
    if done is not None:
        return done
    criteria = example.question.marking_criteria()
    levels = _levels(criteria, levels)
    error = scoring.calibration_error(criteria, levels, example.levels)
    attempt, _created = CalibrationAttempt.objects.get_or_create(
        example=example,
        student=student,
        defaults={"levels": levels, "error": round(error, 4)},
    )
    return attempt


def calibration_weight_for(*, student, question_id: int) -> tuple[float, bool]:
    """The student's weight for reviews of this question, and whether they still have
    examples to score before reviewing."""
    examples = CalibrationExample.objects.filter(question_id=question_id)
    errors = list(
        CalibrationAttempt.objects.filter(
            example__in=examples, student=student
        ).values_list("error", flat=True)
    )
    return scoring.calibration_weight(errors), len(errors) < examples.count()


def _recompute(
    submission: Submission, criteria: list[dict], now: datetime
) -> PeerResult:
    rows = list(
        submission.reviews.filter(state=ReviewAssignment.State.DONE).values_list(
            "levels", "weight"
        )
    )
    combined = scoring.combine(criteria, rows)
    setup = PeerReviewSetup.objects.get(quiz_id=submission.question.quiz_id)
    author_terms = terms.for_students(setup, [submission.author_id])
    complete = len(rows) >= setup.reviews_per_student
    result, _created = PeerResult.objects.update_or_create(
        submission=submission,
        defaults={
            "levels": combined.levels,
            "points": as_points(combined.points),
            "spread": combined.spread,
            "reviews": len(rows),
            "complete": complete,
            "updated_at": now,
        },
    )
    Submission.objects.filter(pk=submission.pk).update(spread=result.spread)
    scores_count = author_terms[submission.author_id].scores_count
    if complete and scores_count and result.override_levels is None:
        quiz_services.score_response(
            response_id=submission.response_id,
            grader=None,
            score=result.points,
            comment=_("Scored by peer review."),
            now=now,
        )
    if complete:
        notices.answer_reviewed(
            user_id=submission.author_id, submission_id=submission.pk
        )
    return result


@transaction.atomic
def submit_review(
    *,
    review_id: int,
    reviewer,
    levels,
    comment: str = "",
    now: datetime | None = None,
) -> ReviewAssignment:
    """Write a review: a level per criterion and a comment; the answer's peer score is
    recomputed. Writing the same review again changes nothing."""
    now = now or timezone.now()
    review = (
        ReviewAssignment.objects.select_for_update(of=("self",))
        .select_related("submission__question__rubric")
        .filter(pk=review_id, reviewer=reviewer)
        .first()
    )
    if review is None:
        raise Http404
    if review.state == ReviewAssignment.State.DONE:
        return review
    if review.state == ReviewAssignment.State.EXPIRED or review.due_at <= now:
        raise PermissionDenied(_("The deadline for this review has passed."))
    question = review.submission.question
    weight, pending = calibration_weight_for(student=reviewer, question_id=question.pk)
    if pending:
        raise ValidationError(_("Score the calibration examples first."))
    criteria = question.marking_criteria()
    review.levels = _levels(criteria, levels)
    comment = (comment or "").strip()
    if len(comment) > 4000:
        raise ValidationError(
            {"comment": _("Keep the comment under 4,000 characters.")}
        )
    review.comment = comment
    review.weight = weight
    review.state = ReviewAssignment.State.DONE
    review.submitted_at = now
    review.save(update_fields=["levels", "comment", "weight", "state", "submitted_at"])
    # The answer's row is the lock for its result: two reviews of one answer written at
    # once recompute one after the other.
    submission = Submission.objects.select_for_update().get(pk=review.submission_id)
    Submission.objects.filter(pk=submission.pk).update(done=F("done") + 1)
    submission.question = question
    _recompute(submission, criteria, now)
    return review


@transaction.atomic
def flag(*, review_id: int, user, target: str, reason: str) -> Flag:
    """Report an abusive answer (its reviewer does) or review (the answer's author does)."""
    review = ReviewAssignment.objects.filter(pk=review_id).first()
    if review is None:
        raise Http404
    if target == Flag.Target.ANSWER and review.reviewer_id != user.pk:
        raise Http404
    if target == Flag.Target.REVIEW and (
        review.author_id != user.pk or review.state != ReviewAssignment.State.DONE
    ):
        raise Http404
    if target not in Flag.Target.values:
        raise ValidationError({"target": _("Flag an answer or a review.")})
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say what is wrong.")})
    found, created = Flag.objects.get_or_create(
        review=review,
        target=target,
        raised_by=user,
        defaults={"reason": reason[:500]},
    )
    if created:
        Submission.objects.filter(pk=review.submission_id).update(
            open_flags=F("open_flags") + 1
        )
    return found


@transaction.atomic
def override_result(
    *,
    submission_id: int,
    instructor,
    levels,
    reason: str,
    now: datetime | None = None,
) -> PeerResult:
    """Set the levels that count for an answer, with a reason the student reads; the
    question's score follows through the engine's override (its audit is kept)."""
    now = now or timezone.now()
    submission = (
        Submission.objects.select_for_update(of=("self",))
        .select_related("question__rubric", "response")
        .get(pk=submission_id)
    )
    criteria = submission.question.marking_criteria()
    levels = _levels(criteria, levels)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why you are changing the score.")})
    if len(reason) > 500:
        raise ValidationError({"reason": _("Keep the reason under 500 characters.")})
    points = as_points(scoring.points_of(criteria, levels))
    result, created = PeerResult.objects.get_or_create(
        submission=submission, defaults={"updated_at": now}
    )
    if created:
        Submission.objects.filter(pk=submission.pk).update(spread=result.spread)
    if result.override_levels == levels and result.override_reason == reason:
        return result
    quiz_services.override_response_score(
        response_id=submission.response_id,
        instructor=instructor,
        score=(submission.response.auto_score or Decimal(0)) + points,
        reason=reason,
        now=now,
    )
    result.override_levels = levels
    result.override_points = points
    result.override_reason = reason
    result.override_by = instructor
    result.override_at = now
    result.complete = True
    result.save()
    return result
