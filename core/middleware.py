"""Shared middleware: security headers, and a clean 503 when the database drops."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

CSP_HEADER = "Content-Security-Policy"

# Our own templates carry no inline script or style (templates/base.html), so the policy
# can forbid both: an injected <script> or style attribute is refused by the browser.
SITE_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "connect-src": ["'self'"],
    "font-src": ["'self'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
    "base-uri": ["'self'"],
    "object-src": ["'none'"],
}

# Swagger UI is served from our own static files (drf-spectacular-sidecar) and boots
# from a script file of its own (SpectacularSwaggerSplitView), so scripts stay 'self'
# only. Its page carries one inline <style> block, and the UI sets style attributes:
# only that page may use inline styles.
API_DOCS_POLICY = {
    **SITE_POLICY,
    "style-src": ["'self'", "'unsafe-inline'"],
}

# Features no page of ours uses; denying them limits what injected code could ask for.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "camera",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    )
)


def render_policy(directives: dict[str, list[str]]) -> str:
    """Join CSP directives into one header value."""
    return "; ".join(
        f"{name} {' '.join(sources)}" for name, sources in directives.items()
    )


SITE_CSP = render_policy(SITE_POLICY)
API_DOCS_CSP = render_policy(API_DOCS_POLICY)


def _api_docs_prefix() -> str | None:
    try:
        return reverse("api-docs")
    except NoReverseMatch:
        return None


def policy_for(path: str) -> str:
    """The Content-Security-Policy a response to this path carries."""
    prefix = _api_docs_prefix()
    if prefix and path.startswith(prefix):
        return API_DOCS_CSP
    return SITE_CSP


class SecurityHeadersMiddleware:
    """Add the CSP and Permissions-Policy unless a view set its own.

    Referrer-Policy, X-Content-Type-Options, Cross-Origin-Opener-Policy and HSTS come
    from Django's SecurityMiddleware and the SECURE_* settings.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault(CSP_HEADER, policy_for(request.path))
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


# Seconds a client should wait before retrying after the database connection dropped.
RETRY_AFTER_SECONDS = 5


class DatabaseUnavailableMiddleware:
    """Answer 503 with a message when the database connection is lost mid-request.

    The transaction in progress died with the connection (services are atomic, so none
    of its writes were kept); Django drops the broken connection when the request ends
    and the next request opens a new one. A DataError or IntegrityError is a bug or a bad input, not an
    outage, and is left alone.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(
        self, request: HttpRequest, exception: Exception
    ) -> HttpResponse | None:
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        # Still an incident to look at: log it with the traceback, as a 500 would be.
        logger.error(
            "Database unavailable during %s %s",
            request.method,
            request.path,
            exc_info=exception,
        )
        message = _(
            "The service lost its database connection, so this request was not "
            "completed. Please try again in a few seconds."
        )
        if request.path_info.startswith("/api/"):
            response = JsonResponse(
                {"detail": message, "code": "service_unavailable"}, status=503
            )
        else:
            # No template: rendering the layout would query the database again.
            response = HttpResponse(
                message, content_type="text/plain; charset=utf-8", status=503
            )
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
