"""Deep Linking 2.0: the instructor picks a quiz; the platform gets a signed link."""

from __future__ import annotations

import re
from html import unescape

import pytest
import requests
from django.urls import reverse

from tests.lti.conftest import launch, start_login
from tests.lti.platform import DL, INSTRUCTOR, LTI
from tests.quizzes.factories import QuizFactory

pytestmark = pytest.mark.django_db


def _deep_link_launch(client, platform, roles):
    return launch(
        client, platform, sub="t-1", roles=roles, message_type="LtiDeepLinkingRequest"
    )


def test_instructor_picks_a_quiz_and_the_platform_gets_a_link_with_a_line_item(
    client, platform, registration, quiz
):
    QuizFactory(published=False, title="Draft quiz")
    response = _deep_link_launch(client, platform, [INSTRUCTOR])
    assert response.status_code == 302
    assert response["Location"] == reverse("lti:deep-link")

    picker = client.get(reverse("lti:deep-link"))
    assert picker.status_code == 200
    assert quiz.title.encode() in picker.content
    assert b"Draft quiz" not in picker.content
    assert f"frame-ancestors {platform.issuer}" in picker["Content-Security-Policy"]

    answer = client.post(reverse("lti:deep-link"), {"item": f"quiz:{quiz.pk}"})
    assert answer.status_code == 200
    assert f"form-action 'self' {platform.issuer}" in answer["Content-Security-Policy"]
    body = answer.content.decode()
    action = unescape(re.search(r'action="([^"]+)" data-autosubmit', body)[1])
    token = re.search(r'name="JWT" value="([^"]+)"', body)[1]
    assert action == f"{platform.base}/deep_link_return"

    # The browser posts it to the platform, which verifies it with the tool's JWKS.
    platform.tool_jwks = client.get(reverse("lti:jwks")).json()
    assert requests.post(action, data={"JWT": token}, timeout=5).status_code == 200
    message = platform.deep_link_responses[0]
    assert message["iss"] == platform.client_id
    assert message[LTI + "message_type"] == "LtiDeepLinkingResponse"
    assert message[LTI + "deployment_id"] == platform.deployment_id
    assert message[DL + "data"] == "opaque-platform-data"
    (item,) = message[DL + "content_items"]
    assert item["type"] == "ltiResourceLink"
    assert item["url"] == "http://testserver" + reverse("lti:launch")
    assert item["custom"] == {"tradeoffs_quiz": str(quiz.pk)}
    assert item["lineItem"]["scoreMaximum"] == 100
    assert item["lineItem"]["label"] == quiz.title

    # A student launching the new link lands in the quiz.
    client.logout()
    opened = launch(
        client,
        platform,
        sub="s-9",
        custom=item["custom"],
        lineitem=platform.lineitem_url(7),
        resource_link_id="link-from-deep-link",
    )
    assert opened["Location"] == reverse("quizzes:intro", kwargs={"pk": quiz.pk})


def test_a_learner_gets_no_picker(client, platform, registration, quiz):
    response = _deep_link_launch(client, platform, None)
    assert response.status_code == 403
    assert b"not_instructor" in response.content
    # The refused launch signed no one in.
    assert client.get(reverse("lti:deep-link"))["Location"].startswith(
        reverse("accounts:login")
    )


def test_a_bad_pick_is_a_400(client, platform, registration, quiz):
    _deep_link_launch(client, platform, [INSTRUCTOR])
    response = client.post(reverse("lti:deep-link"), {"item": "quiz:999999"})
    assert response.status_code == 400


def test_the_picker_finds_its_launch_over_https(client, platform, registration, quiz):
    login = start_login(client, platform, secure=True)
    token = platform.id_token(
        nonce=login.nonce,
        sub="t-1",
        roles=[INSTRUCTOR],
        message_type="LtiDeepLinkingRequest",
    )
    launched = client.post(
        login.redirect_uri, {"id_token": token, "state": login.state}, secure=True
    )
    assert launched.status_code == 302

    picker = client.get(reverse("lti:deep-link"), secure=True)

    assert picker.status_code == 200
    assert quiz.title.encode() in picker.content
