"""Integrity rules of courses: unique enrolments and completions, safe lesson bodies."""

import pytest
from django.db import IntegrityError

from courses.models import Course
from tests.courses.factories import (
    CourseFactory,
    EnrollmentFactory,
    LessonCompletionFactory,
    LessonFactory,
)

pytestmark = pytest.mark.django_db


def test_enrollment_is_unique_per_user_and_course():
    enrollment = EnrollmentFactory()
    with pytest.raises(IntegrityError):
        EnrollmentFactory(user=enrollment.user, course=enrollment.course)


def test_completion_is_unique_per_user_and_lesson():
    completion = LessonCompletionFactory()
    with pytest.raises(IntegrityError):
        LessonCompletionFactory(user=completion.user, lesson=completion.lesson)


def test_lesson_body_is_rendered_with_paragraph_anchors_on_save():
    lesson = LessonFactory(body="One.\n\nTwo.\n\nThree.")
    assert lesson.paragraph_count == 3
    assert '<p id="p3" class="lesson-paragraph">Three.</p>' in lesson.body_html


def test_lesson_body_drops_scripts_and_event_handlers():
    lesson = LessonFactory(
        body='Safe text.\n\n<script>alert(1)</script>\n\n<img src=x onerror="alert(2)">'
        '\n\n<a href="javascript:alert(3)">link</a>'
    )
    html = lesson.body_html.lower()
    assert "<script" not in html
    assert "onerror" not in html
    assert "javascript:" not in html
    assert "Safe text." in lesson.body_html


def test_published_courses_exclude_drafts():
    published = CourseFactory()
    CourseFactory(status=Course.Status.DRAFT)
    assert list(Course.objects.published()) == [published]
