"""The engine tells analytics of a grading through a domain signal, not an import.

`quizzes.signals.attempt_graded` leaves after the grading's commit (never on a rollback);
analytics' receiver queues one debounced statistics refresh on the real broker.
"""

from __future__ import annotations

import json
import re
from datetime import timedelta
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from analytics import tasks as analytics_tasks
from quizzes import services, signals
from quizzes.models import Attempt, Response
from tests.accounts.factories import UserFactory
from tests.helpers.factories import single_choice
from tests.quizzes.factories import QuizFactory

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def broker():
    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)

    def clear():
        client.delete("celery")
        for key in client.scan_iter("tradeoffs:reports:*"):
            client.delete(key)

    clear()
    yield client
    clear()


def queued(client) -> list[tuple[str, str]]:
    messages = [json.loads(raw) for raw in reversed(client.lrange("celery", 0, -1))]
    return [(m["headers"]["task"], m["headers"]["argsrepr"]) for m in messages]


def submitted_attempt(quiz) -> Attempt:
    question, choices = single_choice(quiz, position=1)
    now = timezone.now()
    attempt = Attempt.objects.create(
        quiz=quiz,
        student=UserFactory(),
        number=1,
        state=Attempt.State.SUBMITTED,
        started_at=now - timedelta(minutes=5),
        submitted_at=now,
    )
    Response.objects.create(
        attempt=attempt, question=question, answer={"choice": choices[0].id}
    )
    return attempt


@pytest.mark.django_db
def test_grading_announces_after_commit_and_analytics_queues_one_refresh(
    broker, django_capture_on_commit_callbacks
):
    quiz = QuizFactory()
    attempt = submitted_attempt(quiz)
    heard = []

    def listener(sender, *, quiz_id, **kwargs):
        heard.append(quiz_id)

    signals.attempt_graded.connect(listener)
    try:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            state, _graded = services.grade_submitted(attempt_id=attempt.pk)
        assert state == Attempt.State.GRADED
        # Nothing is said, nor queued, before the grading commits.
        assert heard == [] and queued(broker) == []
        for callback in callbacks:
            callback()
    finally:
        signals.attempt_graded.disconnect(listener)

    assert heard == [quiz.pk]
    name = analytics_tasks.refresh_quiz_statistics_task.name
    assert name == "analytics.tasks.refresh_quiz_statistics_task"
    assert queued(broker) == [(name, f"[{quiz.pk}]")]
    # A second grading within the countdown shares that refresh.
    with django_capture_on_commit_callbacks(execute=True):
        signals.announce_graded(quiz_id=quiz.pk)
    assert len(queued(broker)) == 1


@pytest.mark.django_db
def test_a_rolled_back_grading_says_nothing(broker, django_capture_on_commit_callbacks):
    quiz = QuizFactory()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                signals.announce_graded(quiz_id=quiz.pk)
                raise RuntimeError("rolled back")
        except RuntimeError:
            pass
    assert callbacks == []
    assert queued(broker) == []


def test_the_engine_imports_neither_teaching_nor_analytics():
    """quizzes <- teaching | analytics: the engine names neither; they name not each other."""
    imports = re.compile(r"^\s*(?:from|import)\s+(\w+)", re.M)

    def imported_by(app: str) -> set[str]:
        found = set()
        for path in (ROOT / app).rglob("*.py"):
            found |= set(imports.findall(path.read_text()))
        return found

    assert not imported_by("quizzes") & {"teaching", "analytics", "progress"}
    assert "analytics" not in imported_by("teaching")
    assert "teaching" not in imported_by("analytics")
    assert not imported_by("courses") & {"quizzes", "teaching", "analytics"}
