"""Signing up students and changing preferences."""

import pytest
from django.core.exceptions import ValidationError

from accounts import services
from accounts.models import User
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

STRONG = "a sturdy passphrase 42"


def test_register_student_creates_a_student_who_can_log_in():
    user = services.register_student(
        email="new@Example.org", password=STRONG, first_name=" Ada ", last_name="L"
    )
    user.refresh_from_db()
    assert user.role == User.Role.STUDENT
    assert user.email == "new@example.org"
    assert user.first_name == "Ada"
    assert user.check_password(STRONG)


def test_register_student_refuses_an_email_taken_in_another_case():
    UserFactory(email="taken@example.org")
    with pytest.raises(ValidationError) as error:
        services.register_student(email="TAKEN@example.org", password=STRONG)
    assert "email" in error.value.message_dict
    assert User.objects.count() == 1


def test_register_student_refuses_a_weak_password():
    with pytest.raises(ValidationError):
        services.register_student(email="weak@example.org", password="123")
    assert not User.objects.exists()


def test_update_preferences_changes_only_given_fields():
    user = UserFactory(first_name="Old", timezone="UTC", progress_emails=True)
    services.update_preferences(
        user=user, timezone="Europe/Paris", progress_emails=False
    )
    user.refresh_from_db()
    assert (user.first_name, user.timezone, user.progress_emails) == (
        "Old",
        "Europe/Paris",
        False,
    )


def test_update_preferences_refuses_an_unknown_time_zone():
    user = UserFactory(timezone="UTC")
    with pytest.raises(ValidationError):
        services.update_preferences(user=user, timezone="Nowhere/Land")
    user.refresh_from_db()
    assert user.timezone == "UTC"
