"""The me/ endpoint: read and change one's own account."""

import pytest
from django.urls import reverse

from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_me_needs_authentication(api_client):
    assert api_client.get(reverse("api-me")).status_code in (401, 403)
    assert api_client.patch(reverse("api-me"), {"timezone": "UTC"}).status_code in (
        401,
        403,
    )


def test_me_returns_the_signed_in_user(api_client):
    user = UserFactory(
        email="me@example.org", first_name="Me", timezone="Europe/Berlin"
    )
    api_client.force_authenticate(user)
    response = api_client.get(reverse("api-me"))
    assert response.status_code == 200
    assert response.json() == {
        "email": "me@example.org",
        "first_name": "Me",
        "last_name": user.last_name,
        "role": "student",
        "progress_emails": True,
        "timezone": "Europe/Berlin",
    }


def test_me_patch_changes_name_timezone_and_email_preference(api_client):
    user = UserFactory()
    api_client.force_authenticate(user)
    response = api_client.patch(
        reverse("api-me"),
        {"first_name": "New", "timezone": "Asia/Tokyo", "progress_emails": False},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["timezone"] == "Asia/Tokyo"
    user.refresh_from_db()
    assert (user.first_name, user.timezone, user.progress_emails) == (
        "New",
        "Asia/Tokyo",
        False,
    )


def test_me_patch_refuses_an_unknown_timezone(api_client):
    user = UserFactory(timezone="UTC")
    api_client.force_authenticate(user)
    response = api_client.patch(
        reverse("api-me"), {"timezone": "Mars/Base"}, format="json"
    )
    assert response.status_code == 400
    assert "timezone" in response.json()
    user.refresh_from_db()
    assert user.timezone == "UTC"


def test_me_patch_cannot_change_role_or_email(api_client):
    user = UserFactory(email="fixed@example.org")
    api_client.force_authenticate(user)
    response = api_client.patch(
        reverse("api-me"),
        {"role": "instructor", "email": "other@example.org"},
        format="json",
    )
    assert response.status_code == 200
    user.refresh_from_db()
    assert (user.role, user.email) == ("student", "fixed@example.org")


def test_me_put_is_not_allowed(api_client):
    api_client.force_authenticate(UserFactory())
    assert api_client.put(reverse("api-me"), {}, format="json").status_code == 405
