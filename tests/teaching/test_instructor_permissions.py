"""Who may reach each instructor page and endpoint: a matrix of roles x routes."""

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from quizzes.models import Extension
from tests.accounts.factories import InstructorFactory, StaffFactory
from tests.helpers.factories import (
    AssignmentFactory,
    EssayQuestionFactory,
    QuizFactory,
    awaiting_essay,
    cohort_with,
)

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "student", "other_instructor", "instructor", "admin"]


@dataclass
class World:
    cohort: Any
    assignment: Any
    extension: Any
    spare_quiz: Any
    response: Any
    student: Any
    users: dict


@pytest.fixture
def world() -> World:
    now = timezone.now()
    cohort, instructor, (student,) = cohort_with(students=1)
    assignment = AssignmentFactory(cohort=cohort)
    essay = EssayQuestionFactory(quiz=assignment.quiz)
    response = awaiting_essay(essay, student, at=now)
    extension = Extension.objects.create(
        assignment=assignment, student=student, extra_attempts=1, reason="Illness"
    )
    other_cohort, other_instructor, _ = cohort_with(students=2)
    AssignmentFactory(cohort=other_cohort)
    return World(
        cohort=cohort,
        assignment=assignment,
        extension=extension,
        spare_quiz=QuizFactory(course=cohort.course),
        response=response,
        student=student,
        users={
            "anonymous": None,
            "student": student,
            "other_instructor": other_instructor,
            "instructor": instructor,
            "admin": StaffFactory(),
        },
    )


