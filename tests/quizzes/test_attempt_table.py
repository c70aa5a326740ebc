"""The attempts table's rows: the texts the intro and history pages show for each attempt."""

from __future__ import annotations

import zoneinfo
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from quizzes import services
from quizzes.attempt_table import attempt_rows
from quizzes.models import Attempt
from tests.accounts.factories import UserFactory
from tests.helpers.factories import finished_attempt
from tests.quizzes.factories import QuizFactory, make_single_choice

pytestmark = pytest.mark.django_db

AT = datetime(2026, 12, 2, 23, 40, tzinfo=UTC)


@pytest.fixture
def quiz():
    quiz = QuizFactory()
    make_single_choice(quiz)
    return quiz


def test_a_graded_attempt_reads_as_its_state_score_times_and_result_link(quiz):
    attempt = finished_attempt(quiz, UserFactory(), at=AT, percent=75)

    with timezone.override(zoneinfo.ZoneInfo("Europe/Lisbon")):
        (row,) = attempt_rows([attempt])

    assert row.number == attempt.number
    assert row.state == "Graded"
    assert row.score == "75.0%"
    local = timezone.localtime(attempt.started_at, zoneinfo.ZoneInfo("Europe/Lisbon"))
    assert row.started.iso == local.isoformat()
    assert row.started.text == local.strftime("%-d %b %Y, %H:%M")
    assert row.submitted is not None
    assert row.url == reverse("quizzes:result", args=[attempt.pk])
    assert row.link_text == f"Result of attempt {attempt.number}"


def test_an_attempt_in_progress_has_no_score_or_submit_time_and_links_to_itself(quiz):
    attempt, _ = services.start_attempt(quiz=quiz, student=UserFactory())

    (row,) = attempt_rows([attempt])

    assert row.state == "In progress"
    assert (row.score, row.submitted) == ("—", None)
    assert row.url == reverse("quizzes:attempt", args=[attempt.pk])
    assert row.link_text == f"Continue attempt {attempt.number}"


def test_only_a_graded_or_reviewed_attempt_shows_a_score(quiz):
    student = UserFactory()
    submitted = finished_attempt(quiz, student, at=AT, state=Attempt.State.SUBMITTED)
    waiting = finished_attempt(
        quiz, student, at=AT + timedelta(hours=1), state=Attempt.State.NEEDS_REVIEW
    )
    # Scored so far by the machine, a person still to mark the rest: shown as it stands.
    for attempt in (submitted, waiting):
        attempt.score = Decimal(50)

    rows = attempt_rows([submitted, waiting])

    assert [row.score for row in rows] == ["—", "50.0%"]


def test_the_history_page_lists_every_attempt_in_its_table(client, quiz):
    student = UserFactory()
    first = finished_attempt(quiz, student, at=AT, percent=75)
    second = finished_attempt(quiz, student, at=AT + timedelta(hours=1), percent=25)
    client.force_login(student)

    page = client.get(reverse("quizzes:history", args=[quiz.pk])).content.decode()

    for attempt in (first, second):
        assert reverse("quizzes:result", args=[attempt.pk]) in page
    assert "75.0%" in page and "25.0%" in page
