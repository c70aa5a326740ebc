"""Catalogue, course page and course API cost the same number of queries at any size."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from courses import services
from tests.accounts.factories import UserFactory
from tests.courses.factories import CourseFactory, LessonFactory

pytestmark = pytest.mark.django_db


def _build(n_courses: int, n_lessons: int, user):
    courses = []
    for _ in range(n_courses):
        course = CourseFactory()
        lessons = [
            LessonFactory(course=course, position=i) for i in range(1, n_lessons + 1)
        ]
        services.complete_lesson(user=user, lesson=lessons[0])
        courses.append(course)
    return courses


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("name", ["home", "courses:catalogue", "api-course-list"])
def test_list_pages_do_not_grow_with_courses(client, django_assert_num_queries, name):
    user = UserFactory()
    client.force_login(user)
    _build(2, 3, user)
    baseline = _count(client, reverse(name))
    _build(10, 5, user)
    with django_assert_num_queries(baseline):
        response = client.get(reverse(name))
    assert response.status_code == 200


@pytest.mark.parametrize("name", ["courses:course", "api-course-detail"])
def test_course_outline_does_not_grow_with_lessons(
    client, django_assert_num_queries, name
):
    user = UserFactory()
    client.force_login(user)
    small, big = _build(1, 3, user)[0], _build(1, 30, user)[0]
    baseline = _count(client, reverse(name, kwargs={"slug": small.slug}))
    with django_assert_num_queries(baseline):
        client.get(reverse(name, kwargs={"slug": big.slug}))


def test_lesson_page_does_not_grow_with_lessons(client, django_assert_num_queries):
    user = UserFactory()
    client.force_login(user)
    small, big = _build(1, 3, user)[0], _build(1, 30, user)[0]
    small_url = small.lessons.get(position=2).get_absolute_url()
    big_url = big.lessons.get(position=2).get_absolute_url()
    baseline = _count(client, small_url)
    with django_assert_num_queries(baseline):
        client.get(big_url)


def test_cohort_admin_list_does_not_grow_with_cohorts(
    client, django_assert_num_queries
):
    from tests.accounts.factories import InstructorFactory, StaffFactory
    from tests.courses.factories import CohortFactory

    client.force_login(StaffFactory())
    url = reverse("admin:courses_cohort_changelist")

    def add_cohorts(n):
        for _ in range(n):
            CohortFactory(
                instructors=[InstructorFactory()],
                students=[UserFactory(), UserFactory()],
            )

    add_cohorts(2)
    baseline = _count(client, url)
    add_cohorts(8)
    with django_assert_num_queries(baseline):
        client.get(url)
