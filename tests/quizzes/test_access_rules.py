"""Who may take an assigned quiz: a second account gains nothing, sign-up verifies."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import User
from accounts.tasks import send_verification_email_task
from quizzes import rules as quiz_rules
from quizzes import selectors, services
from quizzes.errors import NoAttemptsLeft
from quizzes.models import Attempt, Quiz
from tests.accounts.factories import InstructorFactory, UserFactory
from tests.courses.factories import CohortFactory

from .factories import QuizFactory, make_single_choice

pytestmark = pytest.mark.django_db

PASSWORD = "a sturdy passphrase 42"


@pytest.fixture
def assigned(db):
    """A quiz set for cohort A from tomorrow: 20 minutes, one attempt, key after close."""
    now = timezone.now()
    quiz = QuizFactory(attempts_allowed=None, time_limit_minutes=None)
    make_single_choice(quiz)
    member = UserFactory(email="member@example.org")
    instructor = InstructorFactory()
    cohort = CohortFactory(
        course=quiz.course, instructors=[instructor], students=[member]
    )
    assignment = services.assign_quiz(
        cohort=cohort,
        quiz=quiz,
        instructor=instructor,
        opens_at=now + timedelta(days=1),
        due_at=now + timedelta(days=8),
        attempts_allowed=1,
        time_limit_minutes=20,
    )
    return {"quiz": quiz, "member": member, "assignment": assignment, "now": now}


def _second_account(client, captured) -> User:
    """Sign up through the page, as a cohort member making a second account would; the
    confirmation e-mail is queued after commit and sent by its task."""
    with captured() as callbacks:
        response = client.post(
            reverse("accounts:signup"),
            {
                "email": "member.again@example.org",
                "first_name": "Member",
                "last_name": "Again",
                "password1": PASSWORD,
                "password2": PASSWORD,
            },
        )
    assert response.status_code == 302
    assert len(callbacks) == 1
    user = User.objects.get(email="member.again@example.org")
    assert send_verification_email_task(user.pk) == "sent"
    return user


def _verification_link(address: str) -> str:
    [message] = [m for m in mail.outbox if m.to == [address]]
    match = re.search(r"https?://[^/\s]+(/accounts/verify/[^/\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


def _start(user, quiz):
    api = APIClient()
    api.force_authenticate(user)
    return api.post(reverse("api-quiz-attempts", args=[quiz.pk]), {}, format="json")


def test_a_new_account_cannot_take_a_quiz_before_confirming_its_address(
    client, django_capture_on_commit_callbacks
):
    quiz = QuizFactory()  # assigned to nobody: open to every verified student
    make_single_choice(quiz)
    user = _second_account(client, django_capture_on_commit_callbacks)
    assert not user.is_verified

    refused = _start(user, quiz)
    assert refused.status_code == 403
    assert refused.json()["code"] == "email_not_verified"
    assert not Attempt.objects.filter(student=user).exists()
    intro = client.get(reverse("quizzes:intro", args=[quiz.pk])).content.decode()
    assert "Confirm your e-mail address" in intro

    confirmed = client.get(_verification_link(user.email), follow=True)
    assert "Your e-mail address is confirmed." in confirmed.content.decode()
    user.refresh_from_db()
    assert user.is_verified
    assert _start(user, quiz).status_code == 201


def test_a_forged_or_foreign_verification_link_verifies_nothing(
    client, django_capture_on_commit_callbacks
):
    user = _second_account(client, django_capture_on_commit_callbacks)
    link = _verification_link(user.email)
    # The same token after the address changed proves nothing about the new address.
    User.objects.filter(pk=user.pk).update(email="changed@example.org")
    page = client.get(link, follow=True)
    assert "invalid or has expired" in page.content.decode()
    assert client.get(link[:-3] + "xx/", follow=True).status_code == 200
    user.refresh_from_db()
    assert not user.is_verified


def test_a_second_account_cannot_take_an_assigned_quiz_early_or_read_its_key(
    assigned, client, django_capture_on_commit_callbacks
):
    quiz = assigned["quiz"]
    second = _second_account(client, django_capture_on_commit_callbacks)
    client.get(_verification_link(second.email))
    second.refresh_from_db()
    assert second.is_verified

    refused = _start(second, quiz)
    assert refused.status_code == 403
    assert refused.json()["code"] == "not_assigned"
    assert not Attempt.objects.filter(student=second).exists()
    intro = client.get(reverse("quizzes:intro", args=[quiz.pk])).content.decode()
    assert "set for its assigned cohorts only" in intro
    # The page's own start button refuses too, with the reason.
    page = client.post(reverse("quizzes:start", args=[quiz.pk]), follow=True)
    assert "assigned cohorts only" in page.content.decode()
    assert not Attempt.objects.filter(student=second).exists()

    # The member's own account follows the assignment: not before it opens.
    early = _start(assigned["member"], quiz)
    assert early.status_code == 409
    assert early.json()["code"] == "quiz_not_open"


def test_a_quiz_open_to_all_enrolled_holds_outsiders_to_the_strictest_assignment(
    assigned,
):
    quiz = assigned["quiz"]
    now = assigned["now"]
    Quiz.objects.filter(pk=quiz.pk).update(access=Quiz.Access.ENROLLED)
    quiz.refresh_from_db()
    # A second cohort of the course has a laxer assignment: opens now, no limits.
    other = CohortFactory(course=quiz.course, instructors=[InstructorFactory()])
    services.assign_quiz(
        cohort=other,
        quiz=quiz,
        instructor=other.instructors.get(),
        opens_at=now - timedelta(hours=1),
        due_at=now + timedelta(days=3),
    )
    outsider = UserFactory()

    rules = selectors.rules_for(quiz=quiz, student=outsider, now=now)
    assert not rules.outside_assignment
    assert rules.opens_at == assigned["assignment"].opens_at  # the later opening
    assert rules.due_at == now + timedelta(days=3)  # the earlier due date
    assert (rules.attempts_allowed, rules.time_limit_minutes) == (1, 20)
    assert _start(outsider, quiz).status_code == 409  # not open before cohort A

    later = now + timedelta(days=1, minutes=1)
    attempt, created = services.start_attempt(quiz=quiz, student=outsider, now=later)
    assert created
    assert attempt.deadline == later + timedelta(minutes=20)
    services.submit_attempt(attempt=attempt, now=later + timedelta(minutes=5))
    with pytest.raises(NoAttemptsLeft):
        services.start_attempt(quiz=quiz, student=outsider, now=later)


def test_an_unassigned_quiz_stays_open_to_every_verified_student():
    quiz = QuizFactory()
    make_single_choice(quiz)
    rules = selectors.rules_for(quiz=quiz, student=UserFactory())
    assert rules == quiz_rules.Rules()
    assert _start(UserFactory(), quiz).status_code == 201


def test_the_strictest_terms_take_the_latest_opening_and_the_smallest_limits():
    now = timezone.now()
    strict = quiz_rules.strictest(
        [
            quiz_rules.Rules(opens_at=now, due_at=now + timedelta(days=2)),
            quiz_rules.Rules(
                opens_at=now + timedelta(days=1),
                due_at=now + timedelta(days=5),
                attempts_allowed=2,
                time_limit_minutes=30,
            ),
        ]
    )
    assert strict == quiz_rules.Rules(
        opens_at=now + timedelta(days=1),
        due_at=now + timedelta(days=2),
        attempts_allowed=2,
        time_limit_minutes=30,
    )
    assert quiz_rules.strictest([]) is None
