"""Resource-link launches through the simulated platform, and every refusal."""

from __future__ import annotations

import re
import time
from html import unescape

import pytest
from django.conf import settings
from django.urls import reverse
from lti_tool.models import LtiUser

from accounts.models import User
from courses.models import CohortMembership, Enrollment
from lti.models import ContextCohort
from tests.accounts.factories import UserFactory
from tests.lti.conftest import launch, quiz_claims, start_login
from tests.lti.platform import INSTRUCTOR, TA

pytestmark = pytest.mark.django_db


def _launched_user(platform, sub: str) -> User:
    return LtiUser.objects.get(registration__issuer=platform.issuer, sub=sub).auth_user


def test_learner_launch_signs_in_enrols_and_opens_the_quiz(
    client, platform, registration, quiz
):
    response = launch(client, platform, sub="s-1", **quiz_claims(quiz, platform))

    assert response.status_code == 302
    assert response["Location"] == reverse("quizzes:intro", kwargs={"pk": quiz.pk})
    user = _launched_user(platform, "s-1")
    assert user.role == User.Role.STUDENT
    assert Enrollment.objects.filter(user=user, course=quiz.course).exists()
    cohort = ContextCohort.objects.get().cohort
    assert "Migration Policy 101" in cohort.name
    assert CohortMembership.objects.filter(cohort=cohort, student=user).exists()
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert page.wsgi_request.user == user


def test_the_quiz_page_may_be_framed_by_the_platform_only(
    client, platform, registration, quiz
):
    response = launch(client, platform, sub="s-1", **quiz_claims(quiz, platform))
    page = client.get(response["Location"])

    assert f"frame-ancestors {platform.issuer}" in page["Content-Security-Policy"]
    assert "X-Frame-Options" not in page
    # The frame-friendly layout: the LMS has the navigation.
    assert b"lti-embedded.css" in page.content
    # Pages outside the launch's reach keep the site's policy.
    other = client.get(reverse("home"))
    assert "frame-ancestors 'none'" in other["Content-Security-Policy"]
    assert other["X-Frame-Options"] == "DENY"
    assert b"lti-embedded.css" not in other.content


def test_instructor_and_teaching_assistant_teach_the_mirrored_cohort(
    client, platform, registration, quiz
):
    launch(
        client, platform, sub="t-1", roles=[INSTRUCTOR], **quiz_claims(quiz, platform)
    )
    client.logout()
    launch(client, platform, sub="ta-1", roles=[TA], **quiz_claims(quiz, platform))

    cohort = ContextCohort.objects.get().cohort
    teacher, assistant = (
        _launched_user(platform, "t-1"),
        _launched_user(platform, "ta-1"),
    )
    assert set(cohort.instructors.all()) == {teacher, assistant}
    assert teacher.role == User.Role.INSTRUCTOR
    assert not cohort.memberships.exists()


def test_email_is_not_identity(client, platform, registration, quiz):
    existing = UserFactory(email="shared@example.edu")

    launch(client, platform, sub="s-1", **quiz_claims(quiz, platform))
    client.logout()
    launch(client, platform, sub="s-2", **quiz_claims(quiz, platform))

    first, second = _launched_user(platform, "s-1"), _launched_user(platform, "s-2")
    assert len({existing.pk, first.pk, second.pk}) == 3
    client.logout()
    launch(client, platform, sub="s-1", **quiz_claims(quiz, platform))
    assert _launched_user(platform, "s-1") == first


def _refusal(response, code: str, status: int = 403) -> None:
    assert response.status_code == status, response.content[:300]
    assert code.encode() in response.content
    assert b"What to do" in response.content


def test_replayed_launch_is_refused(client, platform, registration, quiz, caplog):
    login = start_login(client, platform)
    token = platform.id_token(nonce=login.nonce, **quiz_claims(quiz, platform))
    first = client.post(login.redirect_uri, {"id_token": token, "state": login.state})
    assert first.status_code == 302

    again = client.post(login.redirect_uri, {"id_token": token, "state": login.state})

    _refusal(again, "replayed")
    assert "LTI launch refused (replayed)" in caplog.text


def test_nonce_the_tool_never_issued_is_refused(client, platform, registration, quiz):
    login = start_login(client, platform)
    token = platform.id_token(nonce="made-up", **quiz_claims(quiz, platform))

    response = client.post(
        login.redirect_uri, {"id_token": token, "state": login.state}
    )

    _refusal(response, "replayed")


def test_blocked_cookie_offers_a_new_window(client, platform, registration, quiz):
    login = start_login(client, platform)
    token = platform.id_token(nonce=login.nonce, **quiz_claims(quiz, platform))
    client.cookies.clear()  # what a browser blocking third-party cookies sends

    response = client.post(
        login.redirect_uri, {"id_token": token, "state": login.state}
    )

    assert response.status_code == 400
    assert b"Open in a new window" in response.content
    assert b'target="_blank"' in response.content
    assert f"frame-ancestors {platform.issuer}" in response["Content-Security-Policy"]
    # The link restarts the login at the top level, where the cookie is kept.
    link = re.search(r'href="(/lti/login/\?[^"]+)"', response.content.decode())[1]
    restarted = client.get(unescape(link))
    assert restarted.status_code == 302
    assert restarted["Location"].startswith(platform.auth_url)


