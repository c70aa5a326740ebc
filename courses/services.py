"""Writes on courses: enrolment, finished lessons, cohort join codes and rosters."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet
from django.utils.translation import gettext as _

from accounts.models import User

from . import join_codes
from .models import (
    Cohort,
    CohortMembership,
    Course,
    Enrollment,
    Lesson,
    LessonCompletion,
)

# A fresh code collides with a stored one about once in 2**50 draws; a few tries is plenty.
_CODE_TRIES = 5


@transaction.atomic
def enroll(*, user: User, course: Course) -> tuple[Enrollment, bool]:
    """Enrol the user in a published course; enrolling twice changes nothing."""
    if not course.is_published:
        raise ValidationError(_("This course is not open for enrolment."))
    # get_or_create falls back to a get when the unique constraint wins a race.
    return Enrollment.objects.get_or_create(user=user, course=course)


@transaction.atomic
def complete_lesson(*, user: User, lesson: Lesson) -> tuple[LessonCompletion, bool]:
    """Record that the user finished a published lesson, enrolling them if needed."""
    if not (lesson.published and lesson.course.is_published):
        raise ValidationError(_("This lesson is not published."))
    enroll(user=user, course=lesson.course)
    return LessonCompletion.objects.get_or_create(user=user, lesson=lesson)


def rotate_join_code(*, cohort: Cohort) -> str:
    """Give the cohort a new join code (turning joining on); the old code stops working."""
    for _attempt in range(_CODE_TRIES):
        code = join_codes.new_code()
        try:
            with transaction.atomic():
                Cohort.objects.filter(pk=cohort.pk).update(join_code=code)
        except IntegrityError:
            continue
        cohort.join_code = code
        return code
    raise RuntimeError("Could not draw an unused join code.")


@transaction.atomic
def disable_join_code(*, cohort: Cohort) -> None:
    """Turn joining by code off; members stay, and a later rotation turns it on again."""
    Cohort.objects.filter(pk=cohort.pk).update(join_code=None)
    cohort.join_code = None


def cohort_for_code(text: str, *, lock: bool = False) -> Cohort:
    """The cohort whose join code this is, with its course; ValidationError otherwise."""
    code = join_codes.normalise(text)
    cohorts = Cohort.objects.select_related("course")
    if lock:
        # A rotation or a disable in flight waits, so an old code never lets anyone in.
        cohorts = cohorts.select_for_update(of=("self",))
    cohort = cohorts.filter(join_code=code).first() if code else None
    if cohort is None:
        raise ValidationError(
            _("No cohort uses this code. Check it with your instructor."),
            code="unknown_code",
        )
    return cohort


def _add_member(*, cohort: Cohort, student: User) -> tuple[CohortMembership, bool]:
    enroll(user=student, course=cohort.course)
    return CohortMembership.objects.get_or_create(cohort=cohort, student=student)


@transaction.atomic
def join_cohort(*, user: User, code: str) -> tuple[CohortMembership, bool]:
    """Join the cohort of this code and enrol in its course; joining twice changes nothing."""
    cohort = cohort_for_code(code, lock=True)
    return _add_member(cohort=cohort, student=user)


@transaction.atomic
def add_student(*, cohort: Cohort, email: str) -> tuple[CohortMembership, bool]:
    """Put the student with this e-mail in the cohort (and its course); twice is once."""
    student = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
    if student is None:
        raise ValidationError(
            _(
                "No account uses this e-mail address. Ask the student to sign up, "
                "or share the cohort's join code."
            ),
            code="unknown_student",
        )
    return _add_member(cohort=cohort, student=student)


@transaction.atomic
def remove_student(*, cohort: Cohort, student_id: int) -> bool:
    """Take a student out of the cohort; their enrolment and their work stay."""
    deleted, _rows = CohortMembership.objects.filter(
        cohort=cohort, student_id=student_id
    ).delete()
    return bool(deleted)


def touch_grades(*, cohorts: QuerySet[Cohort]) -> int:
    """Raise these cohorts' `grades_version`: one of their grades may have changed.

    One UPDATE in the caller's transaction, so the new version is seen with the change
    that caused it; it locks the cohorts' rows until that commit, so callers holding a
    transaction open for long (a regrade) call it last.
    """
    return Cohort.objects.filter(pk__in=cohorts.values("pk")).update(
        grades_version=F("grades_version") + 1
    )
