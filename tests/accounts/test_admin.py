"""The user admin: e-mail instead of username, role, preferences and cohorts."""

import pytest
from django.urls import reverse

from accounts.models import User
from tests.accounts.factories import StaffFactory, UserFactory
from tests.courses.factories import CohortFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(StaffFactory())
    return client


def test_user_changelist_lists_users_by_email(admin_client):
    UserFactory(email="listed@example.org")
    response = admin_client.get(reverse("admin:accounts_user_changelist"))
    assert response.status_code == 200
    assert "listed@example.org" in response.content.decode()


def test_user_change_page_shows_cohorts_read_only(admin_client):
    student = UserFactory()
    CohortFactory(name="Autumn section", students=[student])
    response = admin_client.get(
        reverse("admin:accounts_user_change", args=[student.pk])
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Autumn section" in html
    assert 'name="progress_emails"' in html
    assert 'name="timezone"' in html
    assert 'name="username"' not in html


def test_admin_adds_a_user_by_email(admin_client):
    response = admin_client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "added@example.org",
            "role": "instructor",
            "usable_password": "true",
            "password1": "a sturdy passphrase 42",
            "password2": "a sturdy passphrase 42",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    user = User.objects.get(email="added@example.org")
    assert user.role == User.Role.INSTRUCTOR
    assert user.check_password("a sturdy passphrase 42")


def test_admin_refuses_a_duplicate_email_in_another_case(admin_client):
    UserFactory(email="dupe@example.org")
    response = admin_client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "DUPE@example.org",
            "role": "student",
            "usable_password": "true",
            "password1": "a sturdy passphrase 42",
            "password2": "a sturdy passphrase 42",
        },
    )
    assert response.status_code == 200
    assert User.objects.filter(email__iexact="dupe@example.org").count() == 1
