"""The User model's integrity rules and e-mail login."""

import pytest
from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from accounts.models import User
from tests.accounts.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_email_is_unique_whatever_its_case():
    UserFactory(email="ada@example.org")
    with pytest.raises(IntegrityError):
        UserFactory(email="ADA@Example.org")


def test_full_clean_reports_a_duplicate_email_in_another_case():
    UserFactory(email="ada@example.org")
    duplicate = User(email="Ada@EXAMPLE.org", password="x")
    with pytest.raises(ValidationError) as error:
        duplicate.full_clean()
    assert "already exists" in str(error.value)


def test_login_works_with_a_differently_cased_email():
    user = UserFactory(email="grace@example.org")
    assert authenticate(username="GRACE@Example.ORG", password=DEFAULT_PASSWORD) == user


def test_login_fails_with_the_wrong_password():
    UserFactory(email="grace@example.org")
    assert authenticate(username="grace@example.org", password="wrong") is None


def test_unknown_time_zone_is_refused():
    user = UserFactory.build(timezone="Mars/Olympus")
    with pytest.raises(ValidationError) as error:
        user.full_clean(exclude=["password"])
    assert "timezone" in error.value.message_dict


def test_role_must_be_student_or_instructor():
    with pytest.raises(IntegrityError):
        UserFactory(role="admin")
