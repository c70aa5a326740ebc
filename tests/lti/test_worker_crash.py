"""A real Celery worker killed while sending a score: after a restart, one score lands."""

from __future__ import annotations

import time

import pytest
from django.urls import reverse
from django.utils import timezone
from lti_tool.models import LtiUser

from lti import tasks
from lti.models import Score
from quizzes import services
from tests.lti.conftest import launch, quiz_claims

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

LEASE_SECONDS = 2


@pytest.fixture
def short_lease(monkeypatch):
    # Read by the worker fixture when it builds the worker's environment: one start.
    monkeypatch.setenv("LTI_SCORE_LEASE_SECONDS", str(LEASE_SECONDS))


def test_worker_killed_mid_send_still_delivers_exactly_once(
    short_lease, client, platform, registration, quiz, celery_worker_proc
):
    launch(client, platform, sub="s-1", **quiz_claims(quiz, platform))
    platform.tool_jwks = client.get(reverse("lti:jwks")).json()
    student = LtiUser.objects.get(sub="s-1").auth_user
    platform.hold_next_score = True

    question = quiz.questions.get()
    attempt, _created = services.start_attempt(quiz=quiz, student=student)
    services.submit_attempt(
        attempt=attempt,
        answers={question.id: {"choice": question.choices.get(credit=1).id}},
    )
    # Committed grade -> outbox row -> the worker's send, which the platform holds.
    services.grade_attempt(attempt_id=attempt.pk)
    assert platform.score_held.wait(30), celery_worker_proc.log_tail()
    assert Score.objects.get().state == Score.State.SENDING

    celery_worker_proc.kill()
    platform.score_release.set()
    assert platform.scores == []

    celery_worker_proc.start()
    lease_end = Score.objects.get().next_attempt_at
    while timezone.now() <= lease_end:
        time.sleep(0.1)
    # What beat's every-minute run does: the row whose sender died is taken over.
    outcome = tasks.send_scores.delay().get(timeout=30)

    assert outcome["sent"] == 1
    assert len(platform.scores) == 1
    assert platform.scores[0]["scoreGiven"] == 100.0
    assert Score.objects.get().state == Score.State.SENT
