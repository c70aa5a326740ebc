"""Screenshots of the main pages on the real migration course, for the README.

They go to test-artifacts/screenshots/; with UPDATE_SCREENSHOTS=1 they replace the
committed ones in docs/screenshots/ instead.
"""

from __future__ import annotations

import os
import struct
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from courses.models import CohortMembership, Course
from quizzes import services
from quizzes.models import Quiz, Response
from tests.a11y.conftest import ROOT, VIEWPORT, good_answers, run_axe
from tests.accounts.factories import InstructorFactory, UserFactory
from tests.courses.factories import (
    CohortFactory,
    EnrollmentFactory,
    LessonCompletionFactory,
)
from tests.helpers.factories import AssignmentFactory, take

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CLASSMATES = [
    ("Jonas", "Berg"),
    ("Priya", "Raman"),
    ("Mateo", "Silva"),
    ("Chloé", "Martin"),
]


def screenshot_dir() -> Path:
    """docs/screenshots/ when asked to update them, else the ignored artifacts folder."""
    if os.environ.get("UPDATE_SCREENSHOTS") == "1":
        folder = ROOT / "docs" / "screenshots"
    else:
        folder = ROOT / "test-artifacts" / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def png_size(path: Path) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk."""
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return struct.unpack(">II", header[16:24])


@dataclass
class Classroom:
    """The real course with a student part-way through it and a cohort to teach."""

    course: Course
    student: object
    instructor: object
    cohort: object
    open_attempt: object
    result_attempt: object


def _some_answers(quiz: Quiz, keep: int) -> dict:
    """The first `keep` answers of a mostly right set, as a student who ran out of time."""
    return dict(list(good_answers(quiz).items())[:keep])


@pytest.fixture
def classroom(transactional_db, eager_celery) -> Classroom:
    call_command("load_course")
    course = Course.objects.get()
    lessons = list(course.lessons.order_by("position"))
    quizzes = {
        quiz.lesson.position: quiz
        for quiz in Quiz.objects.filter(lesson__isnull=False).select_related("lesson")
    }
    student = UserFactory(
        first_name="Amina", last_name="Diallo", email="amina@example.org"
    )
    EnrollmentFactory(user=student, course=course)
    for lesson in lessons[:4]:
        LessonCompletionFactory(user=student, lesson=lesson)

    instructor = InstructorFactory(
        first_name="Lena", last_name="Novak", email="lena.novak@example.org"
    )
    cohort = CohortFactory(
        course=course, name="Spring seminar", instructors=[instructor]
    )
    classmates = [
        UserFactory(
            first_name=first,
            last_name=last,
            email=f"{first.lower().replace('é', 'e')}@example.org",
        )
        for first, last in CLASSMATES
    ]
    CohortMembership.objects.bulk_create(
        CohortMembership(cohort=cohort, student=member)
        for member in [student, *classmates]
    )
    now = timezone.now()
    AssignmentFactory(
        cohort=cohort,
        quiz=quizzes[1],
        opens_at=now - timedelta(days=14),
        due_at=now - timedelta(days=7),
    )
    AssignmentFactory(
        cohort=cohort,
        quiz=quizzes[2],
        opens_at=now - timedelta(days=7),
        due_at=now - timedelta(days=1),
    )
    AssignmentFactory(cohort=cohort, quiz=quizzes[3], due_at=now + timedelta(days=6))

    # Amina: lesson 1's quiz graded in full; lesson 2's waits for the justification.
    first = take(
        quizzes[1], student, good_answers(quizzes[1]), at=now - timedelta(days=9)
    )
    for response in Response.objects.filter(attempt=first, needs_manual=True):
        services.score_response(
            response_id=response.pk,
            grader=instructor,
            score=Decimal("1.5"),
            comment="Good: you named a cost on each side.",
        )
    take(quizzes[2], student, good_answers(quizzes[2]), at=now - timedelta(days=2))
    for number, member in enumerate(classmates):
        take(
            quizzes[1],
            member,
            _some_answers(quizzes[1], 7 - number),
            at=now - timedelta(days=8 + number % 2 * 2),
        )
        if number < 3:
            take(
                quizzes[2],
                member,
                _some_answers(quizzes[2], 8 - number * 2),
                at=now - timedelta(days=1 + number),
            )
    open_attempt, _created = services.start_attempt(quiz=quizzes[3], student=student)
    first.refresh_from_db()
    return Classroom(
        course=course,
        student=student,
        instructor=instructor,
        cohort=cohort,
        open_attempt=open_attempt,
        result_attempt=first,
    )


def _pick_first_choice(page) -> None:
    # A half-answered attempt reads more like a real one than a blank form.
    page.locator("input[type=radio], input[type=checkbox]").first.check()


# (file name, who, URL in the classroom, what to do before the shot, the h1 it shows)
SHOTS: list[tuple[str, str, Callable, Callable | None, Callable]] = [
    (
        "course.png",
        "student",
        lambda c: c.course.get_absolute_url(),
        None,
        lambda c: c.course.title,
    ),
    (
        "lesson.png",
        "student",
        lambda c: c.course.lessons.get(position=5).get_absolute_url(),
        None,
        lambda c: c.course.lessons.get(position=5).title,
    ),
    (
        "quiz-take.png",
        "student",
        lambda c: reverse("quizzes:attempt", args=[c.open_attempt.pk]),
        _pick_first_choice,
        lambda c: c.open_attempt.quiz.title,
    ),
    (
        "quiz-result.png",
        "student",
        lambda c: reverse("quizzes:result", args=[c.result_attempt.pk]),
        None,
        lambda c: c.result_attempt.quiz.title,
    ),
    (
        "gradebook.png",
        "instructor",
        lambda c: reverse("instructor:gradebook", args=[c.cohort.pk]),
        None,
        lambda c: c.cohort.name,
    ),
    (
        "grading-queue.png",
        "instructor",
        lambda c: reverse("instructor:queue"),
        None,
        lambda c: "Grading queue",
    ),
]


@pytest.mark.parametrize(
    ("filename", "who", "url_of", "prepare", "heading"),
    [pytest.param(*shot, id=shot[0].removesuffix(".png")) for shot in SHOTS],
)
def test_screenshot_of_the_page(
    filename, who, url_of, prepare, heading, classroom, tab, axe_source
):
    user = classroom.student if who == "student" else classroom.instructor
    # CSP bypassed only so axe can be injected after the shot; the pages use no inline code.
    page = tab(user, bypass_csp=True)
    response = page.goto(url_of(classroom))
    assert response is not None and response.status == 200
    assert heading(classroom) in page.get_by_role("heading", level=1).inner_text()
    if prepare:
        prepare(page)
    path = screenshot_dir() / filename
    page.screenshot(path=str(path), full_page=False)
    assert png_size(path) == (VIEWPORT["width"], VIEWPORT["height"])

    # The real course's text is richer than the factories': check it with axe too.
    blocking = [
        v for v in run_axe(page, axe_source) if v.impact in ("serious", "critical")
    ]
    assert not blocking, "\n".join(v.describe() for v in blocking)


def test_screenshots_replace_the_committed_ones_only_when_asked(monkeypatch):
    monkeypatch.delenv("UPDATE_SCREENSHOTS", raising=False)
    assert screenshot_dir() == ROOT / "test-artifacts" / "screenshots"
    monkeypatch.setenv("UPDATE_SCREENSHOTS", "0")
    assert screenshot_dir() == ROOT / "test-artifacts" / "screenshots"
    monkeypatch.setenv("UPDATE_SCREENSHOTS", "1")
    assert screenshot_dir() == ROOT / "docs" / "screenshots"
