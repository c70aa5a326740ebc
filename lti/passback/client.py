"""Talk to a platform's AGS endpoints: an OAuth2 token, then a score POST."""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

import jwt
import requests
from django.core.cache import cache
from lti_tool.models import LtiRegistration

from ..keys import ensure_signing_key
from ..launch import TimeoutSession

SCORE_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
LINEITEM_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem"
NRPS_SCOPE = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"
SCORE_TYPE = "application/vnd.ims.lis.v1.score+json"
# Status codes worth trying again: the platform is busy or failing, not refusing us.
RETRYABLE_STATUS = {408, 425, 429}


@dataclass
class SendFailure(Exception):
    """A call that failed: `retry` says whether trying again may succeed."""

    retry: bool
    reason: str
    status: int | None = None

    def __str__(self) -> str:
        return self.reason


def _check(response: requests.Response, what: str) -> None:
    if response.ok:
        return
    status = response.status_code
    retry = status >= 500 or status in RETRYABLE_STATUS
    raise SendFailure(
        retry=retry,
        reason=f"{what}: HTTP {status} {response.text[:300]}",
        status=status,
    )


def access_token(
    registration: LtiRegistration, scopes: list[str], session: requests.Session
) -> str:
    """A bearer token for these scopes (client-credentials grant with a signed JWT)."""
    scope = " ".join(sorted(scopes))
    key = f"lti-token:{registration.pk}:{scope}"
    token = cache.get(key)
    if token:
        return token
    ensure_signing_key()
    tool = registration.to_registration()
    now = int(time.time())
    assertion = jwt.encode(
        {
            "iss": registration.client_id,
            "sub": registration.client_id,
            "aud": registration.audience or registration.token_url,
            "iat": now - 5,
            "exp": now + 60,
            "jti": f"tradeoffs-{uuid.uuid4()}",
        },
        tool.get_tool_private_key(),
        algorithm="RS256",
        headers={"kid": tool.get_kid()},
    )
    response = session.post(
        registration.token_url,
        data={
            "grant_type": "client_credentials",
            "client_assertion_type": (
                "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
            ),
            "client_assertion": assertion,
            "scope": scope,
        },
    )
    _check(response, "token request")
    body = response.json()
    token = body["access_token"]
    lifetime = int(body.get("expires_in", 3600)) - 60
    if lifetime > 0:
        cache.set(key, token, lifetime)
    return token


def scores_url(lineitem_url: str) -> str:
    """The line item's score endpoint: its path + /scores, query string kept (AGS 3.4)."""
    parts = urlsplit(lineitem_url)
    return urlunsplit(parts._replace(path=parts.path.rstrip("/") + "/scores"))


def post_score(*, registration: LtiRegistration, lineitem_url: str, body: dict) -> int:
    """POST one score; returns the status, or raises SendFailure."""
    session = TimeoutSession()
    try:
        token = access_token(registration, [SCORE_SCOPE], session)
        response = session.post(
            scores_url(lineitem_url),
            data=json.dumps(body),
            headers={"Authorization": f"Bearer {token}", "Content-Type": SCORE_TYPE},
        )
    except requests.RequestException as exc:
        raise SendFailure(retry=True, reason=f"{type(exc).__name__}: {exc}") from exc
    if response.status_code == 401:
        # A token the platform revoked early: the next try asks for a new one.
        cache.delete(f"lti-token:{registration.pk}:{SCORE_SCOPE}")
    _check(response, "score")
    return response.status_code


def get_json(
    *, registration: LtiRegistration, url: str, scope: str, accept: str
) -> tuple[dict, str | None]:
    """GET a JSON service document; returns it and the next page's URL (Link header)."""
    session = TimeoutSession()
    try:
        token = access_token(registration, [scope], session)
        response = session.get(
            url, headers={"Authorization": f"Bearer {token}", "Accept": accept}
        )
    except requests.RequestException as exc:
        raise SendFailure(retry=True, reason=f"{type(exc).__name__}: {exc}") from exc
    _check(response, "service request")
    next_url = response.links.get("next", {}).get("url")
    return response.json(), next_url
