"""Enrolling and completing lessons: idempotent, and only on published content."""

import pytest
from django.core.exceptions import ValidationError

from courses import selectors, services
from courses.models import Course, Enrollment, LessonCompletion
from tests.accounts.factories import UserFactory
from tests.courses.factories import CourseFactory, LessonFactory

pytestmark = pytest.mark.django_db


def test_enroll_twice_keeps_one_enrollment():
    user, course = UserFactory(), CourseFactory()
    first, created_first = services.enroll(user=user, course=course)
    second, created_second = services.enroll(user=user, course=course)
    assert (created_first, created_second) == (True, False)
    assert first.pk == second.pk
    assert Enrollment.objects.count() == 1


def test_enroll_in_a_draft_course_is_refused():
    with pytest.raises(ValidationError):
        services.enroll(
            user=UserFactory(), course=CourseFactory(status=Course.Status.DRAFT)
        )
    assert not Enrollment.objects.exists()


def test_complete_lesson_twice_records_one_completion():
    user, lesson = UserFactory(), LessonFactory()
    _, created_first = services.complete_lesson(user=user, lesson=lesson)
    _, created_second = services.complete_lesson(user=user, lesson=lesson)
    assert (created_first, created_second) == (True, False)
    assert LessonCompletion.objects.filter(user=user, lesson=lesson).count() == 1


def test_complete_lesson_enrols_the_user():
    user, lesson = UserFactory(), LessonFactory()
    services.complete_lesson(user=user, lesson=lesson)
    assert Enrollment.objects.filter(user=user, course=lesson.course).exists()


def test_complete_unpublished_lesson_is_refused():
    lesson = LessonFactory(published=False)
    with pytest.raises(ValidationError):
        services.complete_lesson(user=UserFactory(), lesson=lesson)
    assert not LessonCompletion.objects.exists()


def test_next_lesson_is_the_first_unfinished_one():
    user, course = UserFactory(), CourseFactory()
    first = LessonFactory(course=course, position=1)
    second = LessonFactory(course=course, position=2)
    LessonFactory(course=course, position=3, published=False)
    assert selectors.next_lesson_for(user, course) == first
    services.complete_lesson(user=user, lesson=first)
    assert selectors.next_lesson_for(user, course) == second
    services.complete_lesson(user=user, lesson=second)
    assert selectors.next_lesson_for(user, course) is None


def test_course_outline_counts_completed_published_lessons():
    user, course = UserFactory(), CourseFactory()
    lessons = [LessonFactory(course=course, position=i) for i in range(1, 5)]
    services.complete_lesson(user=user, lesson=lessons[0])
    services.complete_lesson(user=user, lesson=lessons[2])
    outline = selectors.course_outline(course, user)
    assert [lesson.completed for lesson in outline.lessons] == [
        True,
        False,
        True,
        False,
    ]
    assert (outline.completed, outline.total, outline.percent) == (2, 4, 50)
    assert outline.next_lesson == lessons[1]
    assert outline.is_enrolled


def test_catalogue_hides_drafts_from_students_but_not_staff():
    from tests.accounts.factories import StaffFactory

    published = CourseFactory()
    draft = CourseFactory(status=Course.Status.DRAFT)
    assert list(selectors.catalogue_for(UserFactory())) == [published]
    assert set(selectors.catalogue_for(StaffFactory())) == {published, draft}
