"""Every URL of the project x every role: who is let in, refused, or finds nothing.

The table is tests/access_matrix_data.py. A URL the resolver knows but the table does not
(or the reverse) fails here, so a new URL cannot ship without its row.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from rest_framework.test import APIClient
from rest_framework.views import APIView

from analytics import exports
from analytics import services as report_services
from analytics.models import ExportJob
from practice import services as practice_services
from quizzes import services
from quizzes.models import Question
from tests.access_matrix_data import ROLES, ROUTES, Login, World
from tests.accounts.factories import InstructorFactory, StaffFactory, UserFactory
from tests.courses.factories import CohortFactory, EnrollmentFactory
from tests.helpers.factories import essay_answer, take
from tests.quizzes.factories import QuizFactory, make_quiz_with_every_kind

pytestmark = pytest.mark.django_db

# Django's admin guards its own pages; of them only the index is in the matrix.
ADMIN_INDEX = ("admin:index", "admin/")


def _walk(patterns, prefix: str = "", namespace: str | None = None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = (
                    f"{namespace}:{pattern.namespace}"
                    if namespace
                    else pattern.namespace
                )
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            name = pattern.name
            if name and namespace:
                name = f"{namespace}:{name}"
            yield name, prefix + str(pattern.pattern), pattern.callback


def project_urls() -> dict[tuple[str | None, str], object]:
    """(name, route) -> view of every URL the project serves, bar the admin's inside."""
    found = {}
    for name, route, callback in _walk(get_resolver().url_patterns):
        if route.startswith("admin/") and (name, route) != ADMIN_INDEX:
            continue
        found[(name, route)] = callback
    return found


def _cases():
    for route in ROUTES:
        for check in route.checks:
            for role in ROLES:
                marks = []
                if role in check.xfail:
                    marks.append(
                        pytest.mark.xfail(strict=True, reason=check.xfail[role])
                    )
                yield pytest.param(
                    route,
                    check,
                    role,
                    id=f"{route.name}-{check.method}-{role}",
                    marks=marks,
                )


def seed_world() -> World:
    """Course A with cohorts A and A2, course B with cohort B, and staff."""
    now = timezone.now()
    # Names found nowhere else, so the private-content checks cannot match by chance.
    student = UserFactory(
        email="matrix.student@example.org", first_name="Alexa", last_name="Matrixowner"
    )
    other_student = UserFactory()
    instructor, other_instructor = InstructorFactory(), InstructorFactory()
    outside_instructor = InstructorFactory()
    staff = StaffFactory()
    bare_staff = UserFactory(is_staff=True)

    quiz = make_quiz_with_every_kind(title="Matrix quiz on course A")
    course, lesson = quiz.course, quiz.lesson
    other_quiz = QuizFactory()
    EnrollmentFactory(user=student, course=course)
    EnrollmentFactory(user=other_student, course=other_quiz.course)
    cohort = CohortFactory(
        course=course,
        name="Matrix cohort A",
        instructors=[instructor],
        students=[student],
    )
    classmate = UserFactory()
    EnrollmentFactory(user=classmate, course=course)
    CohortFactory(course=course, instructors=[other_instructor], students=[classmate])
    CohortFactory(
        course=other_quiz.course,
        instructors=[outside_instructor],
        students=[other_student],
    )

    assignment = services.assign_quiz(
        cohort=cohort,
        quiz=quiz,
        instructor=instructor,
        opens_at=now - timedelta(days=1),
        due_at=now + timedelta(days=7),
    )
    extension = services.grant_extension(
        assignment=assignment,
        student=student,
        instructor=instructor,
        reason="Illness",
        extra_attempts=1,
    )
    essay = quiz.questions.get(kind=Question.Kind.ESSAY)
    finished = take(quiz, student, essay_answer(essay), at=now - timedelta(minutes=5))
    response = finished.responses.get(question=essay)
    assert response.needs_manual and response.manual_score is None
    attempt, created = services.start_attempt(quiz=quiz, student=student)
    assert created

    job = report_services.request_export(
        user=instructor, kind=ExportJob.Kind.COHORT_GRADES, cohort=cohort
    )
    job = exports.run_export(job_id=job.pk)
    assert job.state == ExportJob.State.DONE

    practice_set, _created = practice_services.start_set(student=student, course=course)

    world = World(
        users={
            "anonymous": None,
            "student": student,
            "other_student": other_student,
            "instructor": instructor,
            "other_instructor": other_instructor,
            "outside_instructor": outside_instructor,
            "staff": staff,
            "bare_staff": bare_staff,
        },
        course=course,
        lesson=lesson,
        quiz=quiz,
        attempt=attempt,
        finished_attempt=finished,
        cohort=cohort,
        assignment=assignment,
        extension=extension,
        response=response,
        export_job=job,
        practice_set=practice_set,
    )
    for role, user in world.users.items():
        if user is not None:
            client = Client()
            client.force_login(user)
            world.sessions[role] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return world


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """One seeded world per module; each test's own transaction rolls its writes back."""
    with (
        django_db_blocker.unblock(),
        override_settings(EXPORTS_ROOT=tmp_path_factory.mktemp("exports")),
        transaction.atomic(),
    ):
        yield seed_world()
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def _fresh_throttles():
    # Throttle counters live in the cache and would otherwise carry across cases.
    cache.clear()