def test_state_the_tool_never_issued_is_refused(client, platform, registration, quiz):
    login = start_login(client, platform)
    token = platform.id_token(nonce=login.nonce, **quiz_claims(quiz, platform))

    response = client.post(
        login.redirect_uri, {"id_token": token, "state": "state-forged"}
    )

    _refusal(response, "bad_state")


def test_wrong_audience_is_refused(client, platform, registration, quiz):
    response = launch(
        client, platform, aud="someone-else", **quiz_claims(quiz, platform)
    )
    # pylti1p3 finds no registration for another client id; the audience check
    # below covers a token naming us among others without saying it is for us.
    _refusal(response, "unknown_platform")

    response = launch(
        client,
        platform,
        aud=[platform.client_id, "someone-else"],
        azp="someone-else",
        **quiz_claims(quiz, platform),
    )
    _refusal(response, "bad_token")


def test_expired_token_is_refused(client, platform, registration, quiz):
    past = int(time.time()) - 3600
    response = launch(
        client, platform, iat=past, exp=past + 300, **quiz_claims(quiz, platform)
    )
    _refusal(response, "expired")


def test_small_clock_skew_is_tolerated(client, platform, registration, quiz):
    now = int(time.time())
    response = launch(
        client, platform, iat=now + 20, exp=now - 20, **quiz_claims(quiz, platform)
    )
    assert response.status_code == 302


def test_unknown_kid_fetches_the_key_set_again(
    client, platform, registration, quiz, settings
):
    assert launch(client, platform, **quiz_claims(quiz, platform)).status_code == 302
    assert platform.jwks_requests == 1

    # The platform signs with a key it has not published yet: refused, clearly.
    platform.rotate_key(publish=False)
    client.logout()
    _refusal(launch(client, platform, **quiz_claims(quiz, platform)), "unknown_key")
    assert platform.jwks_requests == 2

    # A second unknown key moments later does not hammer the platform's JWKS.
    client.logout()
    _refusal(launch(client, platform, **quiz_claims(quiz, platform)), "unknown_key")
    assert platform.jwks_requests == 2

    # Once the key appears at the JWKS (and the refresh pause is over), it works.
    platform.publish_pending()
    settings.LTI_JWKS_REFRESH_SECONDS = 0
    client.logout()
    response = launch(client, platform, **quiz_claims(quiz, platform))
    assert response.status_code == 302
    assert platform.jwks_requests == 3


def test_unregistered_deployment_is_refused(client, platform, registration, quiz):
    platform.deployment_id = "not-registered"

    response = launch(client, platform, **quiz_claims(quiz, platform))

    _refusal(response, "unknown_deployment")
    # Recorded, inactive, for the admin to switch on if it is theirs.
    assert (
        registration.deployments.get(deployment_id="not-registered").is_active is False
    )


def test_unknown_platform_login_is_refused(client, platform, registration):
    params = platform.login_params("http://testserver/lti/launch/")
    params["iss"] = "https://unknown.example"

    response = client.post(reverse("lti:login"), params)

    _refusal(response, "unknown_platform")


def test_missing_id_token_is_a_400(client, registration):
    _refusal(client.post(reverse("lti:launch"), {"state": "x"}), "bad_message", 400)


def test_jwks_and_configuration_are_published(client, registration):
    jwks = client.get(reverse("lti:jwks")).json()
    assert jwks["keys"] and jwks["keys"][0]["alg"] == "RS256"
    assert "d" not in jwks["keys"][0]
    config = client.get(reverse("lti:config")).json()
    assert config["oidc_initiation_url"].endswith("/lti/login/")
    assert config["target_link_uri"].endswith("/lti/launch/")
    assert config["jwks_uri"].endswith("/lti/jwks/")


def test_unsupported_message_type_is_a_clear_400(client, platform, registration, quiz):
    response = launch(
        client,
        platform,
        message_type="LtiSubmissionReviewRequest",
        **quiz_claims(quiz, platform),
    )
    _refusal(response, "bad_message", 400)


def test_spent_nonces_are_forgotten_once_expired(client, platform, registration, quiz):
    from datetime import timedelta

    from django.utils import timezone

    from lti import tasks
    from lti.models import UsedLaunchValue

    launch(client, platform, **quiz_claims(quiz, platform))
    assert UsedLaunchValue.objects.count() == 2  # the nonce and the state
    assert tasks.forget_used_launch_values() == 0
    UsedLaunchValue.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert tasks.forget_used_launch_values() == 2


def test_over_https_the_cookies_work_inside_the_lms_frame(
    client, platform, registration, quiz
):
    login = start_login(client, platform, secure=True)
    token = platform.id_token(nonce=login.nonce, **quiz_claims(quiz, platform))
    response = client.post(
        login.redirect_uri, {"id_token": token, "state": login.state}, secure=True
    )
    assert response.status_code == 302
    session = response.cookies[settings.SESSION_COOKIE_NAME]
    assert (session["samesite"], session["secure"]) == ("None", True)

    page = client.get(response["Location"], secure=True)
    csrf = page.cookies[settings.CSRF_COOKIE_NAME]
    assert (csrf["samesite"], csrf["secure"]) == ("None", True)
