"""Override grades by hand: an assignment's grade (or excuse it) and a question's score.

Every change writes one `GradeAudit` row (who, when, old, new, why). Repeating the same
change (a double submit) finds nothing to change and writes nothing. A question's
override survives an automatic regrade (as Moodle's overridden grades do): the regrade
rescores the automatic part underneath and the override still counts, capped at the
question's new maximum.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.models import CohortMembership

from .. import selectors, signals
from ..models import Assignment, Attempt, GradeAudit, GradeOverride, Response
from .marking import total_attempt

__all__ = ["clear_grade_override", "override_response_score", "set_grade_override"]

_TENTH = Decimal("0.1")
_Q = Decimal("0.001")
_HUNDRED = Decimal(100)


def _reason(reason: str | None) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why you are changing the grade.")})
    if len(reason) > 500:
        raise ValidationError({"reason": _("Keep the reason under 500 characters.")})
    return reason


def _locked_assignment(assignment: Assignment, student) -> Assignment:
    # Locking the assignment row serialises two submits of the same override, so the
    # second sees the first's row and finds nothing to change.
    locked = Assignment.objects.select_for_update().get(pk=assignment.pk)
    if not CohortMembership.objects.filter(
        cohort_id=locked.cohort_id, student=student
    ).exists():
        raise ValidationError(
            {"student": _("That student is not in this assignment's cohort.")}
        )
    return locked


@transaction.atomic
def set_grade_override(
    *,
    assignment: Assignment,
    student,
    instructor,
    reason: str,
    grade: Decimal | None = None,
    excused: bool = False,
    now: datetime | None = None,
) -> GradeOverride:
    """Set the grade that counts (percent) on an assignment for a student, or excuse it."""
    reason = _reason(reason)
    if excused:
        grade = None
    elif grade is None:
        raise ValidationError({"grade": _("Give a grade, or excuse the work.")})
    else:
        grade = Decimal(grade)
        if not grade.is_finite() or not 0 <= grade <= _HUNDRED:
            raise ValidationError({"grade": _("Give a grade from 0 to 100 (percent).")})
        grade = grade.quantize(_TENTH)
    _locked_assignment(assignment, student)
    current = GradeOverride.objects.filter(
        assignment=assignment, student=student
    ).first()
    if current is not None and (current.grade, current.excused, current.reason) == (
        grade,
        excused,
        reason,
    ):
        return current
    now = now or timezone.now()
    GradeAudit.objects.create(
        target=GradeAudit.Target.ASSIGNMENT,
        student=student,
        assignment=assignment,
        old_value=current.grade if current else None,
        new_value=grade,
        old_excused=bool(current and current.excused),
        new_excused=excused,
        reason=reason,
        changed_by=instructor,
        changed_at=now,
    )
    override, _created = GradeOverride.objects.update_or_create(
        assignment=assignment,
        student=student,
        defaults={
            "grade": grade,
            "excused": excused,
            "reason": reason,
            "set_by": instructor,
            "set_at": now,
        },
    )
    return override


@transaction.atomic
def clear_grade_override(
    *,
    assignment: Assignment,
    student,
    instructor,
    reason: str,
    now: datetime | None = None,
) -> bool:
    """Remove an override, so the attempts' grade counts again; False if there was none."""
    reason = _reason(reason)
    _locked_assignment(assignment, student)
    current = GradeOverride.objects.filter(
        assignment=assignment, student=student
    ).first()
    if current is None:
        return False
    GradeAudit.objects.create(
        target=GradeAudit.Target.ASSIGNMENT,
        student=student,
        assignment=assignment,
        old_value=current.grade,
        new_value=None,
        old_excused=current.excused,
        new_excused=False,
        reason=reason,
        changed_by=instructor,
        changed_at=now or timezone.now(),
    )
    current.delete()
    return True


@transaction.atomic
def override_response_score(
    *,
    response_id: int,
    instructor,
    score: Decimal | None,
    reason: str,
    now: datetime | None = None,
) -> Response:
    """Set (or, with None, remove) the score that counts on one answer; regrade the attempt."""
    reason = _reason(reason)
    attempt_id = Response.objects.values_list("attempt_id", flat=True).get(
        pk=response_id
    )
    attempt = (
        Attempt.objects.select_for_update(of=("self",))
        .select_related("quiz")
        .prefetch_related(selectors.questions_prefetch("quiz__"), "responses")
        .get(pk=attempt_id)
    )
    if attempt.state not in (Attempt.State.NEEDS_REVIEW, Attempt.State.GRADED):
        raise ValidationError(
            _("Only a submitted and auto-graded attempt can be overridden.")
        )
    response = next(r for r in attempt.responses.all() if r.pk == response_id)
    if score is not None:
        score = Decimal(score)
        if not score.is_finite() or not 0 <= score <= response.max_score:
            raise ValidationError(
                {
                    "score": _("Give a score between 0 and %(max)s.")
                    % {"max": response.max_score.normalize()}
                }
            )
        score = score.quantize(_Q)
    if response.override_score == score and (
        score is None or response.override_reason == reason
    ):
        return response
    now = now or timezone.now()
    GradeAudit.objects.create(
        target=GradeAudit.Target.RESPONSE,
        student_id=attempt.student_id,
        response=response,
        old_value=response.override_score
        if response.override_score is not None
        else response.score,
        new_value=score,
        reason=reason,
        changed_by=instructor,
        changed_at=now,
    )
    response.override_score = score
    response.override_reason = reason if score is not None else ""
    response.override_by = instructor if score is not None else None
    response.override_at = now if score is not None else None
    response.save(
        update_fields=[
            "override_score",
            "override_reason",
            "override_by",
            "override_at",
        ]
    )
    total_attempt(attempt, now=now)
    if attempt.state == Attempt.State.GRADED:
        signals.announce_graded(quiz_id=attempt.quiz_id)
    return response
