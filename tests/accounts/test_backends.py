"""The session's user: found by primary key, as Django's ModelBackend finds it."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.backends import EmailBackend
from accounts.models import User
from tests.accounts.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_get_user_returns_the_whole_user_in_one_query():
    user = UserFactory(timezone="Europe/Lisbon")

    with CaptureQueriesContext(connection) as queries:
        found = EmailBackend().get_user(str(user.pk))

    assert len(queries) == 1
    assert found == User.objects.get(pk=user.pk)
    assert (found.email, found.role, found.timezone) == (
        user.email,
        User.Role.STUDENT,
        "Europe/Lisbon",
    )
    assert found.check_password(DEFAULT_PASSWORD)
    assert not found.get_deferred_fields()


@pytest.mark.parametrize("user_id", ["0", "not-a-number", ""])
def test_get_user_of_no_such_user_is_none(user_id):
    assert EmailBackend().get_user(user_id) is None


def test_get_user_of_a_deactivated_user_is_none():
    user = UserFactory(is_active=False)
    assert EmailBackend().get_user(user.pk) is None


def test_a_signed_in_page_still_knows_its_user(client):
    user = UserFactory()
    client.force_login(user)
    response = client.get("/accounts/profile/")
    assert response.status_code == 200
    assert response.wsgi_request.user == user
