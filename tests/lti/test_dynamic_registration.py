"""LTI Dynamic Registration 1.0 from a one-time link, then a launch through it."""

from __future__ import annotations

import pytest
from django.urls import reverse
from lti_tool.models import LtiRegistration

from lti.models import RegistrationInvite
from tests.lti.conftest import launch, quiz_claims
from tests.lti.platform_http import TOOL_CONFIG

pytestmark = pytest.mark.django_db


def _register(client, platform, invite, **params):
    query = {
        "openid_configuration": f"{platform.base}/.well-known/openid-configuration",
        "registration_token": platform.registration_token,
        **params,
    }
    return client.get(invite.get_absolute_url(), query)


def test_an_lms_registers_the_tool_from_the_link_and_launches(client, platform, quiz):
    invite = RegistrationInvite.objects.create(note="Simulated LMS")

    response = _register(client, platform, invite)

    assert response.status_code == 200, response.content[:300]
    assert b"data-lti-registered" in response.content
    (sent,) = platform.registration_requests
    assert sent["initiate_login_uri"] == "http://testserver" + reverse("lti:login")
    assert sent["jwks_uri"] == "http://testserver" + reverse("lti:jwks")
    assert sent["token_endpoint_auth_method"] == "private_key_jwt"
    assert sent[TOOL_CONFIG]["target_link_uri"].endswith(reverse("lti:launch"))
    registration = LtiRegistration.objects.get()
    assert (registration.issuer, registration.client_id) == (
        platform.issuer,
        platform.client_id,
    )
    assert registration.deployments.get().is_active
    assert launch(client, platform, **quiz_claims(quiz, platform)).status_code == 302

    # The link works once.
    assert _register(client, platform, invite).status_code == 400
    assert len(platform.registration_requests) == 1


def test_a_refused_registration_token_is_a_clear_400(client, platform):
    invite = RegistrationInvite.objects.create()
    response = _register(client, platform, invite, registration_token="wrong")
    assert response.status_code == 400
    assert b"HTTP 401" in response.content
    assert not LtiRegistration.objects.exists()
    invite.refresh_from_db()
    assert invite.used_at is None


def test_a_configuration_outside_its_issuer_is_refused(client, platform):
    invite = RegistrationInvite.objects.create()
    platform.openid_configuration = lambda: {
        **type(platform).openid_configuration(platform),
        "issuer": "https://elsewhere.example",
    }
    response = _register(client, platform, invite)
    assert response.status_code == 400
    assert not LtiRegistration.objects.exists()


def test_an_unknown_link_registers_nothing(client, platform):
    response = client.get(reverse("lti:register", kwargs={"token": "nope"}))
    assert response.status_code == 400
    assert platform.registration_requests == []
