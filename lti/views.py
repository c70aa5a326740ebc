"""The tool's public LTI endpoints: JWKS, configuration, OIDC login and launch."""

from __future__ import annotations

import logging
from urllib.parse import parse_qs, urlsplit

from django.contrib.auth import login
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods
from lti_tool.models import Key, LtiLaunch
from pylti1p3.contrib.django import DjangoCacheDataStorage, DjangoOIDCLogin
from pylti1p3.exception import LtiException, OIDCException

from . import embedding, placement
from .errors import LaunchRefused
from .keys import ensure_signing_key
from .launch import ToolConfig, validated_launch

logger = logging.getLogger("tradeoffs.lti")

LAUNCH_SESSION_KEY = "lti_launch_id"
LOGIN_CACHE_PREFIX = "lti-login:"
LOGIN_SECONDS = 300
AUTH_BACKEND = "accounts.backends.EmailBackend"


def new_window(request: HttpRequest, login_params: str) -> HttpResponse:
    """The browser withheld our cookie inside the LMS frame: offer a new window."""
    logger.info("LTI launch without its state cookie: offering a new window")
    response = render(
        request,
        "lti/new_window.html",
        {"login_url": f"{reverse('lti:login')}?{login_params}"},
        status=400,
    )
    return embedding.allow_framing(response, embedding.all_platform_origins())


def refused(request: HttpRequest, refusal: LaunchRefused) -> HttpResponse:
    """A 4xx page saying what failed and what to tell the LMS admin; logged."""
    logger.warning(
        "LTI launch refused (%s): %s [%s %s]",
        refusal.code,
        refusal.detail,
        request.method,
        request.path,
    )
    status = 400 if refusal.code in ("bad_message", "no_launch") else 403
    response = render(
        request,
        "lti/refused.html",
        {"refusal": refusal},
        status=status,
    )
    return embedding.allow_framing(response, embedding.all_platform_origins())


@require_GET
def jwks(request: HttpRequest) -> JsonResponse:
    """Our public keys: every active key, so tokens signed before a rotation verify."""
    ensure_signing_key()
    return JsonResponse(Key.objects.as_jwks())


@require_GET
def tool_configuration(request: HttpRequest) -> JsonResponse:
    """What an LMS admin pastes or reads when adding the tool (LTI 1.3 fields)."""

    def url(name: str) -> str:
        return request.build_absolute_uri(reverse(name))

    return JsonResponse(
        {
            "title": "Tradeoffs",
            "description": "Policy-education lessons and quizzes.",
            "oidc_initiation_url": url("lti:login"),
            "target_link_uri": url("lti:launch"),
            "redirect_uris": [url("lti:launch")],
            "jwks_uri": url("lti:jwks"),
            "domain": request.get_host(),
            "deep_linking_url": url("lti:launch"),
            "scopes": [
                "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
                "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly",
                "https://purl.imsglobal.org/spec/lti-ags/scope/score",
                "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly",
            ],
            "claims": ["iss", "sub", "name", "given_name", "family_name"],
            "messages": [
                {"type": "LtiResourceLinkRequest"},
                {"type": "LtiDeepLinkingRequest"},
            ],
        }
    )


@csrf_exempt
@require_http_methods(["GET", "POST"])
def oidc_login(request: HttpRequest) -> HttpResponse:
    """Third-party initiated login: check the platform, send the browser to its auth."""
    oidc = DjangoOIDCLogin(
        request, ToolConfig(), launch_data_storage=DjangoCacheDataStorage()
    )
    try:
        response = oidc.redirect(request.build_absolute_uri(reverse("lti:launch")))
    except (OIDCException, LtiException) as exc:
        return refused(request, LaunchRefused("unknown_platform", str(exc)))
    # Kept for the new-window fallback: a launch whose state cookie the browser
    # withheld (third-party cookies blocked) can restart the login in a window.
    state = parse_qs(urlsplit(response["Location"]).query).get("state", [""])[0]
    params = request.POST if request.method == "POST" else request.GET
    cache.set(f"{LOGIN_CACHE_PREFIX}{state}", params.urlencode(), LOGIN_SECONDS)
    return embedding.allow_framing(response, embedding.all_platform_origins())


@csrf_exempt
@require_http_methods(["POST"])
def launch(request: HttpRequest) -> HttpResponse:
    """Validate the id_token, sign the LMS user in, open what the link points at."""
    try:
        message_launch = validated_launch(request)
    except LaunchRefused as refusal:
        state = request.POST.get("state", "")
        login_params = cache.get(f"{LOGIN_CACHE_PREFIX}{state}") if state else None
        if refusal.code == "bad_state" and login_params:
            return new_window(request, login_params)
        return refused(request, refusal)
    try:
        lti_launch = LtiLaunch(message_launch)
        if not (lti_launch.is_resource_launch or lti_launch.is_deep_link_launch):
            raise LaunchRefused("bad_message", "message type not supported")
        if lti_launch.is_deep_link_launch and not placement.teaches(
            lti_launch.get_claim(placement.ROLES_CLAIM)
        ):
            raise LaunchRefused("not_instructor", "deep linking by a non-instructor")
        placed = placement.place_launch(lti_launch=lti_launch)
    except LaunchRefused as refusal:
        return refused(request, refusal)
    login(request, placed.user, backend=AUTH_BACKEND)
    embedding.remember(request, lti_launch.registration)
    request.session[LAUNCH_SESSION_KEY] = message_launch.get_launch_id()
    if lti_launch.is_deep_link_launch:
        return redirect("lti:deep-link")
    target = placed.target
    if target.quiz_id:
        return redirect("quizzes:intro", pk=target.quiz_id)
    return redirect(target.lesson.get_absolute_url())
