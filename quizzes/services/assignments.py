"""Assign quizzes to cohorts, change or remove them, and grant or revoke extensions."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import DomainError, NotPermitted
from courses.models import Cohort, CohortMembership, teaches_every_cohort

from ..models import Assignment, Extension, Quiz

__all__ = [
    "UNSET",
    "NotCohortInstructor",
    "assign_quiz",
    "update_assignment",
    "delete_assignment",
    "grant_extension",
    "not_in_cohort_message",
    "revoke_extension",
]


class _Unset:
    """Marks an argument the caller left out, so None can mean "clear the limit"."""

    def __repr__(self) -> str:
        return "UNSET"


UNSET = _Unset()


class NotCohortInstructor(NotPermitted):
    def __init__(self):
        super().__init__(
            str(_("Only an instructor of this cohort may do that.")),
            code="not_cohort_instructor",
        )


def _check_teaches(instructor, cohort: Cohort) -> None:
    if teaches_every_cohort(instructor):
        return
    if not cohort.instructors.filter(pk=instructor.pk).exists():
        raise NotCohortInstructor()


def _check_limits(
    *,
    opens_at: datetime,
    due_at: datetime,
    quiz: Quiz,
    attempts_allowed: int | None,
    time_limit_minutes: int | None,
) -> None:
    errors: dict[str, str] = {}
    if due_at <= opens_at:
        errors["due_at"] = _("The due date must be after the open date.")
    elif quiz.closes_at is not None and due_at > quiz.closes_at:
        # The close date is hard: nobody could hand in on time after it.
        errors["due_at"] = _(
            "The quiz closes at %(when)s; set a due date before it."
        ) % {"when": timezone.localtime(quiz.closes_at).strftime("%Y-%m-%d %H:%M %Z")}
    if quiz.closes_at is not None and opens_at >= quiz.closes_at:
        errors["opens_at"] = _("The quiz has closed by then.")
    if attempts_allowed is not None and attempts_allowed < 1:
        errors["attempts_allowed"] = _("Allow at least one attempt, or leave it empty.")
    if time_limit_minutes is not None and time_limit_minutes < 1:
        errors["time_limit_minutes"] = _(
            "Give a time limit of at least one minute, or leave it empty."
        )
    if errors:
        raise ValidationError(errors)


def _check_peer(
    *,
    opens_at: datetime,
    peer_review: bool | None,
    peer_review_deadline: datetime | None,
    peer_scores_count: bool | None,
) -> None:
    errors: dict[str, str] = {}
    if peer_review is False and (
        peer_review_deadline is not None or peer_scores_count is not None
    ):
        errors["peer_review"] = _(
            "Peer review is off for this cohort: leave its deadline and scoring empty."
        )
    if peer_review_deadline is not None and peer_review_deadline <= opens_at:
        errors["peer_review_deadline"] = _(
            "The review deadline must be after the open date."
        )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def assign_quiz(
    *,
    cohort: Cohort,
    quiz: Quiz,
    instructor,
    due_at: datetime,
    opens_at: datetime | None = None,
    attempts_allowed: int | None = None,
    time_limit_minutes: int | None = None,
    peer_review: bool | None = None,
    peer_review_deadline: datetime | None = None,
    peer_scores_count: bool | None = None,
    now: datetime | None = None,
) -> Assignment:
    """Set a quiz of the cohort's course for the cohort, with its dates and limits."""
    now = now or timezone.now()
    opens_at = opens_at or now
    # Locking the cohort serialises two instructors assigning the same quiz at once.
    cohort = Cohort.objects.select_for_update().get(pk=cohort.pk)
    _check_teaches(instructor, cohort)
    if quiz.course_id != cohort.course_id:
        raise ValidationError(
            {
                "quiz": _("Choose a quiz of this cohort's course (%(course)s).")
                % {"course": cohort.course}
            }
        )
    if not quiz.published:
        raise ValidationError(
            {"quiz": _("Publish the quiz first: students cannot open a draft.")}
        )
    _check_limits(
        opens_at=opens_at,
        due_at=due_at,
        quiz=quiz,
        attempts_allowed=attempts_allowed,
        time_limit_minutes=time_limit_minutes,
    )
    _check_peer(
        opens_at=opens_at,
        peer_review=peer_review,
        peer_review_deadline=peer_review_deadline,
        peer_scores_count=peer_scores_count,
    )
    if Assignment.objects.filter(cohort=cohort, quiz=quiz).exists():
        raise DomainError(
            _("“%(quiz)s” is already assigned to %(cohort)s; edit that assignment.")
            % {"quiz": quiz, "cohort": cohort.name},
            code="already_assigned",
        )
    try:
        with transaction.atomic():
            return Assignment.objects.create(
                cohort=cohort,
                quiz=quiz,
                opens_at=opens_at,
                due_at=due_at,
                attempts_allowed=attempts_allowed,
                time_limit_minutes=time_limit_minutes,
                peer_review=peer_review,
                peer_review_deadline=peer_review_deadline,
                peer_scores_count=peer_scores_count,
                created_by=instructor,
                created_at=now,
            )
    except IntegrityError as exc:
        raise DomainError(
            _("This quiz is already assigned to this cohort."), code="already_assigned"
        ) from exc