LOGIN_PATHS = ("accounts:login", "admin:login")


def _assert_outcome(response, expected) -> None:
    status = response.status_code
    location = response.get("Location", "")
    body = b"(streamed)" if response.streaming else response.content[:300]
    seen = f"got {status} {location}: {body!r}"
    if isinstance(expected, Login):
        assert status == 302, seen
        assert location.startswith(reverse(expected.url_name) + "?next="), seen
    else:
        assert status == expected, seen
        if status == 302:
            assert not any(location.startswith(reverse(n)) for n in LOGIN_PATHS), seen


@pytest.mark.parametrize("route, check, role", list(_cases()))
def test_access(world, route, check, role):
    client = APIClient() if route.api else Client()
    client.raise_request_exception = False
    if role in world.sessions:
        client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[role]
    url = reverse(route.name, kwargs=route.kwargs(world))
    body = check.body(world) if check.body else None
    send = getattr(client, check.method)
    if route.api:
        response = send(url, body, format="json")
    elif body is None:
        response = send(url)
    else:
        response = send(url, body)
    if response.streaming:
        # Reading to the end closes the file without a second request_finished signal,
        # which would close the connection holding the world's transaction.
        b"".join(response.streaming_content)
    _assert_outcome(response, check.expect[role])
    if check.private and response.status_code == 200:
        text = response.content.decode()
        for secret, may_see in check.private(world).items():
            if role not in may_see:
                assert secret not in text, f"{role} sees {secret!r}"


def test_every_url_of_the_project_is_in_the_matrix():
    listed = {(route.name, route.route) for route in ROUTES}
    missing = sorted(set(project_urls()) - listed, key=str)
    assert not missing, f"add these URLs to tests/access_matrix_data.py: {missing}"


def test_every_url_in_the_matrix_still_exists():
    listed = {(route.name, route.route) for route in ROUTES}
    gone = sorted(listed - set(project_urls()), key=str)
    assert not gone, f"remove (or rename) these in tests/access_matrix_data.py: {gone}"


def test_every_url_is_listed_once_with_every_role_for_every_check():
    names = [route.name for route in ROUTES]
    assert len(names) == len(set(names))
    for route in ROUTES:
        assert route.checks, route.name
        for check in route.checks:
            assert set(check.expect) == set(ROLES), (route.name, check.method)
            assert set(check.xfail) <= set(ROLES), (route.name, check.method)


def test_every_method_an_api_view_answers_is_checked():
    views = project_urls()
    for route in ROUTES:
        view_class = getattr(views.get((route.name, route.route)), "cls", None)
        if view_class is None or not issubclass(view_class, APIView):
            continue
        answers = {
            method
            for method in view_class.http_method_names
            if method not in ("options", "head") and hasattr(view_class, method)
        }
        checked = {check.method for check in route.checks}
        assert answers == checked, (route.name, answers, checked)


def _regrade_that_lowers_the_students_grade(world) -> None:
    quiz, student = world.quiz, world.users["student"]
    question = quiz.questions.get(kind=Question.Kind.SINGLE_CHOICE)
    right, *_others, wrong = question.choices.order_by("-credit")
    take(quiz, student, {str(question.pk): {"choice": right.pk}})
    # The key changes its mind: the student's answer is now the wrong one.
    question.choices.filter(pk=right.pk).update(credit=0)
    question.choices.filter(pk=wrong.pk).update(credit=1)


def _regrade_previews(world, role: str) -> tuple[str, str]:
    """The regrade preview page and the API's dry run, as `role` sees them."""
    client = APIClient()
    client.force_login(world.users[role])
    pk = world.quiz.pk
    page = client.get(reverse("reports:quiz-regrade", kwargs={"pk": pk}))
    api = client.post(
        reverse("api-quiz-regrade", kwargs={"pk": pk}), {"dry_run": True}, format="json"
    )
    assert page.status_code == 200 and api.status_code == 200
    return page.content.decode(), api.content.decode()


def test_regrade_preview_names_the_cohort_instructors_student(world):
    _regrade_that_lowers_the_students_grade(world)
    page, api = _regrade_previews(world, "instructor")
    assert world.users["student"].email in page
    assert world.users["student"].email in api


def test_regrade_preview_hides_students_of_cohorts_the_instructor_does_not_teach(
    world,
):
    # Quiz reports are per course, but a student's name and grade are per cohort.
    _regrade_that_lowers_the_students_grade(world)
    page, api = _regrade_previews(world, "other_instructor")
    assert world.users["student"].email not in page
    assert world.users["student"].email not in api
