"""Moodle's review times: score and feedback while attempts are left, the key at the end."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from quizzes import rules as quiz_rules
from quizzes import services
from quizzes.models import Quiz
from tests.accounts.factories import InstructorFactory, UserFactory
from tests.courses.factories import CohortFactory
from tests.helpers.factories import take

from .factories import QuizFactory, make_single_choice

MARK = "ZqRv"
R = quiz_rules
LEVELS = R.ReviewLevels(
    immediately=R.FEEDBACK, while_open=R.FEEDBACK, after_close=R.ANSWERS
)


NO_LIMITS = R.Rules()


def _review(rules=NO_LIMITS, *, used=1, in_progress=False, minutes_ago=10, now=None):
    now = now or timezone.now()
    return R.review_for(
        LEVELS,
        rules,
        finished=True,
        submitted_at=now - timedelta(minutes=minutes_ago),
        attempts_used=used,
        in_progress=in_progress,
        now=now,
    )


def test_an_unfinished_attempt_shows_nothing():
    now = timezone.now()
    review = R.review_for(
        LEVELS,
        R.Rules(),
        finished=False,
        submitted_at=None,
        attempts_used=1,
        in_progress=True,
        now=now,
    )
    assert review.level == R.NOTHING and not review.feedback and not review.key


def test_each_review_time_takes_its_own_level():
    levels = R.ReviewLevels(
        immediately=R.ANSWERS, while_open=R.SCORE, after_close=R.FEEDBACK
    )
    now = timezone.now()
    open_rules = R.Rules(attempts_allowed=3, closes_at=now + timedelta(days=1))

    def level(**kwargs):
        return R.review_for(
            levels, open_rules, finished=True, in_progress=False, now=now, **kwargs
        ).level

    assert level(submitted_at=now - timedelta(minutes=1), attempts_used=1) == R.ANSWERS
    assert level(submitted_at=now - timedelta(minutes=3), attempts_used=1) == R.SCORE
    assert level(submitted_at=now - timedelta(minutes=3), attempts_used=3) == R.FEEDBACK


def test_the_soft_due_date_is_not_the_close():
    now = timezone.now()
    past_due = R.Rules(due_at=now - timedelta(days=1), attempts_allowed=3)
    assert not _review(past_due, now=now).key
    closed = R.Rules(closes_at=now - timedelta(minutes=1), attempts_allowed=3)
    assert _review(closed, now=now).key


def test_the_last_attempt_opens_the_key_but_not_while_one_is_in_progress():
    rules = R.Rules(attempts_allowed=3)
    assert not _review(rules, used=2).key
    assert _review(rules, used=3).key
    assert not _review(rules, used=3, in_progress=True).key
    # Unlimited attempts: only the close opens the key.
    assert not _review(NO_LIMITS, used=50).key


@pytest.fixture
def shipped_like(db):
    """A quiz with the shipped quizzes' review: three attempts, highest counts."""
    quiz = QuizFactory(
        attempts_allowed=3,
        grading_method=Quiz.GradingMethod.HIGHEST,
        review_immediately=Quiz.ReviewLevel.FEEDBACK,
        review_while_open=Quiz.ReviewLevel.FEEDBACK,
        review_after_close=Quiz.ReviewLevel.ANSWERS,
    )
    question = make_single_choice(quiz, marker=MARK, explanation=f"{MARK}-explanation")
    return quiz, question


def _api(student):
    api = APIClient()
    api.force_authenticate(student)
    return api


def test_a_blank_attempt_shows_score_and_feedback_but_not_the_key(shipped_like, client):
    quiz, question = shipped_like
    student = UserFactory()
    blank = take(quiz, student, {})

    detail = _api(student).get(reverse("api-attempt-detail", args=[blank.pk]))
    assert detail.status_code == 200
    body = detail.json()
    assert body["review_available"] and not body["key_available"]
    assert body["review_level"] == "feedback"
    assert body["percent"] == 0.0
    [view] = body["questions"]
    assert view["review"]["score"] == 0.0
    assert view["review"]["key"] == {}
    assert view["review"]["explanation_html"] == ""
    text = detail.content.decode()
    assert f"{MARK}-explanation" not in text
    assert f"{MARK}fb-sc-right" not in text and f"{MARK}gains-sc" not in text

    client.force_login(student)
    page = client.get(reverse("quizzes:result", args=[blank.pk])).content.decode()
    assert "The answers and explanations are shown once you have used your last" in page
    assert f"{MARK}-explanation" not in page
    assert "(credit" not in page  # the key's lines

    # A retake with a wrong pick still shows its own feedback, never the right one.
    wrong = question.choices.filter(credit=0).first()
    second = take(quiz, student, {str(question.pk): {"choice": wrong.pk}})
    text = _api(student).get(reverse("api-attempt-detail", args=[second.pk]))
    assert f"{MARK}fb-sc-wrong" in text.content.decode()
    assert f"{MARK}fb-sc-right" not in text.content.decode()

    # The last attempt used: every attempt now shows the key and the explanation.
    take(quiz, student, {})
    for attempt_id in (blank.pk, second.pk):
        after = _api(student).get(reverse("api-attempt-detail", args=[attempt_id]))
        assert after.json()["key_available"]
        assert f"{MARK}-explanation" in after.content.decode()
    page = client.get(reverse("quizzes:result", args=[blank.pk])).content.decode()
    assert "(credit 1)" in page and f"{MARK}-explanation" in page


def test_after_close_waits_for_the_close_date_not_the_assignment_due_date(shipped_like):
    quiz, question = shipped_like
    now = timezone.now()
    Quiz.objects.filter(pk=quiz.pk).update(
        attempts_allowed=None, closes_at=now + timedelta(days=5)
    )
    quiz.refresh_from_db()
    student = UserFactory()
    instructor = InstructorFactory()
    cohort = CohortFactory(
        course=quiz.course, instructors=[instructor], students=[student]
    )
    services.assign_quiz(
        cohort=cohort,
        quiz=quiz,
        instructor=instructor,
        opens_at=now - timedelta(days=3),
        due_at=now - timedelta(days=1) + timedelta(hours=1),
        now=now - timedelta(days=3),
    )
    attempt = take(quiz, student, {}, at=now - timedelta(days=2))
    # Past the soft due date, the quiz still open: feedback, no key.
    detail = _api(student).get(reverse("api-attempt-detail", args=[attempt.pk])).json()
    assert (detail["review_available"], detail["key_available"]) == (True, False)
    # Closed: the key.
    Quiz.objects.filter(pk=quiz.pk).update(closes_at=now - timedelta(minutes=1))
    detail = _api(student).get(reverse("api-attempt-detail", args=[attempt.pk])).json()
    assert detail["key_available"]
