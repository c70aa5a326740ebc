"""Grade passback (AGS scores) through the outbox, against the simulated platform."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from lti_tool.models import LtiUser

from lti.models import Score
from lti.passback import services as passback
from quizzes import services
from tests.accounts.factories import InstructorFactory
from tests.lti.conftest import launch, quiz_claims
from tests.lti.platform import INSTRUCTOR
from tests.quizzes.factories import make_essay

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _quick_retries(settings):
    settings.LTI_SCORE_RETRY_BASE_SECONDS = 0


@pytest.fixture
def learner(client, platform, registration, quiz):
    """A learner launched into the quiz; the platform trusts the tool's JWKS."""
    assert (
        launch(client, platform, sub="s-1", **quiz_claims(quiz, platform)).status_code
        == 302
    )
    platform.tool_jwks = client.get(reverse("lti:jwks")).json()
    return LtiUser.objects.get(sub="s-1").auth_user


def _take(quiz, student, *, right: bool, essay=None, capture) -> None:
    question = quiz.questions.get(kind="single_choice")
    choice = question.choices.filter(credit=1 if right else 0).first()
    answers = {question.id: {"choice": choice.id}}
    if essay is not None:
        answers[essay.id] = {"text": "Security costs rights; both matter."}
    attempt, _created = services.start_attempt(quiz=quiz, student=student)
    services.submit_attempt(attempt=attempt, answers=answers)
    with capture(execute=False) as callbacks:
        services.grade_attempt(attempt_id=attempt.pk)
    return attempt, callbacks


def test_graded_attempt_sends_one_score(
    platform, learner, quiz, django_capture_on_commit_callbacks
):
    _attempt, callbacks = _take(
        quiz, learner, right=True, capture=django_capture_on_commit_callbacks
    )
    # The send is queued only once the grade is committed (beside the engine's own
    # after-commit announcement, which analytics hears).
    sends = [c for c in callbacks if "lti.tasks.send_scores" in repr(c)]
    assert len(sends) == 1

    result = passback.send_due_scores()
    passback.send_due_scores()  # a repeated run sends nothing twice

    assert result.sent == 1
    assert len(platform.scores) == 1
    score = platform.scores[0]
    assert score["userId"] == "s-1"
    assert score["scoreGiven"] == 100.0 and score["scoreMaximum"] == 100.0
    assert score["gradingProgress"] == "FullyGraded"
    assert score["activityProgress"] == "Completed"
    assert score["lineitem"] == platform.lineitem_url(1)
    assert Score.objects.get().state == Score.State.SENT


def test_justification_scored_later_sends_one_updated_score(
    platform, learner, quiz, django_capture_on_commit_callbacks
):
    grader = InstructorFactory()
    essay = make_essay(quiz)
    attempt, _callbacks = _take(
        quiz,
        learner,
        right=True,
        essay=essay,
        capture=django_capture_on_commit_callbacks,
    )
    # Waiting for a person: no grade counts yet, so nothing goes to the LMS.
    assert not Score.objects.exists()
    response = attempt.responses.get(question=essay)

    services.score_response(response_id=response.pk, grader=grader, score=Decimal(2))
    passback.send_due_scores()
    services.score_response(response_id=response.pk, grader=grader, score=Decimal(4))
    # The same mark again changes no grade: nothing new to send.
    services.score_response(response_id=response.pk, grader=grader, score=Decimal(4))
    passback.send_due_scores()

    sent = [s["scoreGiven"] for s in platform.scores]
    assert len(sent) == 2
    assert sent[0] < 100.0 and sent[1] == 100.0
    assert platform.scores[0]["timestamp"] < platform.scores[1]["timestamp"]


def test_server_errors_are_retried_until_one_score_lands(
    platform, learner, quiz, django_capture_on_commit_callbacks
):
    platform.score_statuses = [500, 503]
    _take(quiz, learner, right=True, capture=django_capture_on_commit_callbacks)

    passback.send_due_scores()

    assert len(platform.scores) == 1
    row = Score.objects.get()
    assert row.state == Score.State.SENT
    assert row.attempts == 3


def test_a_refusal_is_not_retried_and_is_shown_to_the_instructor(
    client, platform, learner, quiz, django_capture_on_commit_callbacks, caplog
):
    platform.score_statuses = [401]
    _take(quiz, learner, right=True, capture=django_capture_on_commit_callbacks)

    result = passback.send_due_scores()
    passback.send_due_scores()

    assert result.failed == 1
    assert platform.scores == []
    row = Score.objects.get()
    assert (row.state, row.attempts, row.http_status) == (Score.State.FAILED, 1, 401)
    assert "refused by the platform" in caplog.text
    client.logout()
    launch(
        client, platform, sub="t-1", roles=[INSTRUCTOR], **quiz_claims(quiz, platform)
    )
    page = client.get(reverse("lti:scores"))
    assert page.status_code == 200
    assert b"HTTP 401" in page.content


def test_an_older_score_never_overwrites_a_newer_one(
    platform, learner, quiz, settings, django_capture_on_commit_callbacks
):
    quiz.grading_method = quiz.GradingMethod.LAST
    quiz.attempts_allowed = None
    quiz.save()
    settings.LTI_SCORE_RETRY_BASE_SECONDS = 3600
    platform.score_statuses = [500]
    _take(quiz, learner, right=True, capture=django_capture_on_commit_callbacks)
    passback.send_due_scores()  # refused for now: waits for its retry
    _take(quiz, learner, right=False, capture=django_capture_on_commit_callbacks)
    Score.objects.update(next_attempt_at=timezone.now())

    passback.send_due_scores()

    assert [s["scoreGiven"] for s in platform.scores] == [0.0]
    states = list(Score.objects.order_by("pk").values_list("state", flat=True))
    assert states == [Score.State.SUPERSEDED, Score.State.SENT]


def test_a_timeout_is_retried(
    platform, learner, quiz, settings, django_capture_on_commit_callbacks, caplog
):
    settings.LTI_HTTP_TIMEOUT = (1, 0.3)
    platform.stall_next_score = True
    _take(quiz, learner, right=True, capture=django_capture_on_commit_callbacks)

    passback.send_due_scores()

    assert len(platform.scores) == 1
    row = Score.objects.get()
    assert (row.state, row.attempts) == (Score.State.SENT, 2)
    assert "will be retried: ReadTimeout" in caplog.text
