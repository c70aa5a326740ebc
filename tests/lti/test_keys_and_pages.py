"""Key rotation, and the query counts of the tool's pages."""

from __future__ import annotations

import jwt
import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from jwcrypto.jwk import JWK
from lti_tool.models import Key, LtiUser

from lti.keys import ensure_signing_key
from lti.models import ContextCohort, Score
from tests.accounts.factories import UserFactory
from tests.lti.conftest import launch, quiz_claims
from tests.lti.platform import INSTRUCTOR
from tests.quizzes.factories import QuizFactory

pytestmark = pytest.mark.django_db


def _verify(token: str, jwks: dict) -> dict:
    kid = jwt.get_unverified_header(token)["kid"]
    key = next(k for k in jwks["keys"] if k["kid"] == kid)
    return jwt.decode(
        token,
        JWK(**key).export_to_pem(),
        algorithms=["RS256"],
        options={"verify_aud": False},
    )


def test_rotating_keys_keeps_the_previous_key_published(client, platform, registration):
    ensure_signing_key()
    old = Key.objects.get()
    old_registration = registration.to_registration()
    signed_before = jwt.encode(
        {"iss": "tool"},
        old_registration.get_tool_private_key(),
        algorithm="RS256",
        headers={"kid": old_registration.get_kid()},
    )

    call_command("rotate_keys")

    jwks = client.get(reverse("lti:jwks")).json()
    assert len(jwks["keys"]) == 2
    # What was signed with the previous key still verifies against our JWKS...
    assert _verify(signed_before, jwks)["iss"] == "tool"
    # ...and new signatures use the new key.
    new_kid = registration.to_registration().get_kid()
    assert new_kid != old_registration.get_kid()
    assert {k["kid"] for k in jwks["keys"]} == {new_kid, str(old)}


def _deep_link_picker_queries(client, platform, courses: int) -> int:
    for _ in range(courses):
        QuizFactory()
    launch(
        client,
        platform,
        sub="t",
        roles=[INSTRUCTOR],
        message_type="LtiDeepLinkingRequest",
    )
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("lti:deep-link")).status_code == 200
    client.logout()
    return len(queries)


def test_picker_queries_do_not_grow_with_the_catalogue(client, platform, registration):
    assert _deep_link_picker_queries(client, platform, 1) == _deep_link_picker_queries(
        client, platform, 6
    )


def _scores_page_queries(client, platform, quiz, rows: int) -> int:
    link = ContextCohort.objects.get()
    teacher = LtiUser.objects.get(sub="t-1")
    for _ in range(rows):
        Score.objects.create(
            registration=link.context.deployment.registration,
            lti_user=teacher,
            context=link.context,
            quiz=quiz,
            student=UserFactory(),
            lineitem_url=platform.lineitem_url(1),
            score_given=50,
            score_maximum=100,
            timestamp="2026-01-01T00:00:00Z",
            state=Score.State.FAILED,
            last_error="score: HTTP 401",
        )
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("lti:scores"))
    assert page.status_code == 200
    assert page.content.count(b"HTTP 401") == Score.objects.count()
    return len(queries)


def test_scores_page_queries_do_not_grow_with_rows(
    client, platform, registration, quiz
):
    launch(
        client, platform, sub="t-1", roles=[INSTRUCTOR], **quiz_claims(quiz, platform)
    )
    assert _scores_page_queries(client, platform, quiz, 1) == _scores_page_queries(
        client, platform, quiz, 5
    )


def test_admin_pages_of_the_tool_open(client):
    from tests.accounts.factories import StaffFactory

    client.force_login(StaffFactory())
    for name in (
        "admin:lti_registrationinvite_add",
        "admin:lti_registrationinvite_changelist",
        "admin:lti_score_changelist",
        "admin:lti_contextcohort_changelist",
        "admin:lti_linkedresource_changelist",
        "admin:lti_tool_ltiregistration_add",
    ):
        assert client.get(reverse(name)).status_code == 200, name
