"""The sign-up confirmation e-mail: queued after commit, sent by a task, retried."""

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import User
from accounts.tasks import send_verification_email_task
from tests.accounts.factories import UserFactory
from tests.progress.smtp import free_port

pytestmark = pytest.mark.django_db

STRONG = "a sturdy passphrase 42"


def _signup(client, captured):
    with captured() as callbacks:
        response = client.post(
            reverse("accounts:signup"),
            {
                "email": "new@example.org",
                "first_name": "Ada",
                "last_name": "Lovelace",
                "password1": STRONG,
                "password2": STRONG,
            },
        )
    return response, callbacks


def test_signup_queues_the_link_and_a_mail_outage_fails_only_the_task(
    client, django_capture_on_commit_callbacks, settings
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = free_port()  # nobody listens: the mail server is down
    response, callbacks = _signup(client, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert len(callbacks) == 1
    user = User.objects.get(email="new@example.org")
    assert not user.is_verified
    # The task raises, so Celery retries it (autoretry_for OSError).
    with pytest.raises(OSError):
        send_verification_email_task(user.pk)


def test_the_task_sends_once_and_not_to_a_confirmed_address(
    client, django_capture_on_commit_callbacks
):
    _signup(client, django_capture_on_commit_callbacks)
    user = User.objects.get(email="new@example.org")
    assert send_verification_email_task(user.pk) == "sent"
    [message] = mail.outbox
    assert message.to == ["new@example.org"]
    assert "/accounts/verify/" in message.body
    assert send_verification_email_task(UserFactory().pk) == "nothing to send"


def test_resend_from_the_profile_sends_a_new_link(client):
    user = UserFactory(email_verified_at=None)
    client.force_login(user)
    page = client.get(reverse("accounts:profile")).content.decode()
    assert "Send the link again" in page
    response = client.post(reverse("accounts:resend_verification"), follow=True)
    assert "We sent a new confirmation link" in response.content.decode()
    assert [m.to for m in mail.outbox] == [[user.email]]
