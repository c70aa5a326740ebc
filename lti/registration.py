"""LTI Dynamic Registration 1.0: an LMS registers the tool from a one-time link."""

from __future__ import annotations

import logging

import requests
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from lti_tool.models import LtiDeployment, LtiRegistration

from . import embedding
from .launch import TimeoutSession
from .models import RegistrationInvite

logger = logging.getLogger("tradeoffs.lti")

PLATFORM_CONFIG = "https://purl.imsglobal.org/spec/lti-platform-configuration"
TOOL_CONFIG = "https://purl.imsglobal.org/spec/lti-tool-configuration"
SCOPES = [
    "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
    "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly",
    "https://purl.imsglobal.org/spec/lti-ags/scope/score",
    "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly",
]


class RegistrationFailed(Exception):
    pass


def tool_registration_request(request: HttpRequest) -> dict:
    """The client registration we send (Dynamic Registration 1.0, section 3.5)."""

    def url(name: str) -> str:
        return request.build_absolute_uri(reverse(name))

    launch = url("lti:launch")
    return {
        "application_type": "web",
        "response_types": ["id_token"],
        "grant_types": ["implicit", "client_credentials"],
        "initiate_login_uri": url("lti:login"),
        "redirect_uris": [launch],
        "client_name": "Tradeoffs",
        "jwks_uri": url("lti:jwks"),
        "token_endpoint_auth_method": "private_key_jwt",
        "scope": " ".join(SCOPES),
        TOOL_CONFIG: {
            "domain": request.get_host(),
            "target_link_uri": launch,
            "description": "Policy-education lessons and quizzes.",
            "claims": ["iss", "sub", "name", "given_name", "family_name"],
            "messages": [
                {"type": "LtiResourceLinkRequest", "target_link_uri": launch},
                {"type": "LtiDeepLinkingRequest", "target_link_uri": launch},
            ],
        },
    }


def _json(response: requests.Response, what: str) -> dict:
    if not response.ok:
        raise RegistrationFailed(f"{what}: HTTP {response.status_code}")
    try:
        return response.json()
    except ValueError as exc:
        raise RegistrationFailed(f"{what}: not JSON") from exc


def register(request: HttpRequest, *, config_url: str, token: str) -> LtiRegistration:
    """Read the platform's configuration, register with it, record the registration."""
    session = TimeoutSession()
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    try:
        config = _json(session.get(config_url, headers=headers), "configuration")
        issuer = config["issuer"]
        # The configuration must come from the issuer it names (spec, section 3.4).
        if not config_url.startswith(issuer.rstrip("/") + "/"):
            raise RegistrationFailed("configuration URL outside the issuer")
        answer = _json(
            session.post(
                config["registration_endpoint"],
                json=tool_registration_request(request),
                headers=headers,
            ),
            "registration",
        )
    except requests.RequestException as exc:
        raise RegistrationFailed(f"{type(exc).__name__}") from exc
    except KeyError as exc:
        raise RegistrationFailed(f"missing {exc}") from exc
    client_id = answer.get("client_id")
    deployment_id = (answer.get(TOOL_CONFIG) or {}).get("deployment_id")
    if not client_id:
        raise RegistrationFailed("no client_id in the platform's answer")
    name = (config.get(PLATFORM_CONFIG) or {}).get("product_family_code") or issuer
    registration, _created = LtiRegistration.objects.update_or_create(
        issuer=issuer,
        client_id=client_id,
        defaults={
            "name": f"{name} ({issuer})"[:255],
            "auth_url": config["authorization_endpoint"],
            "token_url": config["token_endpoint"],
            "keyset_url": config["jwks_uri"],
            "is_active": True,
        },
    )
    if deployment_id:
        LtiDeployment.objects.update_or_create(
            registration=registration,
            deployment_id=deployment_id,
            defaults={"is_active": True},
        )
    return registration


@require_GET
def dynamic_registration(request: HttpRequest, token: str) -> HttpResponse:
    """The link an LMS admin pastes: registers once, then tells the LMS to close."""
    now = timezone.now()
    with transaction.atomic():
        invite = (
            RegistrationInvite.objects.select_for_update()
            .filter(token=token, used_at__isnull=True, expires_at__gt=now)
            .first()
        )
        if invite is None:
            return _failed(request, _("This registration link is used up or expired."))
        config_url = request.GET.get("openid_configuration", "")
        if not config_url.startswith(("https://", "http://")):
            return _failed(request, _("The LMS did not send its configuration URL."))
        try:
            registration = register(
                request,
                config_url=config_url,
                token=request.GET.get("registration_token", ""),
            )
        except RegistrationFailed as exc:
            logger.warning("LTI dynamic registration failed: %s", exc)
            return _failed(
                request,
                _("The LMS refused or broke off the registration (%(reason)s).")
                % {"reason": exc},
            )
        invite.used_at = now
        invite.registration = registration
        invite.save(update_fields=["used_at", "registration"])
    response = render(request, "lti/registered.html", {"registration": registration})
    return embedding.allow_framing(
        response, embedding.registration_origins(registration)
    )


def _failed(request: HttpRequest, message: str) -> HttpResponse:
    response = render(
        request, "lti/registration_failed.html", {"message": message}, status=400
    )
    return embedding.allow_framing(response, embedding.all_platform_origins())
