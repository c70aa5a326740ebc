"""The gradebook's column averages, kept in the cache under the cohort's grades version.

Adding a cohort's grades up (`coursework_sums`) reads every graded attempt of its
assignments, which grows with the cohort; the sums change only when a grade can. Every
write that may change one raises `Cohort.grades_version` in its own transaction
(`courses.services.touch_grades`), and a page reads the sums cached under (cohort,
version): one small query and a cache hit, the statement itself once per change.

What raises it: grading, a manual mark and a per-question override (every score stored
through `services.marking`), a regrade (once, at its end), and saving or deleting an
attempt that counts, a grade override, an assignment, a cohort membership or a quiz (its
grading method), whoever saves them (services, the admin, factories). Extensions change
no grade (`coursework.assignment_grade`). Writes that bypass save() call
`grades_changed` / `quiz_grades_changed` themselves; the expiry (ten minutes) bounds
what one could miss, such as a raw SQL fix or a bulk load.

A reader that read version N and stored sums worked out a moment later can only have
stored sums at least as new as N's; a change committed meanwhile comes with N + 1, which
the next reader reads, so no page reads sums older than the version it saw.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save

from courses import services as courses_services
from courses.models import Cohort, CohortMembership

from . import coursework_sums
from .models import Assignment, Attempt, GradeOverride, Quiz

__all__ = [
    "column_sums",
    "connect_signals",
    "grades_changed",
    "quiz_grades_changed",
]

# Part of the key: raise it when the grade rule (coursework_sums) changes, so a deploy
# never reads sums worked out under the old rule.
RULE = 1
EXPIRES_SECONDS = 600


def _key(cohort_id: int, version: int) -> str:
    return f"quizzes:gradebook-sums:v{RULE}:{cohort_id}:{version}"


def column_sums(cohort_id: int) -> dict[int, tuple[Decimal, int]]:
    """`coursework_sums.column_sums` of the cohort, worked out once per grades version."""
    version = (
        Cohort.objects.filter(pk=cohort_id)
        .values_list("grades_version", flat=True)
        .first()
    )
    key = _key(cohort_id, version or 0)
    sums = cache.get(key)
    if sums is None:
        sums = coursework_sums.column_sums(cohort_id)
        cache.set(key, sums, EXPIRES_SECONDS)
    return sums


def grades_changed(*, quiz_ids: Iterable[int], student_ids: Iterable[int]) -> None:
    """These students' grades on these quizzes may have changed: raise the version of
    every cohort that has one of the quizzes assigned and one of the students."""
    courses_services.touch_grades(
        cohorts=Cohort.objects.filter(
            assignments__quiz_id__in=set(quiz_ids),
            memberships__student_id__in=set(student_ids),
        )
    )


def quiz_grades_changed(*, quiz_id: int) -> None:
    """Grades on the quiz may have changed for anyone: every cohort it is assigned to."""
    courses_services.touch_grades(
        cohorts=Cohort.objects.filter(assignments__quiz_id=quiz_id)
    )


def _cohort_changed(cohort_id: int) -> None:
    courses_services.touch_grades(cohorts=Cohort.objects.filter(pk=cohort_id))


def _on_attempt(sender, instance: Attempt, **kwargs) -> None:
    # Only graded attempts count; saves on the way there (start, autosave, submit) are
    # the hot path and change no grade. Scores stored in bulk raise it in marking.
    if instance.state == Attempt.State.GRADED:
        grades_changed(quiz_ids=[instance.quiz_id], student_ids=[instance.student_id])


def _on_override(sender, instance: GradeOverride, **kwargs) -> None:
    courses_services.touch_grades(
        cohorts=Cohort.objects.filter(assignments__pk=instance.assignment_id)
    )


def _on_cohort_row(sender, instance: Assignment | CohortMembership, **kwargs) -> None:
    _cohort_changed(instance.cohort_id)


def _on_quiz(sender, instance: Quiz, raw: bool = False, **kwargs) -> None:
    if not raw and not kwargs.get("created"):
        quiz_grades_changed(quiz_id=instance.pk)


def connect_signals() -> None:
    """Raise the grades version on every save or delete that may change a grade."""
    for model, receiver in (
        (Attempt, _on_attempt),
        (GradeOverride, _on_override),
        (Assignment, _on_cohort_row),
        (CohortMembership, _on_cohort_row),
    ):
        uid = f"quizzes.gradebook_cache.{model.__name__}"
        post_save.connect(receiver, sender=model, dispatch_uid=uid)
        post_delete.connect(receiver, sender=model, dispatch_uid=uid)
    # A deleted quiz takes its assignments with it (their receiver raises the version).
    post_save.connect(
        _on_quiz, sender=Quiz, dispatch_uid="quizzes.gradebook_cache.Quiz"
    )
