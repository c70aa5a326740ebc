"""Fixtures of the LTI tests: a running platform simulator registered with the tool."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.cache import cache
from django.urls import reverse
from lti_tool.models import LtiDeployment, LtiRegistration

from tests.lti.platform import Platform
from tests.quizzes.factories import QuizFactory, make_single_choice


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def platform():
    simulator = Platform().start()
    yield simulator
    simulator.stop()


@pytest.fixture
def registration(db, platform):
    registration = LtiRegistration.objects.create(
        name="Simulated LMS",
        issuer=platform.issuer,
        client_id=platform.client_id,
        auth_url=platform.auth_url,
        token_url=platform.token_url,
        keyset_url=platform.jwks_url,
    )
    LtiDeployment.objects.create(
        registration=registration, deployment_id=platform.deployment_id, is_active=True
    )
    return registration


@pytest.fixture
def quiz(db):
    quiz = QuizFactory(title="Borders and rights")
    make_single_choice(quiz)
    return quiz


@dataclass
class Login:
    state: str
    nonce: str
    redirect_uri: str


def start_login(client, platform, *, secure: bool = False) -> Login:
    """The platform's login initiation; the tool answers with a redirect to auth."""
    response = client.post(
        reverse("lti:login"),
        platform.login_params("http://testserver" + reverse("lti:launch")),
        secure=secure,
    )
    assert response.status_code == 302, response.content
    location = urlsplit(response["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == platform.auth_url
    query = {k: v[0] for k, v in parse_qs(location.query).items()}
    assert query["response_type"] == "id_token"
    assert query["scope"] == "openid"
    assert query["response_mode"] == "form_post"
    assert query["prompt"] == "none"
    assert query["client_id"] == platform.client_id
    assert query["login_hint"] == "opaque-login-hint"
    return Login(query["state"], query["nonce"], query["redirect_uri"])


def launch(client, platform, **claims):
    """OIDC login, then the id_token posted to the tool's launch URL."""
    login = start_login(client, platform)
    token = platform.id_token(
        nonce=login.nonce, target_link_uri=login.redirect_uri, **claims
    )
    return client.post(login.redirect_uri, {"id_token": token, "state": login.state})


def quiz_claims(quiz, platform, **extra) -> dict:
    return {
        "custom": {"tradeoffs_quiz": str(quiz.pk)},
        "lineitem": platform.lineitem_url(1),
        **extra,
    }
