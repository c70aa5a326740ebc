"""The courses API: permissions, visibility and response shapes."""

import pytest
from django.urls import reverse

from courses.models import Course, LessonCompletion
from tests.accounts.factories import StaffFactory, UserFactory
from tests.courses.factories import CourseFactory, LessonFactory, TradeoffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def course():
    course = CourseFactory(slug="migration", title="Migration")
    for position in range(1, 4):
        LessonFactory(course=course, position=position, slug=f"l{position}")
    return course


@pytest.fixture
def student(api_client):
    user = UserFactory()
    api_client.force_authenticate(user)
    return user


@pytest.mark.parametrize(
    "method,name,kwargs",
    [
        ("get", "api-course-list", {}),
        ("get", "api-course-detail", {"slug": "migration"}),
        ("get", "api-lesson-detail", {"pk": 1}),
        ("post", "api-lesson-complete", {"pk": 1}),
    ],
)
def test_anonymous_is_refused(api_client, course, method, name, kwargs):
    response = getattr(api_client, method)(reverse(name, kwargs=kwargs))
    assert response.status_code in (401, 403)


def test_token_authentication_works(api_client, course):
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=UserFactory())
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert api_client.get(reverse("api-course-list")).status_code == 200


def test_course_list_is_paginated_and_hides_drafts(api_client, student, course):
    CourseFactory(status=Course.Status.DRAFT)
    body = api_client.get(reverse("api-course-list")).json()
    assert body["count"] == 1
    assert set(body) >= {"count", "next", "previous", "results"}
    assert body["results"][0] == {
        "slug": "migration",
        "title": "Migration",
        "summary": course.summary,
        "url": course.get_absolute_url(),
        "lesson_count": 3,
        "is_enrolled": False,
        "progress": {"completed": 0, "total": 3, "percent": 0},
    }


def test_course_detail_has_outline_and_my_completion(api_client, student, course):
    first = course.lessons.get(position=1)
    LessonCompletion.objects.create(user=student, lesson=first)
    body = api_client.get(
        reverse("api-course-detail", kwargs={"slug": "migration"})
    ).json()
    assert [lesson["slug"] for lesson in body["lessons"]] == ["l1", "l2", "l3"]
    assert [lesson["completed"] for lesson in body["lessons"]] == [True, False, False]
    assert body["progress"] == {"completed": 1, "total": 3, "percent": 33}
    assert body["next_lesson_id"] == course.lessons.get(position=2).pk
    assert set(body["lessons"][0]) == {
        "id",
        "slug",
        "title",
        "position",
        "estimated_minutes",
        "paragraph_count",
        "url",
        "completed",
    }


def test_draft_course_is_404_to_students_but_not_staff(api_client, student):
    draft = CourseFactory(status=Course.Status.DRAFT)
    lesson = LessonFactory(course=draft)
    url = reverse("api-course-detail", kwargs={"slug": draft.slug})
    assert api_client.get(url).status_code == 404
    assert (
        api_client.get(
            reverse("api-lesson-detail", kwargs={"pk": lesson.pk})
        ).status_code
        == 404
    )
    assert (
        api_client.post(
            reverse("api-lesson-complete", kwargs={"pk": lesson.pk})
        ).status_code
        == 404
    )
    api_client.force_authenticate(StaffFactory())
    assert api_client.get(url).status_code == 200


def test_lesson_detail_shape(api_client, student, course):
    lesson = course.lessons.get(position=1)
    lesson.tradeoffs.set(
        [TradeoffFactory(slug="security-rights", left_value="Security")]
    )
    body = api_client.get(reverse("api-lesson-detail", kwargs={"pk": lesson.pk})).json()
    assert body["course"] == "migration"
    assert body["body_html"] == lesson.body_html
    assert body["paragraph_count"] == 2
    assert body["objectives"] == ["Name the tradeoff."]
    assert body["tradeoffs"][0]["slug"] == "security-rights"
    assert set(body["tradeoffs"][0]) == {
        "slug",
        "name",
        "left_value",
        "right_value",
        "description",
    }
    assert body["completed"] is False


def test_complete_lesson_returns_201_then_200(api_client, student, course):
    lesson = course.lessons.get(position=2)
    url = reverse("api-lesson-complete", kwargs={"pk": lesson.pk})
    first = api_client.post(url)
    second = api_client.post(url)
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["created"] is True and second.json()["created"] is False
    assert first.json()["completed_at"] == second.json()["completed_at"]
    assert LessonCompletion.objects.filter(user=student, lesson=lesson).count() == 1
    detail = api_client.get(
        reverse("api-lesson-detail", kwargs={"pk": lesson.pk})
    ).json()
    assert detail["completed"] is True


def test_complete_unknown_lesson_is_404(api_client, student):
    assert (
        api_client.post(
            reverse("api-lesson-complete", kwargs={"pk": 999999})
        ).status_code
        == 404
    )


def test_schema_documents_the_course_and_account_endpoints():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    paths = schema["paths"]
    assert set(paths["/api/v1/courses/{slug}/"]) == {"get"}
    assert set(paths["/api/v1/lessons/{id}/complete/"]) == {"post"}
    assert set(paths["/api/v1/lessons/{id}/complete/"]["post"]["responses"]) == {
        "200",
        "201",
    }
    assert set(paths["/api/v1/me/"]) == {"get", "patch"}
    patch_body = schema["components"]["schemas"]["PatchedMeUpdateRequest"]
    assert set(patch_body["properties"]) == {
        "first_name",
        "last_name",
        "timezone",
        "progress_emails",
    }
