"""Validate an LTI 1.3 launch the way the spec asks, on top of pylti1p3.

pylti1p3 checks the state cookie, the registration, the signature, the deployment and
the message claims. This adds what the spec asks and pylti1p3 leaves out: the audience
and issuer are verified, `exp` and `iat` are required (with a small leeway), the nonce
and the state are single-use, the platform's key set is cached and fetched again when
a token names a key it does not hold, and an unknown or inactive deployment is refused.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import UTC, datetime, timedelta

import jwt
import requests
from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone
from lti_tool.utils import DjangoToolConfig
from pylti1p3.contrib.django import DjangoCacheDataStorage, DjangoMessageLaunch
from pylti1p3.exception import LtiException
from pylti1p3.launch_data_storage.base import DisableSessionId

from .errors import LaunchRefused
from .keys import ensure_signing_key
from .models import UsedLaunchValue

logger = logging.getLogger("tradeoffs.lti")

# Seconds of clock difference tolerated between the LMS and us on `iat`/`exp`.
LEEWAY_SECONDS = 60
# How long a platform's key set is kept before it is fetched again.
JWKS_CACHE_SECONDS = 3600
# A token naming an unknown key fetches the key set again at most this often.
JWKS_REFRESH_SECONDS = 10
HTTP_TIMEOUT = (3.05, 10)


class TimeoutSession(requests.Session):
    """A requests session whose calls give up instead of hanging a web worker."""

    def request(self, method, url, **kwargs):
        kwargs.setdefault(
            "timeout", getattr(settings, "LTI_HTTP_TIMEOUT", HTTP_TIMEOUT)
        )
        return super().request(method, url, **kwargs)


class ToolConfig(DjangoToolConfig):
    """django-lti's registry lookup; only active registrations and deployments launch."""

    def find_registration_by_params(self, iss, client_id, *args, **kwargs):
        ensure_signing_key()
        return super().find_registration_by_params(iss, client_id, *args, **kwargs)


