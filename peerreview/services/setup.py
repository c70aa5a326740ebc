"""Turn peer review on or off for a quiz and set its terms."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from quizzes.models import Question, Quiz

from .. import scoring
from ..models import CalibrationAttempt, CalibrationExample, PeerReviewSetup

__all__ = [
    "add_calibration_example",
    "delete_calibration_example",
    "save_setup",
    "update_calibration_example",
]


@transaction.atomic
def save_setup(
    *,
    quiz: Quiz,
    enabled: bool,
    reviews_per_student: int,
    review_deadline: datetime,
    scores_count: bool,
    grace_hours: int = 48,
) -> PeerReviewSetup:
    """Create or change a quiz's peer review; k cannot change once reviews are out."""
    if not 1 <= reviews_per_student <= 10:
        raise ValidationError(
            {"reviews_per_student": _("Ask for 1 to 10 reviews per student.")}
        )
    setup = PeerReviewSetup.objects.select_for_update().filter(quiz=quiz).first()
    if (
        setup is not None
        and setup.reviews_per_student != reviews_per_student
        and setup.quiz.questions.filter(
            peer_submissions__reviews__isnull=False
        ).exists()
    ):
        raise ValidationError(
            {
                "reviews_per_student": _(
                    "Reviews are already handed out; the number cannot change now."
                )
            }
        )
    setup = setup or PeerReviewSetup(quiz=quiz)
    setup.enabled = enabled
    setup.reviews_per_student = reviews_per_student
    if setup.review_deadline != review_deadline:
        setup.deadline_swept_at = None
    setup.review_deadline = review_deadline
    setup.scores_count = scores_count
    setup.grace_hours = grace_hours
    setup.save()
    if enabled:
        from .. import tasks

        transaction.on_commit(lambda: tasks.allocate_reviews.delay(quiz.pk))
    return setup


def add_calibration_example(
    *,
    question: Question,
    justification: dict,
    levels: list[int],
    reasons: list[str],
    position: int = 0,
) -> CalibrationExample:
    """An example the instructor scored, for students to calibrate on; the levels are
    checked against the question's rubric (a ValidationError on `levels` otherwise)."""
    example = CalibrationExample(
        question=question,
        justification=justification,
        levels=levels,
        reasons=reasons,
        position=position,
    )
    example.full_clean()
    example.save()
    return example


@transaction.atomic
def update_calibration_example(
    *,
    example: CalibrationExample,
    justification: dict,
    levels: list[int],
    reasons: list[str],
    position: int,
) -> CalibrationExample:
    """Change an example the instructor scored; students who already calibrated on it
    are measured again against the new levels (their reviews already written keep the
    weight they were written with)."""
    example = CalibrationExample.objects.select_for_update().get(pk=example.pk)
    example.justification = justification
    example.levels = levels
    example.reasons = reasons
    example.position = position
    example.full_clean()
    example.save()
    criteria = example.question.marking_criteria()
    attempts = list(CalibrationAttempt.objects.filter(example=example))
    for attempt in attempts:
        attempt.error = round(
            scoring.calibration_error(criteria, attempt.levels, example.levels), 4
        )
    CalibrationAttempt.objects.bulk_update(attempts, ["error"])
    return example


def delete_calibration_example(*, example: CalibrationExample) -> None:
    """Remove an example, and the students' calibrations on it with it."""
    example.delete()