def _due(w: World) -> str:
    return (timezone.localtime() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")


# (url name, method, kwargs from the world, body from the world, expected per role)
# Expectations, pages: visitors are sent to log in, students are refused (403), an
# instructor of another cohort finds nothing there (404).
LOGIN = 302
PAGE_OWN = {"anonymous": LOGIN, "student": 403, "other_instructor": 404}
PAGE_ANY = {"anonymous": LOGIN, "student": 403, "other_instructor": 200}


def _page(ok: int, **overrides) -> dict:
    return {**PAGE_OWN, "instructor": ok, "admin": ok, **overrides}


PAGES = [
    (
        "instructor:dashboard",
        "get",
        lambda w: {},
        None,
        {**PAGE_ANY, "instructor": 200, "admin": 200},
    ),
    (
        "instructor:queue",
        "get",
        lambda w: {},
        None,
        {**PAGE_ANY, "instructor": 200, "admin": 200},
    ),
    ("instructor:cohort", "get", lambda w: {"pk": w.cohort.pk}, None, _page(200)),
    ("instructor:gradebook", "get", lambda w: {"pk": w.cohort.pk}, None, _page(200)),
    (
        "instructor:assignment-create",
        "get",
        lambda w: {"pk": w.cohort.pk},
        None,
        _page(200),
    ),
    (
        "instructor:assignment-create",
        "post",
        lambda w: {"pk": w.cohort.pk},
        lambda w: {
            "quiz": w.spare_quiz.pk,
            "opens_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "due_at": _due(w),
        },
        _page(302),
    ),
    (
        "instructor:assignment-edit",
        "get",
        lambda w: {"pk": w.assignment.pk},
        None,
        _page(200),
    ),
    (
        "instructor:assignment-delete",
        "get",
        lambda w: {"pk": w.assignment.pk},
        None,
        _page(200),
    ),
    (
        "instructor:assignment-delete",
        "post",
        lambda w: {"pk": w.assignment.pk},
        lambda w: {},
        _page(302),
    ),
    (
        "instructor:extensions",
        "get",
        lambda w: {"pk": w.assignment.pk},
        None,
        _page(200),
    ),
    (
        "instructor:extension-revoke",
        "post",
        lambda w: {"pk": w.extension.pk},
        lambda w: {},
        _page(302),
    ),
    ("instructor:score", "get", lambda w: {"pk": w.response.pk}, None, _page(200)),
    (
        "instructor:score",
        "post",
        lambda w: {"pk": w.response.pk},
        lambda w: {"score": "2", "comment": "Fine."},
        _page(302),
    ),
]

# API: a visitor is not authenticated (403: session auth has no challenge header);
# a student and an instructor of another cohort get a 404, as if nothing were there.
API_OWN = {"anonymous": 403, "student": 404, "other_instructor": 404}


def _api(ok: int) -> dict:
    return {**API_OWN, "instructor": ok, "admin": ok}


API = [
    (
        "api-cohort-list",
        "get",
        lambda w: {},
        None,
        {**API_OWN, "other_instructor": 200, "instructor": 200, "admin": 200},
    ),
    ("api-cohort-detail", "get", lambda w: {"pk": w.cohort.pk}, None, _api(200)),
    ("api-cohort-assignments", "get", lambda w: {"pk": w.cohort.pk}, None, _api(200)),
    (
        "api-cohort-assignments",
        "post",
        lambda w: {"pk": w.cohort.pk},
        lambda w: {
            "quiz": w.spare_quiz.pk,
            "due_at": (timezone.now() + timedelta(days=2)).isoformat(),
        },
        _api(201),
    ),
    (
        "api-assignment-detail",
        "get",
        lambda w: {"pk": w.assignment.pk},
        None,
        _api(200),
    ),
    (
        "api-assignment-detail",
        "patch",
        lambda w: {"pk": w.assignment.pk},
        lambda w: {"attempts_allowed": 3},
        _api(200),
    ),
    (
        "api-assignment-detail",
        "delete",
        lambda w: {"pk": w.assignment.pk},
        None,
        _api(204),
    ),
    (
        "api-assignment-extensions",
        "get",
        lambda w: {"pk": w.assignment.pk},
        None,
        _api(200),
    ),
    (
        "api-assignment-extensions",
        "post",
        lambda w: {"pk": w.assignment.pk},
        lambda w: {"student": w.student.pk, "extra_minutes": 10, "reason": "Injury"},
        _api(201),
    ),
    (
        "api-extension-detail",
        "delete",
        lambda w: {"pk": w.extension.pk},
        None,
        _api(204),
    ),
    ("api-cohort-gradebook", "get", lambda w: {"pk": w.cohort.pk}, None, _api(200)),
    ("api-cohort-grading-queue", "get", lambda w: {"pk": w.cohort.pk}, None, _api(200)),
    (
        "api-response-score",
        "post",
        lambda w: {"pk": w.response.pk},
        lambda w: {"score": "3", "comment": "Good."},
        _api(200),
    ),
]


def _cases(routes):
    for name, method, kwargs, body, expected in routes:
        for role in ROLES:
            yield pytest.param(
                name,
                method,
                kwargs,
                body,
                role,
                expected[role],
                id=f"{method}-{name}-{role}",
            )


@pytest.mark.parametrize(
    "name, method, kwargs, body, role, status", list(_cases(PAGES))
)
def test_page_access(client, world, name, method, kwargs, body, role, status):
    user = world.users[role]
    if user is not None:
        client.force_login(user)
    url = reverse(name, kwargs=kwargs(world))
    response = getattr(client, method)(url, body(world) if body else None)
    assert response.status_code == status, response.content[:500]
    if status == LOGIN and role == "anonymous":
        assert response.url.startswith(reverse("accounts:login"))


@pytest.mark.parametrize("name, method, kwargs, body, role, status", list(_cases(API)))
def test_api_access(api_client, world, name, method, kwargs, body, role, status):
    user = world.users[role]
    if user is not None:
        api_client.force_authenticate(user)
    url = reverse(name, kwargs=kwargs(world))
    response = getattr(api_client, method)(
        url, body(world) if body else None, format="json"
    )
    assert response.status_code == status, response.content[:500]


def test_other_instructor_sees_an_empty_cohort_list_and_queue(
    api_client, client, world
):
    other = world.users["other_instructor"]
    api_client.force_authenticate(other)
    cohorts = api_client.get(reverse("api-cohort-list")).json()["results"]
    assert world.cohort.pk not in [c["id"] for c in cohorts]
    client.force_login(other)
    page = client.get(reverse("instructor:queue"))
    assert (
        reverse("instructor:score", kwargs={"pk": world.response.pk}) not in page.text
    )


def test_admin_sees_every_cohort(api_client, world):
    api_client.force_authenticate(world.users["admin"])
    cohorts = api_client.get(reverse("api-cohort-list")).json()
    assert cohorts["count"] == 2


def test_token_authentication_reaches_the_api(api_client, world):
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=world.users["instructor"])
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert api_client.get(reverse("api-cohort-list")).status_code == 200


def test_an_instructor_who_teaches_nothing_sees_no_cohort(api_client, world):
    # The role alone opens no door: an instructor sees only cohorts they teach.
    lone = InstructorFactory()
    api_client.force_authenticate(lone)
    assert api_client.get(reverse("api-cohort-list")).json()["count"] == 0
    detail = reverse("api-cohort-detail", kwargs={"pk": world.cohort.pk})
    assert api_client.get(detail).status_code == 404
