"""Writes on courses: enrolling a student and recording finished lessons."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User

from .models import Course, Enrollment, Lesson, LessonCompletion


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