@transaction.atomic
def update_assignment(
    *,
    assignment: Assignment,
    instructor,
    opens_at: datetime | _Unset = UNSET,
    due_at: datetime | _Unset = UNSET,
    attempts_allowed: int | None | _Unset = UNSET,
    time_limit_minutes: int | None | _Unset = UNSET,
    peer_review: bool | None | _Unset = UNSET,
    peer_review_deadline: datetime | None | _Unset = UNSET,
    peer_scores_count: bool | None | _Unset = UNSET,
) -> Assignment:
    """Change an assignment's dates, limits or peer review (None: the quiz's);
    arguments left out keep their value."""
    locked = (
        Assignment.objects.select_for_update(of=("self",))
        .select_related("cohort", "quiz")
        .get(pk=assignment.pk)
    )
    _check_teaches(instructor, locked.cohort)
    changes = {
        name: value
        for name, value in {
            "opens_at": opens_at,
            "due_at": due_at,
            "attempts_allowed": attempts_allowed,
            "time_limit_minutes": time_limit_minutes,
            "peer_review": peer_review,
            "peer_review_deadline": peer_review_deadline,
            "peer_scores_count": peer_scores_count,
        }.items()
        if value is not UNSET
    }
    for name, value in changes.items():
        setattr(locked, name, value)
    _check_limits(
        opens_at=locked.opens_at,
        due_at=locked.due_at,
        quiz=locked.quiz,
        attempts_allowed=locked.attempts_allowed,
        time_limit_minutes=locked.time_limit_minutes,
    )
    _check_peer(
        opens_at=locked.opens_at,
        peer_review=locked.peer_review,
        peer_review_deadline=locked.peer_review_deadline,
        peer_scores_count=locked.peer_scores_count,
    )
    if changes:
        locked.save(update_fields=list(changes))
    return locked


@transaction.atomic
def delete_assignment(*, assignment: Assignment, instructor) -> None:
    """Remove an assignment and its extensions; attempts already made are kept."""
    locked = (
        Assignment.objects.select_for_update(of=("self",))
        .select_related("cohort")
        .get(pk=assignment.pk)
    )
    _check_teaches(instructor, locked.cohort)
    locked.delete()


def not_in_cohort_message(cohort: Cohort) -> str:
    """The one refusal for a student outside the cohort, whether or not the account
    exists: it names neither the account nor its owner."""
    return _("No student of %(cohort)s has this id.") % {"cohort": cohort.name}


@transaction.atomic
def grant_extension(
    *,
    assignment: Assignment,
    student,
    instructor,
    reason: str,
    due_at: datetime | None = None,
    extra_minutes: int = 0,
    extra_attempts: int = 0,
    expires_at: datetime | None = None,
    now: datetime | None = None,
) -> Extension:
    """Give one student of the cohort a later due date, more time or more attempts."""
    now = now or timezone.now()
    assignment = (
        Assignment.objects.select_for_update(of=("self",))
        .select_related("cohort")
        .get(pk=assignment.pk)
    )
    _check_teaches(instructor, assignment.cohort)
    errors: dict[str, str] = {}
    if not CohortMembership.objects.filter(
        cohort=assignment.cohort, student=student
    ).exists():
        errors["student"] = not_in_cohort_message(assignment.cohort)
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = _("Say why the extension is granted.")
    elif len(reason) > Extension._meta.get_field("reason").max_length:
        errors["reason"] = _("Keep the reason under 300 characters.")
    if extra_minutes < 0:
        errors["extra_minutes"] = _("Extra minutes cannot be negative.")
    if extra_attempts < 0:
        errors["extra_attempts"] = _("Extra attempts cannot be negative.")
    if due_at is None and not extra_minutes and not extra_attempts:
        errors["__all__"] = _("Give a new due date, extra minutes or extra attempts.")
    if due_at is not None and due_at <= assignment.due_at:
        errors["due_at"] = _("The new due date must be later than the assignment's.")
    if expires_at is not None:
        if expires_at <= now:
            errors["expires_at"] = _("The expiry must be in the future.")
        elif due_at is not None and expires_at < due_at:
            # Expiring first would withdraw the new due date before it is reached.
            errors["expires_at"] = _("The expiry cannot come before the new due date.")
    if errors:
        raise ValidationError(errors)
    return Extension.objects.create(
        assignment=assignment,
        student=student,
        due_at=due_at,
        extra_minutes=extra_minutes,
        extra_attempts=extra_attempts,
        reason=reason,
        expires_at=expires_at,
        granted_by=instructor,
        created_at=now,
    )


@transaction.atomic
def revoke_extension(*, extension: Extension, instructor) -> None:
    """Withdraw an extension; the assignment's own rules apply again."""
    locked = (
        Extension.objects.select_for_update(of=("self",))
        .select_related("assignment__cohort")
        .get(pk=extension.pk)
    )
    _check_teaches(instructor, locked.assignment.cohort)
    locked.delete()
