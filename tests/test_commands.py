"""Management commands run by `make run`: seed_demo."""

from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from courses.models import Cohort, CohortMembership, Course, Enrollment

COURSE_FIXTURE = (
    Path(__file__).resolve().parents[1] / "fixtures" / "migration_course.json"
)
DEMO_EMAILS = {
    "admin@tradeoffs.local",
    "instructor@tradeoffs.local",
    "student@tradeoffs.local",
    "student2@tradeoffs.local",
}
STUDENTS = {"student@tradeoffs.local", "student2@tradeoffs.local"}

pytestmark = pytest.mark.django_db


@pytest.fixture
def debug_on(settings):
    settings.DEBUG = True


@pytest.fixture
def course():
    if COURSE_FIXTURE.is_file():
        call_command("loaddata", str(COURSE_FIXTURE), verbosity=0)
        return Course.objects.get(slug="global-migration")
    return Course.objects.create(slug="global-migration", title="Global migration")


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def test_seed_demo_creates_the_demo_users_with_their_roles(debug_on, course):
    seed()

    users = {user.email: user for user in get_user_model().objects.all()}
    assert set(users) == DEMO_EMAILS
    admin = users["admin@tradeoffs.local"]
    assert admin.is_staff and admin.is_superuser
    assert users["instructor@tradeoffs.local"].role == "instructor"
    assert not users["instructor@tradeoffs.local"].is_staff
    for email in STUDENTS:
        assert users[email].role == "student"
        assert not users[email].is_staff
    assert all(user.check_password("tradeoffs-demo") for user in users.values())


def test_seed_demo_puts_instructor_and_students_in_an_enrolled_demo_cohort(
    debug_on, course
):
    seed()

    cohort = Cohort.objects.get(course=course, name="Demo cohort")
    assert [user.email for user in cohort.instructors.all()] == [
        "instructor@tradeoffs.local"
    ]
    assert {user.email for user in cohort.students.all()} == STUDENTS
    assert {e.user.email for e in Enrollment.objects.filter(course=course)} == STUDENTS
    assert [user.email for user in course.instructors.all()] == [
        "instructor@tradeoffs.local"
    ]


def test_seed_demo_run_twice_changes_nothing(debug_on, course):
    seed()
    counts = (
        get_user_model().objects.count(),
        Cohort.objects.count(),
        CohortMembership.objects.count(),
        Enrollment.objects.count(),
        Cohort.objects.get().instructors.count(),
    )

    seed()

    assert (
        get_user_model().objects.count(),
        Cohort.objects.count(),
        CohortMembership.objects.count(),
        Enrollment.objects.count(),
        Cohort.objects.get().instructors.count(),
    ) == counts


def test_seed_demo_uses_the_given_password_and_prints_the_logins(debug_on, course):
    output = seed("--password", "another-secret")

    for email in DEMO_EMAILS:
        assert email in output
        assert (
            get_user_model().objects.get(email=email).check_password("another-secret")
        )
    assert "another-secret" in output


def test_seed_demo_without_the_course_skips_the_cohort_with_a_note(debug_on):
    output = seed()

    assert "global-migration" in output
    assert "skipped the demo cohort" in output
    assert get_user_model().objects.count() == len(DEMO_EMAILS)
    assert not Cohort.objects.exists()


def test_seed_demo_refuses_when_debug_is_off(settings, course):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="--force") as excinfo:
        seed()

    assert excinfo.value.returncode == 1
    assert not get_user_model().objects.exists()


def test_seed_demo_with_force_runs_when_debug_is_off(settings, course):
    settings.DEBUG = False

    seed("--force")

    assert get_user_model().objects.count() == len(DEMO_EMAILS)
