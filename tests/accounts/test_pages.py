"""Sign up, log in and out, password reset and the profile page."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import User
from accounts.tasks import send_password_reset_task
from tests.accounts.factories import DEFAULT_PASSWORD, InstructorFactory, UserFactory
from tests.helpers.queue import take_queued

pytestmark = pytest.mark.django_db

STRONG = "a sturdy passphrase 42"
RESET_TASK = send_password_reset_task.name


def _signup_data(**overrides):
    data = {
        "email": "new@example.org",
        "first_name": "Ada",
        "last_name": "Lovelace",
        "password1": STRONG,
        "password2": STRONG,
    }
    return {**data, **overrides}


def test_signup_creates_a_student_and_logs_them_in(client):
    response = client.post(reverse("accounts:signup"), _signup_data(), follow=True)
    user = User.objects.get(email="new@example.org")
    assert user.role == User.Role.STUDENT
    assert response.context["user"] == user
    assert response.redirect_chain[-1][0] == reverse("courses:catalogue")
    assert "Welcome" in response.content.decode()


def test_signup_ignores_a_role_sent_in_the_form(client):
    client.post(
        reverse("accounts:signup"), _signup_data(role="instructor", is_staff="on")
    )
    user = User.objects.get(email="new@example.org")
    assert user.role == User.Role.STUDENT
    assert not user.is_staff


def test_signup_with_an_email_taken_in_another_case_shows_a_form_error(client):
    UserFactory(email="taken@example.org")
    response = client.post(
        reverse("accounts:signup"), _signup_data(email="Taken@EXAMPLE.org")
    )
    assert response.status_code == 200
    assert "email" in response.context["form"].errors
    assert "already exists" in response.content.decode()
    assert User.objects.count() == 1


def test_signup_with_different_passwords_shows_a_form_error(client):
    response = client.post(
        reverse("accounts:signup"), _signup_data(password2="other one 42")
    )
    assert "password2" in response.context["form"].errors
    assert not User.objects.filter(email="new@example.org").exists()


def test_login_with_a_differently_cased_email(client):
    user = UserFactory(email="mixed@example.org")
    response = client.post(
        reverse("accounts:login"),
        {"username": "MIXED@example.org", "password": DEFAULT_PASSWORD},
        follow=True,
    )
    assert response.context["user"] == user
    assert response.redirect_chain[-1][0] == reverse("courses:catalogue")


def test_login_with_a_wrong_password_says_so(client):
    UserFactory(email="someone@example.org")
    response = client.post(
        reverse("accounts:login"),
        {"username": "someone@example.org", "password": "nope"},
    )
    assert response.status_code == 200
    assert "do not match" in response.content.decode()


def test_logout_requires_post(client):
    client.force_login(UserFactory())
    assert client.get(reverse("accounts:logout")).status_code == 405
    response = client.post(reverse("accounts:logout"), follow=True)
    assert not response.context["user"].is_authenticated
    assert "logged out" in response.content.decode()


def test_password_reset_sends_a_working_link(client):
    user = UserFactory(email="forgetful@example.org")
    response = client.post(
        reverse("accounts:password_reset"), {"email": "Forgetful@example.org"}
    )
    assert response.status_code == 302
    # The page only queues the e-mail (tests/security/test_password_reset.py); the
    # task, run here as a plain function, looks the account up and sends it.
    (queued,) = take_queued(RESET_TASK)
    assert send_password_reset_task(*queued) == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["forgetful@example.org"]
    link = re.search(r"https?://[^/\s]+(/\S+)", message.body).group(1)

    # The first visit swaps the token for a session key and redirects to a set-password URL.
    confirm = client.get(link, follow=True)
    assert confirm.context["validlink"] is True
    form_url = confirm.redirect_chain[-1][0]
    done = client.post(
        form_url,
        {
            "new_password1": "brand new passphrase 7",
            "new_password2": "brand new passphrase 7",
        },
        follow=True,
    )
    assert done.redirect_chain[-1][0] == reverse("accounts:password_reset_complete")
    user.refresh_from_db()
    assert user.check_password("brand new passphrase 7")


def test_password_reset_for_an_unknown_email_sends_nothing(client):
    response = client.post(
        reverse("accounts:password_reset"), {"email": "nobody@example.org"}
    )
    assert response.status_code == 302
    (queued,) = take_queued(RESET_TASK)
    assert send_password_reset_task(*queued) == 0
    assert mail.outbox == []


def test_profile_requires_login(client):
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_profile_saves_name_time_zone_and_email_preference(client):
    user = UserFactory(timezone="UTC", progress_emails=True)
    client.force_login(user)
    response = client.post(
        reverse("accounts:profile"),
        {"first_name": "Grace", "last_name": "Hopper", "timezone": "America/New_York"},
        follow=True,
    )
    user.refresh_from_db()
    assert (user.first_name, user.timezone, user.progress_emails) == (
        "Grace",
        "America/New_York",
        False,
    )
    assert "saved" in response.content.decode()


def test_profile_refuses_an_unknown_time_zone(client):
    user = UserFactory(timezone="UTC")
    client.force_login(user)
    response = client.post(reverse("accounts:profile"), {"timezone": "Mars/Base"})
    assert response.status_code == 200
    assert "timezone" in response.context["form"].errors


def test_instructor_sees_the_instructor_link(client):
    client.force_login(InstructorFactory())
    assert 'href="/instructor/"' in client.get(reverse("home")).content.decode()


def test_student_does_not_see_the_instructor_link(client):
    client.force_login(UserFactory())
    assert 'href="/instructor/"' not in client.get(reverse("home")).content.decode()
