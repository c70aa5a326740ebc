"""Let the LMS frame our pages: only pages opened from a launch, only by its platform.

The site's policy forbids framing (`frame-ancestors 'none'`, X-Frame-Options DENY). A
launch records its platform's origins in the session; while they are there, LTI pages
and the quiz and lesson pages the launch opens may be framed by those origins alone,
and the session and CSRF cookies are re-sent `SameSite=None; Secure` so the browser
keeps sending them inside the LMS's iframe (over HTTPS; plain HTTP keeps Django's).
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from lti_tool.models import LtiRegistration

from core.middleware import CSP_HEADER, SITE_POLICY, render_policy

SESSION_KEY = "lti_embedding"
# Paths a launch may open inside the LMS's frame.
FRAMEABLE_PREFIXES = ("/lti/", "/quizzes/", "/courses/")


def origin(url: str) -> str | None:
    parts = urlsplit(url or "")
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}"


def registration_origins(registration: LtiRegistration) -> list[str]:
    """The origins that may frame our pages for this platform."""
    urls = [registration.issuer, registration.auth_url]
    urls += getattr(settings, "LTI_EXTRA_FRAME_ORIGINS", {}).get(
        registration.issuer, []
    )
    return sorted({o for o in map(origin, urls) if o})


def all_platform_origins() -> list[str]:
    """Every active platform's origins: for pages shown before a launch succeeded."""
    origins: set[str] = set()
    for registration in LtiRegistration.objects.active().only("issuer", "auth_url"):
        origins.update(registration_origins(registration))
    return sorted(origins)


def remember(request: HttpRequest, registration: LtiRegistration) -> None:
    request.session[SESSION_KEY] = {"origins": registration_origins(registration)}


def frame_policy(origins: list[str]) -> str:
    return render_policy({**SITE_POLICY, "frame-ancestors": origins or ["'none'"]})


def allow_framing(response: HttpResponse, origins: list[str]) -> HttpResponse:
    """Let these origins (and no others) frame the response."""
    response[CSP_HEADER] = frame_policy(origins)
    response.xframe_options_exempt = True
    # frame-ancestors governs browsers that know it; X-Frame-Options has no allow-list.
    if "X-Frame-Options" in response:
        del response["X-Frame-Options"]
    return response


class EmbeddingMiddleware:
    """Frame-ancestors and iframe-proof cookies for pages opened from an LTI launch.

    Sits just outside SessionMiddleware (before it in MIDDLEWARE): it sees the session
    cookie that middleware sets, and it is inside SecurityHeadersMiddleware, which keeps
    a CSP set here.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        embedding = session.get(SESSION_KEY) if session is not None else None
        if not embedding:
            return response
        if request.path.startswith(FRAMEABLE_PREFIXES) and CSP_HEADER not in response:
            allow_framing(response, embedding["origins"])
        if request.is_secure():
            for name in (settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME):
                if name in response.cookies:
                    response.cookies[name]["samesite"] = "None"
                    response.cookies[name]["secure"] = True
        return response