class ToolLaunch(DjangoMessageLaunch):
    """A message launch with every check LTI Core 1.3 (section 5.1.3) asks for."""

    _refetch = False

    def __init__(self, request, tool_config=None, **kwargs):
        storage = kwargs.pop("launch_data_storage", None) or DjangoCacheDataStorage()
        kwargs.setdefault("requests_session", TimeoutSession())
        super().__init__(
            request, tool_config or ToolConfig(), launch_data_storage=storage, **kwargs
        )
        self.set_public_key_caching(storage, cache_lifetime=JWKS_CACHE_SECONDS)

    def fetch_public_key(self, key_set_url: str):
        if not self._refetch:
            return super().fetch_public_key(key_set_url)
        # A refetch skips the cached set and stores the new one in its place.
        storage, self._public_key_cache_data_storage = (
            self._public_key_cache_data_storage,
            None,
        )
        try:
            key_set = super().fetch_public_key(key_set_url)
        finally:
            self._public_key_cache_data_storage = storage
        with DisableSessionId(storage):
            storage.set_value(
                "key-set-url-" + hashlib.md5(key_set_url.encode()).hexdigest(),
                key_set,
                JWKS_CACHE_SECONDS,
            )
        return key_set

    def validate(self):
        if self._restored:
            raise LtiException("Can't validate restored launch")
        self._validated = True
        try:
            # The signature before the nonce: an unsigned token must not use one up.
            self.validate_state()
            self.validate_jwt_format()
            self.validate_registration()
            self.validate_jwt_signature()
            self.validate_nonce()
            self.validate_deployment()
            self.validate_message()
            self.save_launch_data()
        except LaunchRefused:
            self._validated = False
            raise
        except LtiException as exc:
            self._validated = False
            raise _refusal(str(exc)) from exc
        return self

    def validate_state(self):
        try:
            return super().validate_state()
        except LtiException as exc:
            raise LaunchRefused("bad_state", str(exc)) from exc

    def validate_registration(self):
        try:
            return super().validate_registration()
        except LtiException as exc:
            raise LaunchRefused("unknown_platform", str(exc)) from exc

    def get_public_key(self):
        try:
            return super().get_public_key()
        except LtiException as exc:
            if "Unable to find public key" not in str(exc):
                raise
        # The platform may have rotated its keys: fetch the set again, not too often.
        url = self._registration.get_key_set_url()
        pause = getattr(settings, "LTI_JWKS_REFRESH_SECONDS", JWKS_REFRESH_SECONDS)
        if pause and not cache.add(f"lti-jwks-refresh:{url}", 1, pause):
            raise LaunchRefused("unknown_key", "key set refreshed moments ago")
        self._registration.set_key_set(None)
        self._refetch = True
        try:
            return super().get_public_key()
        except LtiException as exc:
            raise LaunchRefused("unknown_key", str(exc)) from exc
        finally:
            self._refetch = False

    def validate_jwt_signature(self):
        public_key, alg = self.get_public_key()
        try:
            jwt.decode(
                self._get_id_token(),
                public_key,
                algorithms=[alg],
                audience=self._registration.get_client_id(),
                issuer=self._registration.get_issuer(),
                leeway=LEEWAY_SECONDS,
                options={"require": ["exp", "iat", "iss", "aud", "sub", "nonce"]},
            )
        except (jwt.ExpiredSignatureError, jwt.ImmatureSignatureError) as exc:
            raise LaunchRefused("expired", str(exc)) from exc
        except jwt.InvalidTokenError as exc:
            raise LaunchRefused("bad_token", str(exc)) from exc
        body = self._get_jwt_body()
        aud = body.get("aud")
        # With several audiences the token must say which one it is for (azp).
        if isinstance(aud, list) and len(aud) > 1:
            if body.get("azp") != self._registration.get_client_id():
                raise LaunchRefused("bad_token", "azp does not name this client")
        return self

    def validate_nonce(self):
        try:
            super().validate_nonce()
        except LtiException as exc:
            raise LaunchRefused("replayed", str(exc)) from exc
        body = self._get_jwt_body()
        # Kept until the token could no longer pass the `exp` check, and a day at least.
        until = max(
            timezone.now() + timedelta(days=1),
            datetime.fromtimestamp(int(body["exp"]) + LEEWAY_SECONDS, tz=UTC),
        )
        state = self._get_request_param("state")
        _use_once(self.get_iss(), UsedLaunchValue.Kind.NONCE, body["nonce"], until)
        _use_once(self.get_iss(), UsedLaunchValue.Kind.STATE, state, until)
        return self

    def validate_deployment(self):
        try:
            super().validate_deployment()
        except LtiException as exc:
            raise LaunchRefused("unknown_deployment", str(exc)) from exc
        deployment = self._tool_config.deployment
        if deployment is None or not deployment.is_active:
            raise LaunchRefused(
                "unknown_deployment", f"deployment {self._get_deployment_id()!r}"
            )
        return self

    def validate_message(self):
        try:
            return super().validate_message()
        except LtiException as exc:
            raise LaunchRefused("bad_message", str(exc)) from exc


def _use_once(issuer: str, kind: str, value: str, until: datetime) -> None:
    """Record a nonce or state; refuse the launch if it was recorded before."""
    try:
        with transaction.atomic():
            UsedLaunchValue.objects.create(
                issuer=issuer,
                kind=kind,
                value=value[:255],
                expires_at=until,
            )
    except IntegrityError as exc:
        raise LaunchRefused("replayed", f"{kind} used before") from exc


def _refusal(message: str) -> LaunchRefused:
    if "Registration not found" in message or "Client id" in message:
        return LaunchRefused("unknown_platform", message)
    if "deployment" in message.lower():
        return LaunchRefused("unknown_deployment", message)
    if "public key" in message or "KID" in message:
        return LaunchRefused("unknown_key", message)
    if "nonce" in message.lower():
        return LaunchRefused("replayed", message)
    return LaunchRefused("bad_token", message)


def validated_launch(request) -> ToolLaunch:
    """The request's launch, validated, or LaunchRefused saying why not."""
    if not request.POST.get("id_token"):
        raise LaunchRefused("bad_message", "no id_token posted")
    launch = ToolLaunch(request)
    launch.validate()
    return launch


def restored_launch(request, launch_id: str) -> ToolLaunch:
    """A launch validated earlier in this session, from the launch cache."""
    try:
        return ToolLaunch.from_cache(launch_id, request, ToolConfig())
    except LtiException as exc:
        raise LaunchRefused("no_launch", str(exc)) from exc
